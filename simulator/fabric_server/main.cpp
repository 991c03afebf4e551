// lightpath-fabric: every optical switch of a topology as a separate device,
// served over the southbound protocol (lightpath.device.v1) and backed by the
// MEMS model in real or scaled time. Faults come from a script (--faults) or
// at run time through FabricAdminService (`lightpathctl fabric fault`).

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "controller/topology/topology_loader.h"
#include "simulator/fabric_server/admin_service.h"
#include "simulator/fabric_server/device_service.h"
#include "simulator/fabric_server/fabric_host.h"

namespace {

// Written whole under a temporary name, so a reader never sees half of it
// (the same form as lightpathd's ready file).
void write_ready_file(const std::string& path, const std::string& host, int port) {
  const std::string tmp = path + ".tmp";
  std::ofstream(tmp)
      << nlohmann::json{{"grpc_port", port}, {"address", host + ":" + std::to_string(port)}}.dump()
      << "\n";
  std::rename(tmp.c_str(), path.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lightpath;
  CLI::App app{"lightpath-fabric - simulated optical switches served over the southbound protocol"};
  std::string topology_file, listen = "127.0.0.1:50061", ready_file, level = "info";
  fabric_server::FabricHostOptions options;
  app.add_option("--topology", topology_file, "Topology YAML file")->required();
  app.add_option("--listen", listen, "gRPC address (host:port, port 0 = any)");
  app.add_option("--time-scale", options.time_scale, "Simulated seconds per real second")
      ->check(CLI::PositiveNumber);
  app.add_option("--faults", options.fault_script, "Fault script (docs/fault-script.md)");
  app.add_option("--seed", options.seed, "Seed of the switch models");
  app.add_option("--ready-file", ready_file, "Write the bound address here once serving");
  app.add_option("--log-level", level, "trace, debug, info, warn, error");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %l lightpath-fabric %v");

  // Signals are taken by sigwait below; every thread started from here on
  // inherits the mask, so none of them is interrupted.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto loaded = topology::load_topology_file(topology_file);
  if (!loaded) {
    for (const auto& d : loaded.error()) spdlog::error("{}", d.to_string());
    return 2;
  }
  const Fabric fabric = std::move(*loaded);
  for (const auto& sw : fabric.optical_switches)
    if (sw.kind != SwitchKind::kMems)
      spdlog::warn("switch {} is {}: not modeled, not served", sw.name, to_string(sw.kind));

  auto host = fabric_server::FabricHost::start(fabric, options);
  if (!host) {
    spdlog::error("{}", host.error().message);
    return 2;
  }
  fabric_server::DeviceService devices(**host);
  fabric_server::AdminService admin(**host);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  // Clients probe the link with keepalive pings; allow them often.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 1000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.RegisterService(&devices);
  builder.RegisterService(&admin);
  auto server = builder.BuildAndStart();
  if (!server || port == 0) {
    spdlog::error("cannot serve gRPC on {}", listen);
    return 1;
  }
  const std::string bound_host = listen.substr(0, listen.rfind(':'));
  spdlog::info("serving {} switches of fabric {} on {}:{} (time scale {}, seed {}{}{})",
               (*host)->hubs().size(), fabric.name, bound_host, port, options.time_scale,
               options.seed, options.fault_script.empty() ? "" : ", faults from ",
               options.fault_script);
  if (!ready_file.empty()) write_ready_file(ready_file, bound_host, port);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("signal {}: shutting down", sig);
  // Streams end with CANCELLED; unary calls in flight get a moment to finish.
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  return 0;
}
