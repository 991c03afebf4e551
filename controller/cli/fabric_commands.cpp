#include "controller/cli/fabric_commands.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "controller/cli/circuit_format.h"
#include "controller/cli/daemon_client.h"

namespace lightpath::cli {
namespace {

using FabricStub = v1::FabricService::Stub;

struct FabricOptions {
  DaemonOptions daemon;
  std::string switch_name;
  int port = -1;
  bool all_alarms = false;
};

int run_switches(const FabricOptions& o) {
  DaemonClient client(o.daemon);
  v1::ListSwitchesResponse resp;
  if (auto done = client.call_or_print_json(&FabricStub::ListSwitches, client.fabric(),
                                            v1::ListSwitchesRequest{}, &resp))
    return *done;
  Table t({"NAME", "KIND", "PORTS", "IN-USE", "RECONFIGS", "UP", "DRAINED"});
  for (const auto& sw : resp.switches())
    t.add_row({sw.name(), sw.kind(), std::to_string(sw.port_count()),
               std::to_string(sw.ports_in_use()), std::to_string(sw.reconfigurations()),
               sw.up() ? "yes" : "NO", sw.drained() ? "yes" : "-"});
  t.print(std::cout);
  return kExitOk;
}

int run_drain_port(const FabricOptions& o, bool drained) {
  DaemonClient client(o.daemon);
  v1::DrainPortRequest req;
  req.set_switch_name(o.switch_name);
  req.set_port(static_cast<std::uint32_t>(o.port));
  req.set_drained(drained);
  v1::DrainPortResponse resp;
  if (auto done = client.call_or_print_json(&FabricStub::DrainPort, client.fabric(), req, &resp))
    return *done;
  std::cout << fmt::format("{} port {} {}{}\n", o.switch_name, o.port,
                           drained ? "drained (no new circuits)" : "back in service",
                           resp.circuits_on_port() > 0 ? "; a circuit is still on it" : "");
  return kExitOk;
}

int run_drain(const FabricOptions& o, bool drained) {
  if (o.port >= 0) return run_drain_port(o, drained);
  DaemonClient client(o.daemon);
  v1::DrainSwitchRequest req;
  req.set_switch_name(o.switch_name);
  req.set_drained(drained);
  v1::DrainSwitchResponse resp;
  if (auto done = client.call_or_print_json(&FabricStub::DrainSwitch, client.fabric(), req, &resp))
    return *done;
  std::cout << fmt::format("{} {}: {} circuit(s) still on it\n", o.switch_name,
                           drained ? "drained (no new circuits)" : "back in service",
                           resp.circuits_on_switch());
  return kExitOk;
}

int run_ports(const FabricOptions& o) {
  DaemonClient client(o.daemon);
  v1::ListPortsRequest req;
  req.set_switch_name(o.switch_name);
  v1::ListPortsResponse resp;
  if (auto done = client.call_or_print_json(&FabricStub::ListPorts, client.fabric(), req, &resp))
    return *done;
  Table t({"PORT", "CABLED-TO", "PEER", "CIRCUIT", "STATUS", "SERVICE", "IN-DBM", "OUT-DBM", "OSNR",
           "BER"});
  for (const auto& p : resp.ports()) {
    std::vector<std::string> row{std::to_string(p.index()),
                                 p.cabled_to().empty() ? "-" : p.cabled_to(),
                                 p.peer() < 0 ? "-" : std::to_string(p.peer()),
                                 p.circuit_id() == 0 ? "-" : std::to_string(p.circuit_id()),
                                 p.status(),
                                 p.drained()          ? "drained"
                                 : p.held()           ? "held"
                                 : p.out_of_service() ? "OUT"
                                                      : "yes"};
    if (p.has_telemetry()) {
      const auto& tm = p.telemetry();
      row.push_back(fmt::format("{:.2f}", tm.input_power_dbm()));
      row.push_back(fmt::format("{:.2f}", tm.output_power_dbm()));
      row.push_back(fmt::format("{:.1f}", tm.osnr_db()));
      row.push_back(fmt::format("{:.1e}", tm.ber()));
    } else {
      row.insert(row.end(), {"-", "-", "-", "-"});
    }
    t.add_row(std::move(row));
  }
  t.print(std::cout);
  return kExitOk;
}

int run_telemetry(const FabricOptions& o) {
  DaemonClient client(o.daemon);
  v1::GetPortTelemetryRequest req;
  req.set_switch_name(o.switch_name);
  req.set_port(static_cast<std::uint32_t>(o.port));
  v1::GetPortTelemetryResponse resp;
  if (auto done =
          client.call_or_print_json(&FabricStub::GetPortTelemetry, client.fabric(), req, &resp))
    return *done;
  if (resp.samples().empty()) {
    std::cout << "no samples: telemetry is kept while the port is connected\n";
    return kExitOk;
  }
  Table t({"TIME", "IN-DBM", "OUT-DBM", "OSNR", "BER"});
  for (const auto& tm : resp.samples())
    t.add_row({time_text(tm.at_unix_ms()), fmt::format("{:.2f}", tm.input_power_dbm()),
               fmt::format("{:.2f}", tm.output_power_dbm()), fmt::format("{:.1f}", tm.osnr_db()),
               fmt::format("{:.1e}", tm.ber())});
  t.print(std::cout);
  return kExitOk;
}

int run_alarms(const FabricOptions& o) {
  DaemonClient client(o.daemon);
  v1::ListAlarmsRequest req;
  req.set_include_cleared(o.all_alarms);
  v1::ListAlarmsResponse resp;
  if (auto done = client.call_or_print_json(&FabricStub::ListAlarms, client.fabric(), req, &resp))
    return *done;
  if (resp.alarms().empty()) {
    std::cout << (o.all_alarms ? "no alarms\n" : "no active alarms\n");
    return kExitOk;
  }
  Table t({"TIME", "SWITCH", "PORT", "KIND", "ACTIVE", "MESSAGE"});
  for (const auto& a : resp.alarms())
    t.add_row({time_text(a.at_unix_ms()), a.switch_name(),
               a.port() < 0 ? "-" : std::to_string(a.port()), a.kind(),
               a.active() ? "yes" : "cleared", a.message()});
  t.print(std::cout);
  return kExitOk;
}

}  // namespace

void add_fabric_commands(CLI::App& app, int& exit_code) {
  // Each verb has its own options: CLI11 fills an option from the environment
  // (LIGHTPATH_SERVER) even in verbs not run, so verbs must not share them.
  auto o = std::make_shared<FabricOptions>();

  auto* switches = app.add_subcommand("switches", "Optical switches of a running lightpathd");
  switches->require_subcommand(1);
  auto* list = switches->add_subcommand("list", "List the switches, their use and health");
  add_daemon_options(*list, o->daemon);
  list->callback([o, &exit_code] { exit_code = run_switches(*o); });
  for (const bool drained : {true, false}) {
    o = std::make_shared<FabricOptions>();
    auto* verb = switches->add_subcommand(
        drained ? "drain" : "undrain",
        drained ? "Take a switch, or one port of it, out of service for new circuits (operators)"
                : "Put a drained switch or port back in service (operators)");
    add_daemon_options(*verb, o->daemon);
    verb->add_option("switch", o->switch_name, "Switch name")->required();
    verb->add_option("--port", o->port, "Only this port of the switch")
        ->check(CLI::NonNegativeNumber);
    verb->callback([o, drained, &exit_code] { exit_code = run_drain(*o, drained); });
  }

  o = std::make_shared<FabricOptions>();
  auto* ports = app.add_subcommand("ports", "Ports of one switch: cabling, cross-connects, light");
  add_daemon_options(*ports, o->daemon);
  ports->add_option("switch", o->switch_name, "Switch name")->required();
  ports->callback([o, &exit_code] { exit_code = run_ports(*o); });

  o = std::make_shared<FabricOptions>();
  auto* telemetry =
      app.add_subcommand("telemetry", "Recent optical readings of one connected port");
  add_daemon_options(*telemetry, o->daemon);
  telemetry->add_option("switch", o->switch_name, "Switch name")->required();
  telemetry->add_option("port", o->port, "Port index")->required()->check(CLI::NonNegativeNumber);
  telemetry->callback([o, &exit_code] { exit_code = run_telemetry(*o); });

  o = std::make_shared<FabricOptions>();
  auto* alarms = app.add_subcommand("alarms", "Active switch alarms");
  add_daemon_options(*alarms, o->daemon);
  alarms->add_flag("--all", o->all_alarms, "Include cleared alarms");
  alarms->callback([o, &exit_code] { exit_code = run_alarms(*o); });
}

}  // namespace lightpath::cli
