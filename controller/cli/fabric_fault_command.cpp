#include "controller/cli/fabric_fault_command.h"

#include <grpcpp/grpcpp.h>

#include <iostream>

#include "controller/cli/daemon_client.h"
#include "controller/cli/table.h"
#include "lightpath/device/v1/device.grpc.pb.h"

namespace lightpath::cli {
namespace {

namespace pb = ::lightpath::device::v1;
using AdminStub = pb::FabricAdminService::Stub;

struct FaultOptions {
  std::string server = "127.0.0.1:50061";
  double timeout_seconds = 10;
  bool json = false;
  std::string kind;
  std::string switch_id;
  int port = -1;
};

constexpr std::pair<std::string_view, pb::FaultKind> kFaultKinds[] = {
    {"stuck-mirror", pb::STUCK_MIRROR},
    {"dark-port", pb::DARK_PORT},
    {"fiber-cut", pb::FIBER_CUT},
    {"switch-down", pb::SWITCH_DOWN}};

pb::FaultKind kind_of(std::string_view name) {
  for (const auto& [n, k] : kFaultKinds)
    if (n == name) return k;
  return pb::FAULT_KIND_UNSPECIFIED;  // CLI11 has checked the name
}

std::string kind_name(pb::FaultKind kind) {
  for (const auto& [name, k] : kFaultKinds)
    if (k == kind) return std::string(name);
  return "unknown";
}

// One unary call to the fabric's admin service with the --timeout deadline.
template <typename Req, typename Resp>
grpc::Status call(const FaultOptions& o,
                  grpc::Status (AdminStub::*method)(grpc::ClientContext*, const Req&, Resp*),
                  const Req& request, Resp* response) {
  auto channel = grpc::CreateChannel(o.server, grpc::InsecureChannelCredentials());
  auto stub = pb::FabricAdminService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::duration_cast<std::chrono::system_clock::duration>(
                       std::chrono::duration<double>(o.timeout_seconds)));
  return ((*stub).*method)(&ctx, request, response);
}

int fail(const FaultOptions& o, const grpc::Status& s) {
  std::cerr << "lightpathctl: " << status_code_name(s.error_code()) << ": ";
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE ||
      s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
    std::cerr << "lightpath-fabric at " << o.server << ": ";
  std::cerr << s.error_message() << "\n";
  return kExitRpcError;
}

int run_fault(const FaultOptions& o, bool clear) {
  pb::FaultRequest req;
  req.set_switch_id(o.switch_id);
  req.set_kind(kind_of(o.kind));
  req.set_port(o.port);
  if (o.kind != "switch-down" && o.port < 0) {
    std::cerr << "lightpathctl: " << o.kind << " needs a PORT\n";
    return kExitRpcError;
  }
  pb::FaultReply resp;
  auto s = call(o, clear ? &AdminStub::ClearFault : &AdminStub::InjectFault, req, &resp);
  if (!s.ok()) return fail(o, s);
  if (o.json) {
    std::cout << to_json(resp) << "\n";
    return kExitOk;
  }
  const std::string where =
      o.switch_id + (o.kind == "switch-down" ? "" : " port " + std::to_string(o.port));
  if (resp.took_effect())
    std::cout << (clear ? "cleared " : "injected ") << o.kind << " on " << where << "\n";
  else
    std::cout << o.kind << " on " << where << (clear ? " was not present" : " was already present")
              << "\n";
  return kExitOk;
}

int run_clear_all(const FaultOptions& o) {
  pb::ClearAllRequest req;
  req.set_switch_id(o.switch_id);
  pb::ClearAllReply resp;
  if (auto s = call(o, &AdminStub::ClearAll, req, &resp); !s.ok()) return fail(o, s);
  if (o.json)
    std::cout << to_json(resp) << "\n";
  else
    std::cout << "cleared " << resp.cleared() << " faults\n";
  return kExitOk;
}

int run_list(const FaultOptions& o) {
  pb::ListFaultsRequest req;
  req.set_switch_id(o.switch_id);
  pb::ListFaultsReply resp;
  if (auto s = call(o, &AdminStub::ListFaults, req, &resp); !s.ok()) return fail(o, s);
  if (o.json) {
    std::cout << to_json(resp) << "\n";
    return kExitOk;
  }
  Table t({"SWITCH", "FAULT", "PORT"});
  for (const auto& f : resp.faults())
    t.add_row({f.switch_id(), kind_name(f.kind()), f.port() < 0 ? "-" : std::to_string(f.port())});
  t.print(std::cout);
  return kExitOk;
}

int run_changes(const FaultOptions& o) {
  pb::ChangeCountersRequest req;
  req.set_switch_id(o.switch_id);
  pb::ChangeCountersReply resp;
  if (auto s = call(o, &AdminStub::ChangeCounters, req, &resp); !s.ok()) return fail(o, s);
  if (o.json) {
    std::cout << to_json(resp) << "\n";
    return kExitOk;
  }
  Table t({"SWITCH", "CONNECTS", "DISCONNECTS"});
  for (const auto& c : resp.switches())
    t.add_row({c.switch_id(), std::to_string(c.connects()), std::to_string(c.disconnects())});
  t.print(std::cout);
  return kExitOk;
}

void add_options(CLI::App& cmd, FaultOptions& o) {
  cmd.add_option("--server", o.server, "lightpath-fabric gRPC address (host:port)")
      ->envname("LIGHTPATH_FABRIC_SERVER")
      ->capture_default_str();
  cmd.add_option("--timeout", o.timeout_seconds, "Deadline of the call, in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd.add_flag("--json", o.json, "Print JSON for scripts");
}

}  // namespace

void add_fabric_fault_commands(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<FaultOptions>();
  auto* fabric = app.add_subcommand("fabric", "Talk to a running lightpath-fabric (the emulator)");
  fabric->require_subcommand(1);
  auto* fault = fabric->add_subcommand("fault", "Inject, clear and list simulated faults");
  fault->require_subcommand(1);

  std::vector<std::string> kinds;
  for (const auto& [name, k] : kFaultKinds) kinds.emplace_back(name);
  for (bool clear : {false, true}) {
    auto* cmd = fault->add_subcommand(clear ? "clear" : "inject",
                                      clear ? "Clear a fault (switch-down: bring the switch up)"
                                            : "Inject a fault (switch-down: take the switch down)");
    cmd->add_option("KIND", o->kind, "stuck-mirror, dark-port, fiber-cut or switch-down")
        ->required()
        ->check(CLI::IsMember(kinds));
    cmd->add_option("SWITCH", o->switch_id, "Switch name")->required();
    cmd->add_option("PORT", o->port, "Port (not for switch-down)");
    add_options(*cmd, *o);
    cmd->callback([o, &exit_code, clear] { exit_code = run_fault(*o, clear); });
  }
  auto* clear_all = fault->add_subcommand("clear-all", "Clear every fault (of one switch)");
  clear_all->add_option("SWITCH", o->switch_id, "Switch name (default: all)");
  add_options(*clear_all, *o);
  clear_all->callback([o, &exit_code] { exit_code = run_clear_all(*o); });
  auto* list = fault->add_subcommand("list", "List the faults present now");
  list->add_option("SWITCH", o->switch_id, "Switch name (default: all)");
  add_options(*list, *o);
  list->callback([o, &exit_code] { exit_code = run_list(*o); });

  auto* changes = fabric->add_subcommand(
      "changes", "Cross-connects each switch made and removed since the fabric started");
  changes->add_option("SWITCH", o->switch_id, "Switch name (default: all)");
  add_options(*changes, *o);
  changes->callback([o, &exit_code] { exit_code = run_changes(*o); });
}

}  // namespace lightpath::cli
