#include "controller/topology/fabric_report.h"

#include <fmt/format.h>

namespace lightpath::topology {
namespace {

// Long switch lists drown the summary; past this many, only totals are shown.
constexpr std::size_t kMaxListedSwitches = 16;

int cabled_ports(const OpticalSwitch& sw) {
  int n = 0;
  for (const auto& f : sw.port_fiber) n += f.valid() ? 1 : 0;
  return n;
}

}  // namespace

std::string format_rate(DataRate rate) {
  const double g = rate.gbps();
  if (g >= 1e6) return fmt::format("{:.1f} Pb/s", g / 1e6);
  if (g >= 1000.0) return fmt::format("{:.4g} Tb/s", g / 1000.0);
  return fmt::format("{:.4g} Gb/s", g);
}

std::string summary_text(const Fabric& fabric) {
  const FabricSummary s = fabric.summary();
  std::string out = fmt::format("fabric {}\n", fabric.name);
  if (!fabric.description.empty()) out += fmt::format("  {}\n", fabric.description);
  std::size_t leaves = 0;
  for (const auto& p : fabric.packet_switches) leaves += p.role == PacketRole::kLeaf ? 1 : 0;
  out += fmt::format("  endpoints            {:>6}   ({} optical ports, {} cabled)\n", s.endpoints,
                     s.endpoint_ports, s.cabled_endpoint_ports);
  out += fmt::format("  optical switches     {:>6}   ({} MEMS, {} WSS; {} ports)\n",
                     s.mems_switches + s.wss_switches, s.mems_switches, s.wss_switches,
                     s.switch_ports);
  out += fmt::format("  fibers               {:>6}   ({} between switches)\n", s.fibers,
                     s.inter_switch_fibers);
  out += fmt::format("  wavelength channels  {:>6}\n", s.wavelength_channels);
  out += fmt::format("  optical capacity     {:>6}\n", format_rate(s.optical_capacity));
  out += fmt::format("  packet switches      {:>6}   ({} leaf, {} spine)\n", s.packet_switches,
                     leaves, s.packet_switches - leaves);
  out += fmt::format("  packet links         {:>6}   ({} total)\n", s.packet_links,
                     format_rate(s.packet_capacity));
  out += "  transceivers:\n";
  for (const auto& t : fabric.transceivers) {
    out += fmt::format("    {:<16} {} x {} on {}, budget {:.1f} dB\n", t.name, t.wavelengths,
                       format_rate(t.channel_rate), to_string(t.grid), t.loss_budget().value());
  }
  if (fabric.optical_switches.size() <= kMaxListedSwitches) {
    out += "  optical switches:\n";
    for (const auto& sw : fabric.optical_switches) {
      out += fmt::format("    {:<16} {:<4} {:>4} ports, {:>4} cabled, {:.1f} dB, {:.0f}-{:.0f} ms\n",
                         sw.name, to_string(sw.kind), sw.port_count, cabled_ports(sw),
                         sw.insertion_loss.value(), sw.switching.min.millis(),
                         sw.switching.max.millis());
    }
  }
  return out;
}

nlohmann::json summary_json(const Fabric& fabric) {
  const FabricSummary s = fabric.summary();
  nlohmann::json switches = nlohmann::json::array();
  for (const auto& sw : fabric.optical_switches) {
    switches.push_back({{"name", sw.name},
                        {"kind", to_string(sw.kind)},
                        {"ports", sw.port_count},
                        {"cabled_ports", cabled_ports(sw)},
                        {"insertion_loss_db", sw.insertion_loss.value()},
                        {"switching_min_ms", sw.switching.min.millis()},
                        {"switching_max_ms", sw.switching.max.millis()},
                        {"settle_ms", sw.switching.settle.millis()}});
  }
  nlohmann::json transceivers = nlohmann::json::array();
  for (const auto& t : fabric.transceivers) {
    transceivers.push_back({{"name", t.name},
                            {"grid", to_string(t.grid)},
                            {"wavelengths", t.wavelengths},
                            {"channel_rate_gbps", t.channel_rate.gbps()},
                            {"launch_power_dbm", t.launch_power.value()},
                            {"rx_sensitivity_dbm", t.rx_sensitivity.value()}});
  }
  return {{"name", fabric.name},
          {"endpoints", s.endpoints},
          {"endpoint_ports", s.endpoint_ports},
          {"cabled_endpoint_ports", s.cabled_endpoint_ports},
          {"mems_switches", s.mems_switches},
          {"wss_switches", s.wss_switches},
          {"switch_ports", s.switch_ports},
          {"fibers", s.fibers},
          {"inter_switch_fibers", s.inter_switch_fibers},
          {"wavelength_channels", s.wavelength_channels},
          {"optical_capacity_gbps", s.optical_capacity.gbps()},
          {"packet_switches", s.packet_switches},
          {"packet_links", s.packet_links},
          {"packet_capacity_gbps", s.packet_capacity.gbps()},
          {"transceivers", transceivers},
          {"optical_switches", switches}};
}

}  // namespace lightpath::topology
