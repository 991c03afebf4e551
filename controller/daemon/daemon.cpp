#include "controller/daemon/daemon.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include <boost/asio/signal_set.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "controller/auth/access.h"
#include "controller/core/controller.h"
#include "controller/grpc/services.h"
#include "controller/requests/request_file.h"
#include "controller/rest/metrics.h"
#include "controller/rest/rest_server.h"
#include "controller/runtime/asio_executor.h"
#include "controller/southbound_grpc/grpc_driver_set.h"
#include "controller/store/sqlite_store.h"
#include "controller/topology/topology_loader.h"
#include "lightpath/driver_set.h"

namespace lightpath::daemon {

struct Daemon::Parts {
  explicit Parts(boost::asio::io_context& io)
      : executor(io), signals(io, SIGINT, SIGTERM), hangups(io, SIGHUP) {}
  runtime::AsioExecutor executor;
  boost::asio::signal_set signals;
  boost::asio::signal_set hangups;  // reload the token file
  std::unique_ptr<auth::TokenStore> tokens;
  std::unique_ptr<auth::AuditLog> audit;
  std::unique_ptr<auth::RateLimiter> limiter;
  std::unique_ptr<auth::Guard> guard;
  std::unique_ptr<Fabric> fabric;
  std::unique_ptr<store::SqliteStore> store;
  std::unique_ptr<southbound::DriverSet> drivers;
  std::unique_ptr<core::Controller> controller;
  rest::Metrics metrics;
  std::unique_ptr<grpc_api::CircuitService> circuit_service;
  std::unique_ptr<grpc_api::FabricService> fabric_service;
  std::unique_ptr<grpc::Server> grpc_server;
  std::unique_ptr<rest::RestServer> rest_server;
};

Daemon::Daemon(DaemonConfig config) : config_(std::move(config)) {}

Daemon::~Daemon() {
  if (parts_ && parts_->grpc_server) parts_->grpc_server->Shutdown();
}

namespace {

bool loopback(const std::string& listen) {
  const std::string host = listen.substr(0, listen.rfind(':'));
  return host == "localhost" || host == "[::1]" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::string joined(const std::vector<topology::Diagnostic>& diags) {
  std::string all;
  for (const auto& d : diags) all += "\n  " + d.to_string();
  return all;
}

}  // namespace

Result<bool> Daemon::start_auth() {
  Parts& p = *parts_;
  if (config_.auth_tokens.empty()) {
    for (const auto* listen : {&config_.grpc_listen, &config_.http_listen}) {
      if (!loopback(*listen)) {
        return unexpected(Error{"CONFIG",
                                "no auth_tokens file is configured, so lightpathd serves "
                                "loopback only; " +
                                    *listen +
                                    " is not a loopback address (configure auth_tokens, "
                                    "docs/security.md)"});
      }
    }
    spdlog::warn("no auth_tokens file: every caller is an operator; serving on loopback only");
  } else {
    p.tokens = std::make_unique<auth::TokenStore>(config_.auth_tokens);
    auto n = p.tokens->reload();
    if (!n) return unexpected(Error{"AUTH", "cannot load the token file:" + joined(n.error())});
    const std::string audit =
        config_.audit_log.empty() ? config_.db + ".audit.jsonl" : config_.audit_log;
    auto log = auth::AuditLog::open(audit);
    if (!log) return unexpected(log.error());
    p.audit = std::move(*log);
    spdlog::info("{} tokens from {}; audit log {}", *n, config_.auth_tokens, audit);
  }
  if (config_.requests_per_second_per_tenant > 0) {
    const double burst = config_.request_burst > 0
                             ? config_.request_burst
                             : std::max(1.0, config_.requests_per_second_per_tenant);
    p.limiter = std::make_unique<auth::RateLimiter>(config_.requests_per_second_per_tenant, burst);
  }
  p.guard = std::make_unique<auth::Guard>(p.tokens.get(), p.audit.get(), p.limiter.get());
  return true;
}

void Daemon::watch_hangups() {
  parts_->hangups.async_wait([this](const boost::system::error_code& ec, int) {
    if (ec) return;
    Parts& p = *parts_;
    if (p.tokens) {
      auto n = p.tokens->reload();
      if (n)
        spdlog::info("SIGHUP: {} tokens from {}", *n, config_.auth_tokens);
      else
        spdlog::error("SIGHUP: keeping the tokens in force; the file has errors:{}",
                      joined(n.error()));
    }
    watch_hangups();
  });
}

Result<bool> Daemon::start() {
  parts_ = std::make_unique<Parts>(io_);
  Parts& p = *parts_;
  if (auto ok = start_auth(); !ok) return ok;
  auto loaded = topology::load_topology_file(config_.topology);
  if (!loaded) {
    std::string all;
    for (const auto& d : loaded.error()) all += "\n  " + d.to_string();
    return unexpected(Error{"TOPOLOGY", "cannot load the topology:" + all});
  }
  p.fabric = std::make_unique<Fabric>(std::move(*loaded));

  if (config_.fabric == "sim") {
    southbound::SimulatedDriverOptions sim;
    sim.seed = config_.seed;
    sim.time_scale = config_.time_scale;
    p.drivers = southbound::make_simulated_drivers(*p.fabric, p.executor, sim);
  } else if (auto address = southbound_grpc::parse_fabric_url(config_.fabric)) {
    southbound_grpc::GrpcDriverOptions o;
    o.call_timeout = Duration::from_seconds(config_.fabric_timeout_s);
    o.apply_timeout = Duration::from_seconds(3 * config_.fabric_timeout_s);
    p.drivers = southbound_grpc::make_grpc_drivers(*p.fabric, *address, p.executor, o);
    spdlog::info("switches served by the fabric at {}", *address);
  } else {
    return unexpected(Error{"CONFIG", "fabric '" + config_.fabric +
                                          "' is not supported (use sim or grpc://HOST:PORT)"});
  }
  auto drivers = p.drivers->drivers();
  // Every switch must have a driver, or circuits across it could never be
  // confirmed; the simulated fabric models MEMS switches only.
  for (std::uint32_t i = 0; i < p.fabric->optical_switches.size(); ++i)
    if (!drivers.count(SwitchId(i)))
      return unexpected(
          Error{"CONFIG", "no driver for switch '" + p.fabric->optical_switches[i].name + "' (" +
                              std::string(to_string(p.fabric->optical_switches[i].kind)) +
                              "): the simulated fabric models MEMS switches only"});

  auto opened = store::SqliteStore::open(config_.db, {config_.durable});
  if (!opened) return unexpected(opened.error());
  p.store = std::move(*opened);

  core::ControllerOptions opt;
  opt.max_circuits_per_request = config_.max_circuits_per_request;
  opt.max_circuits_per_tenant = config_.max_circuits_per_tenant;
  opt.event_log_keep = config_.event_log_keep;
  opt.commit_on_thread = true;
  opt.reconcile_interval = Duration::from_seconds(config_.reconcile_interval_s);
  opt.dark_port_hold = Duration::from_seconds(config_.dark_port_hold_s);
  opt.telemetry_history = config_.telemetry_history;
  opt.low_power = PowerDbm::dbm(config_.low_power_dbm);
  opt.max_ber = config_.max_ber;
  p.controller = std::make_unique<core::Controller>(*p.fabric, p.executor, drivers, *p.store, opt);
  if (auto started = p.controller->start(); !started) return unexpected(started.error());

  p.circuit_service = std::make_unique<grpc_api::CircuitService>(
      *p.controller, p.executor, *p.guard,
      [&m = p.metrics](std::string_view method, std::string_view code, double s) {
        m.observe_request("grpc", method, code, Duration::from_seconds(s));
      });
  p.fabric_service = std::make_unique<grpc_api::FabricService>(*p.controller, p.executor, *p.guard);
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int grpc_port = 0;
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!config_.tls_cert.empty()) {
    auto cert = requests::read_text_file(config_.tls_cert);
    auto key = requests::read_text_file(config_.tls_key);
    if (!cert) return unexpected(Error{"TLS", "tls_cert:" + joined(cert.error())});
    if (!key) return unexpected(Error{"TLS", "tls_key:" + joined(key.error())});
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({*key, *cert});
    credentials = grpc::SslServerCredentials(ssl);
  }
  builder.AddListeningPort(config_.grpc_listen, credentials, &grpc_port);
  builder.SetMaxReceiveMessageSize(static_cast<int>(config_.max_message_bytes));
  builder.RegisterService(p.circuit_service.get());
  builder.RegisterService(p.fabric_service.get());
  p.grpc_server = builder.BuildAndStart();
  if (!p.grpc_server || grpc_port == 0)
    return unexpected(Error{"LISTEN", "cannot serve gRPC on " + config_.grpc_listen});

  rest::RestOptions rest_opt;
  rest_opt.listen = config_.http_listen;
  rest_opt.guard = p.guard.get();
  rest_opt.tls_cert = config_.tls_cert;
  rest_opt.tls_key = config_.tls_key;
  p.rest_server = std::make_unique<rest::RestServer>(io_, *p.controller, p.metrics, rest_opt);
  auto http_port = p.rest_server->start();
  if (!http_port) return unexpected(http_port.error());

  const auto host = [](const std::string& listen) { return listen.substr(0, listen.rfind(':')); };
  const char* scheme = config_.tls_cert.empty() ? "" : " (TLS)";
  spdlog::info(
      "lightpathd serving fabric {} ({} switches): gRPC{} on {}:{}, HTTP{} on {}:{}, store {}",
      p.fabric->name, p.fabric->optical_switches.size(), scheme, host(config_.grpc_listen),
      grpc_port, scheme, host(config_.http_listen), *http_port, config_.db);
  if (!config_.ready_file.empty()) {
    // Written whole under a temporary name, so a reader never sees half of it.
    const std::string tmp = config_.ready_file + ".tmp";
    std::ofstream(tmp) << nlohmann::json{{"grpc_port", grpc_port}, {"http_port", *http_port}}.dump()
                       << "\n";
    std::rename(tmp.c_str(), config_.ready_file.c_str());
  }
  watch_hangups();
  p.signals.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("signal {}: shutting down", sig);
    // gRPC's shutdown waits for calls in flight, which need this thread.
    std::thread([this] {
      parts_->grpc_server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
      io_.stop();
    }).detach();
  });
  return true;
}

void Daemon::run() {
  io_.run();
}

}  // namespace lightpath::daemon
