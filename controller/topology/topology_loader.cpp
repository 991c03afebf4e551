#include "controller/topology/topology_loader.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "controller/topology/name_pattern.h"

namespace lightpath::topology {
namespace {

constexpr long long kFormatVersion = 1;
constexpr long long kMaxPorts = 100'000;

struct FiberDefaults {
  double attenuation_db_per_km = 0.35;
  double connector_loss_db = 0.5;  // per connector; a fiber has one at each end
  std::optional<double> length_m;
};

std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

bool parse_index(std::string_view s, int& out) {
  if (s.empty() || s.size() > 9) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    auto pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos == s.npos ? s.npos : pos - start));
    if (pos == s.npos) return parts;
    start = pos + 1;
  }
}

class Loader {
 public:
  explicit Loader(std::string file) : r_(std::move(file)) {}

  LoadResult run(const YAML::Node& root) {
    if (!r_.expect_map(root, "topology",
                       {"lightpath_topology", "name", "description", "fiber_defaults",
                        "transceivers", "endpoints", "optical_switches", "packet", "fibers",
                        "wiring"})) {
      return unexpected(r_.take_diagnostics());
    }
    if (auto v = r_.integer(root, "lightpath_topology", "topology", true); v && *v != kFormatVersion)
      r_.error(root["lightpath_topology"], "topology: format version " + std::to_string(*v) +
                                               " is not supported (this build reads version 1)");
    f_.name = r_.text(root, "name", "topology", true).value_or("");
    if (root["description"]) f_.description = r_.text(root, "description", "topology", false).value_or("");
    read_fiber_defaults(root["fiber_defaults"]);
    read_transceivers(root["transceivers"]);
    read_endpoints(root["endpoints"]);
    read_optical_switches(root["optical_switches"]);
    const YAML::Node packet = root["packet"];
    if (packet && r_.expect_map(packet, "packet", {"switches", "links"}))
      read_packet_switches(packet["switches"]);
    read_fibers(root["fibers"]);
    read_wiring(root["wiring"]);
    if (packet && packet.IsMap()) read_packet_links(packet["links"]);
    if (!r_.ok()) return unexpected(r_.take_diagnostics());
    f_.index();
    return std::move(f_);
  }

 private:
  std::vector<std::string> expand(const YAML::Node& map, const char* key, std::string_view what) {
    auto text = r_.text(map, key, what, true);
    if (!text) return {};
    auto names = expand_pattern(*text);
    if (!names) {
      r_.error(map[key], std::string(what) + ": " + names.error().message);
      return {};
    }
    return std::move(*names);
  }

  // Endpoints, optical switches and packet switches share one namespace, so
  // that a name in a packet link or a request means exactly one thing.
  bool claim_name(const std::string& name, const YAML::Node& at) {
    if (name.find('/') != std::string::npos) {
      r_.error(at, "name " + in_quotes(name) + " must not contain '/'");
      return false;
    }
    auto [it, fresh] = names_.emplace(name, at.Mark());
    if (!fresh)
      r_.error(at, "duplicate name " + in_quotes(name) + " (first defined at line " +
                       std::to_string(it->second.line + 1) + ")");
    return fresh;
  }

  void read_fiber_defaults(const YAML::Node& n) {
    if (!n) return;
    const char* what = "fiber_defaults";
    if (!r_.expect_map(n, what, {"attenuation_db_per_km", "connector_loss_db", "length_m"})) return;
    if (auto v = r_.non_negative(n, "attenuation_db_per_km", what)) defaults_.attenuation_db_per_km = *v;
    if (auto v = r_.non_negative(n, "connector_loss_db", what)) defaults_.connector_loss_db = *v;
    if (auto v = r_.positive(n, "length_m", what, false)) defaults_.length_m = *v;
  }

  std::optional<int> port_count(const YAML::Node& map, const char* key, std::string_view what) {
    auto v = r_.integer(map, key, what, true);
    if (!v) return std::nullopt;
    if (*v <= 0 || *v > kMaxPorts) {
      r_.error(map[key], std::string(what) + ": field '" + key + "' must be between 1 and " +
                             std::to_string(kMaxPorts) + ", got " + std::to_string(*v));
      return std::nullopt;
    }
    return static_cast<int>(*v);
  }

  void read_transceivers(const YAML::Node& list) {
    if (!r_.expect_list(list, "transceivers") || !list) return;
    for (const auto& n : list) {
      if (!r_.expect_map(n, "transceiver",
                         {"name", "grid", "wavelengths", "channel_rate_gbps", "launch_power_dbm",
                          "rx_sensitivity_dbm"}))
        continue;
      Transceiver t;
      t.name = r_.text(n, "name", "transceiver", true).value_or("");
      const std::string what = "transceiver " + in_quotes(t.name);
      if (auto g = r_.text(n, "grid", what, true)) {
        if (auto grid = parse_wavelength_grid(*g)) {
          t.grid = *grid;
        } else {
          r_.error(n["grid"], what + ": unknown grid " + in_quotes(*g) +
                                  " (known: grey, cwdm, dwdm-100ghz, dwdm-75ghz, dwdm-50ghz)");
        }
      }
      if (auto w = r_.integer(n, "wavelengths", what, true)) {
        const int cap = grid_capacity(t.grid);
        if (*w <= 0 || *w > cap) {
          r_.error(n["wavelengths"], what + ": " + std::to_string(*w) +
                                         " wavelengths do not fit the " +
                                         std::string(to_string(t.grid)) + " grid (1 to " +
                                         std::to_string(cap) + ")");
        } else {
          t.wavelengths = static_cast<int>(*w);
        }
      }
      if (auto v = r_.positive(n, "channel_rate_gbps", what, true)) t.channel_rate = DataRate::gbps(*v);
      if (auto v = r_.number(n, "launch_power_dbm", what, true)) t.launch_power = PowerDbm::dbm(*v);
      if (auto v = r_.number(n, "rx_sensitivity_dbm", what, true))
        t.rx_sensitivity = PowerDbm::dbm(*v);
      if (t.name.empty()) continue;
      if (std::find_if(f_.transceivers.begin(), f_.transceivers.end(),
                       [&](const Transceiver& o) { return o.name == t.name; }) !=
          f_.transceivers.end()) {
        r_.error(n["name"], "duplicate transceiver name " + in_quotes(t.name));
        continue;
      }
      f_.transceivers.push_back(std::move(t));
    }
  }

  std::optional<TransceiverId> transceiver_named(const std::string& name) {
    for (std::uint32_t i = 0; i < f_.transceivers.size(); ++i)
      if (f_.transceivers[i].name == name) return TransceiverId(i);
    return std::nullopt;
  }

  void read_endpoints(const YAML::Node& list) {
    if (!r_.expect_list(list, "endpoints") || !list) return;
    for (const auto& n : list) {
      if (!r_.expect_map(n, "endpoint", {"name", "kind", "port_groups"})) continue;
      auto names = expand(n, "name", "endpoint");
      const std::string what = "endpoint " + in_quotes(r_.text(n, "name", "endpoint", false).value_or(""));
      Endpoint proto;
      proto.kind = n["kind"] ? r_.text(n, "kind", what, false).value_or("rack") : "rack";
      const YAML::Node groups = n["port_groups"];
      if (!groups) {
        r_.error(n, what + ": missing required field 'port_groups'");
        continue;
      }
      if (!r_.expect_list(groups, what + ": port_groups")) continue;
      struct GroupSpec {
        std::string name;
        int ports;
        TransceiverId transceiver;
      };
      std::vector<GroupSpec> specs;
      for (const auto& g : groups) {
        if (!r_.expect_map(g, what + ": port group", {"name", "ports", "transceiver"})) continue;
        auto gname = r_.text(g, "name", what + ": port group", true);
        const std::string gwhat = what + ": port group " + in_quotes(gname.value_or(""));
        auto ports = port_count(g, "ports", gwhat);
        auto tname = r_.text(g, "transceiver", gwhat, true);
        std::optional<TransceiverId> tid;
        if (tname && !(tid = transceiver_named(*tname)))
          r_.error(g["transceiver"], gwhat + ": unknown transceiver " + in_quotes(*tname));
        if (gname && std::any_of(specs.begin(), specs.end(),
                                 [&](const GroupSpec& s) { return s.name == *gname; })) {
          r_.error(g["name"], what + ": duplicate port group " + in_quotes(*gname));
          continue;
        }
        if (gname && ports && tid) specs.push_back({*gname, *ports, *tid});
      }
      for (const auto& name : names) {
        if (!claim_name(name, n["name"])) continue;
        Endpoint ep = proto;
        ep.name = name;
        const EndpointId id(static_cast<std::uint32_t>(f_.endpoints.size()));
        for (const auto& s : specs) {
          const EndpointPortId first(static_cast<std::uint32_t>(f_.endpoint_ports.size()));
          for (int i = 0; i < s.ports; ++i) {
            f_.endpoint_ports.push_back(
                {id, static_cast<int>(ep.groups.size()), i, s.transceiver, FiberId()});
          }
          ep.groups.push_back({s.name, first, s.ports, s.transceiver});
        }
        endpoint_by_name_[name] = f_.endpoints.size();
        f_.endpoints.push_back(std::move(ep));
      }
    }
  }

  void read_optical_switches(const YAML::Node& list) {
    if (!r_.expect_list(list, "optical_switches") || !list) return;
    for (const auto& n : list) {
      if (!r_.expect_map(n, "optical switch",
                         {"name", "kind", "ports", "insertion_loss_db", "insertion_loss_spread_db",
                          "switching"}))
        continue;
      auto names = expand(n, "name", "optical switch");
      const std::string what =
          "optical switch " + in_quotes(r_.text(n, "name", "optical switch", false).value_or(""));
      OpticalSwitch sw;
      if (auto k = r_.text(n, "kind", what, false)) {
        if (*k == "mems") sw.kind = SwitchKind::kMems;
        else if (*k == "wss") sw.kind = SwitchKind::kWss;
        else r_.error(n["kind"], what + ": unknown kind " + in_quotes(*k) + " (known: mems, wss)");
      }
      sw.port_count = port_count(n, "ports", what).value_or(0);
      sw.insertion_loss = Decibels::db(r_.non_negative(n, "insertion_loss_db", what).value_or(1.5));
      sw.insertion_loss_spread =
          Decibels::db(r_.non_negative(n, "insertion_loss_spread_db", what).value_or(0.0));
      sw.switching = read_switching(n["switching"], what);
      sw.port_fiber.assign(static_cast<std::size_t>(sw.port_count), FiberId());
      for (const auto& name : names) {
        if (!claim_name(name, n["name"])) continue;
        sw.name = name;
        switch_by_name_[name] = f_.optical_switches.size();
        f_.optical_switches.push_back(sw);
      }
    }
  }

  SwitchingTime read_switching(const YAML::Node& n, const std::string& owner) {
    // Defaults in the range public MEMS OCS figures give: ~10-25 ms per batch.
    SwitchingTime t{Duration::ms(10), Duration::ms(25), Duration::ms(5)};
    if (!n) return t;
    const std::string what = owner + ": switching";
    if (!r_.expect_map(n, what, {"min_ms", "max_ms", "settle_ms"})) return t;
    if (auto v = r_.non_negative(n, "min_ms", what)) t.min = Duration::from_ms(*v);
    if (auto v = r_.non_negative(n, "max_ms", what)) t.max = Duration::from_ms(*v);
    if (auto v = r_.non_negative(n, "settle_ms", what)) t.settle = Duration::from_ms(*v);
    if (t.max < t.min) r_.error(n, what + ": max_ms must not be below min_ms");
    return t;
  }

  void read_packet_switches(const YAML::Node& list) {
    if (!r_.expect_list(list, "packet: switches") || !list) return;
    for (const auto& n : list) {
      if (!r_.expect_map(n, "packet switch", {"name", "role"})) continue;
      auto names = expand(n, "name", "packet switch");
      PacketSwitch ps;
      if (auto role = r_.text(n, "role", "packet switch", true)) {
        if (*role == "leaf") ps.role = PacketRole::kLeaf;
        else if (*role == "spine") ps.role = PacketRole::kSpine;
        else r_.error(n["role"], "packet switch: unknown role " + in_quotes(*role) + " (known: leaf, spine)");
      }
      for (const auto& name : names) {
        if (!claim_name(name, n["name"])) continue;
        ps.name = name;
        packet_by_name_[name] = f_.packet_switches.size();
        f_.packet_switches.push_back(ps);
      }
    }
  }

  std::optional<FiberEnd> resolve_end(const std::string& ref, const YAML::Node& at) {
    const auto parts = split(ref, '/');
    int index = 0;
    if (parts.size() == 3) {
      const std::string ep_name(parts[0]);
      const Endpoint* ep = endpoint_named(ep_name);
      if (ep == nullptr) {
        r_.error(at, "fiber end " + in_quotes(ref) + ": no endpoint named " + in_quotes(ep_name));
        return std::nullopt;
      }
      const PortGroup* g = ep->find_group(parts[1]);
      if (g == nullptr) {
        r_.error(at, "fiber end " + in_quotes(ref) + ": endpoint " + in_quotes(ep_name) +
                         " has no port group " + in_quotes(parts[1]));
        return std::nullopt;
      }
      if (!parse_index(parts[2], index) || index < 0 || index >= g->count) {
        r_.error(at, "fiber end " + in_quotes(ref) + ": port " + in_quotes(parts[2]) +
                         " does not exist (group has ports 0 to " + std::to_string(g->count - 1) + ")");
        return std::nullopt;
      }
      return FiberEnd{g->port(index), SwitchId(), -1};
    }
    if (parts.size() == 2) {
      auto sw = switch_index(parts[0]);
      if (!sw) {
        r_.error(at, "fiber end " + in_quotes(ref) + ": no optical switch named " + in_quotes(parts[0]));
        return std::nullopt;
      }
      const int count = f_.optical_switches[*sw].port_count;
      if (!parse_index(parts[1], index) || index < 0 || index >= count) {
        r_.error(at, "fiber end " + in_quotes(ref) + ": port " + in_quotes(parts[1]) +
                         " does not exist (switch has ports 0 to " + std::to_string(count - 1) + ")");
        return std::nullopt;
      }
      return FiberEnd{EndpointPortId(), SwitchId(static_cast<std::uint32_t>(*sw)), index};
    }
    r_.error(at, "fiber end " + in_quotes(ref) +
                     ": expected ENDPOINT/GROUP/PORT or SWITCH/PORT");
    return std::nullopt;
  }

  std::optional<std::size_t> switch_index(std::string_view name) const {
    auto it = switch_by_name_.find(std::string(name));
    if (it == switch_by_name_.end()) return std::nullopt;
    return it->second;
  }

  const Endpoint* endpoint_named(const std::string& name) const {
    auto it = endpoint_by_name_.find(name);
    return it == endpoint_by_name_.end() ? nullptr : &f_.endpoints[it->second];
  }

  FiberId& slot(const FiberEnd& e) {
    if (e.is_endpoint()) return f_.endpoint_ports[e.endpoint_port.value()].fiber;
    return f_.optical_switches[e.optical_switch.value()].port_fiber[static_cast<std::size_t>(e.port)];
  }

  std::string end_name(const FiberEnd& e) const {
    if (e.is_endpoint()) {
      const auto& p = f_.endpoint_ports[e.endpoint_port.value()];
      const auto& ep = f_.endpoints[p.endpoint.value()];
      return ep.name + "/" + ep.groups[static_cast<std::size_t>(p.group)].name + "/" +
             std::to_string(p.index);
    }
    return f_.optical_switches[e.optical_switch.value()].name + "/" + std::to_string(e.port);
  }

  struct FiberSpec {
    double length_m = 0;
    std::optional<double> loss_db;
  };

  std::optional<FiberSpec> read_fiber_spec(const YAML::Node& n, const std::string& what) {
    FiberSpec spec;
    auto len = r_.positive(n, "length_m", what, !defaults_.length_m.has_value());
    if (!len && !defaults_.length_m) return std::nullopt;
    spec.length_m = len.value_or(defaults_.length_m.value_or(0));
    if (n["loss_db"]) {
      spec.loss_db = r_.non_negative(n, "loss_db", what);
      if (!spec.loss_db) return std::nullopt;
    }
    return spec;
  }

  // Reports the port as wired twice when a fiber already ends on it.
  bool already_cabled(const FiberEnd& e, const YAML::Node& at) {
    const FiberId existing = slot(e);
    if (!existing.valid()) return false;
    r_.error(at, "port " + end_name(e) + " is wired twice (already cabled at line " +
                     std::to_string(fiber_marks_[existing.value()].line + 1) + ")");
    return true;
  }

  void add_fiber(const FiberEnd& a, const FiberEnd& b, const FiberSpec& spec, const YAML::Node& at) {
    if (a.is_endpoint() && b.is_endpoint()) {
      r_.error(at, "fiber " + end_name(a) + " - " + end_name(b) +
                       " joins two endpoints; fibers run from an endpoint to a switch or between switches");
      return;
    }
    if (!a.is_endpoint() && !b.is_endpoint() && a.optical_switch == b.optical_switch) {
      r_.error(at, "fiber " + end_name(a) + " - " + end_name(b) + " loops back into the same switch");
      return;
    }
    const bool a_taken = already_cabled(a, at);
    if (already_cabled(b, at) || a_taken) return;
    const FiberId id(static_cast<std::uint32_t>(f_.fibers.size()));
    const Length length = Length::meters(spec.length_m);
    const double loss = spec.loss_db.value_or(defaults_.attenuation_db_per_km * length.in_km() +
                                              2.0 * defaults_.connector_loss_db);
    f_.fibers.push_back({a, b, length, Decibels::db(loss)});
    fiber_marks_.push_back(at.Mark());
    slot(a) = id;
    slot(b) = id;
  }

  void read_fibers(const YAML::Node& list) {
    if (!r_.expect_list(list, "fibers") || !list) return;
    for (const auto& n : list) {
      if (!r_.expect_map(n, "fiber", {"a", "b", "length_m", "loss_db"})) continue;
      auto as = expand(n, "a", "fiber");
      auto bs = expand(n, "b", "fiber");
      auto spec = read_fiber_spec(n, "fiber");
      if (as.empty() || bs.empty() || !spec) continue;
      if (as.size() != bs.size()) {
        r_.error(n, "fiber: 'a' names " + std::to_string(as.size()) + " ports but 'b' names " +
                        std::to_string(bs.size()) + "; both sides must name the same number");
        continue;
      }
      for (std::size_t i = 0; i < as.size(); ++i) {
        auto a = resolve_end(as[i], n["a"]);
        auto b = resolve_end(bs[i], n["b"]);
        if (a && b) add_fiber(*a, *b, *spec, n);
      }
    }
  }

  // A wiring rule cables every port of a group, on every listed endpoint,
  // round-robin across a list of switches, each time on that switch's lowest
  // free port. That is how pods are cabled and keeps large files short.
  void read_wiring(const YAML::Node& list) {
    if (!r_.expect_list(list, "wiring") || !list) return;
    for (const auto& n : list) {
      if (!r_.expect_map(n, "wiring rule",
                         {"endpoints", "port_group", "switches", "length_m", "loss_db"}))
        continue;
      auto eps = expand(n, "endpoints", "wiring rule");
      auto sws = expand(n, "switches", "wiring rule");
      auto group = r_.text(n, "port_group", "wiring rule", true);
      auto spec = read_fiber_spec(n, "wiring rule");
      if (eps.empty() || sws.empty() || !group || !spec) continue;
      std::vector<std::size_t> switches;
      for (const auto& s : sws) {
        if (auto i = switch_index(s)) switches.push_back(*i);
        else r_.error(n["switches"], "wiring rule: no optical switch named " + in_quotes(s));
      }
      if (switches.size() != sws.size()) continue;
      next_free_.resize(f_.optical_switches.size(), 0);
      for (const auto& ep_name : eps) {
        const Endpoint* ep = endpoint_named(ep_name);
        if (ep == nullptr) {
          r_.error(n["endpoints"], "wiring rule: no endpoint named " + in_quotes(ep_name));
          continue;
        }
        const PortGroup* g = ep->find_group(*group);
        if (g == nullptr) {
          r_.error(n["port_group"], "wiring rule: endpoint " + in_quotes(ep_name) +
                                        " has no port group " + in_quotes(*group));
          continue;
        }
        for (int k = 0; k < g->count; ++k) {
          const std::size_t sw = switches[static_cast<std::size_t>(k) % switches.size()];
          const FiberEnd a{g->port(k), SwitchId(), -1};
          if (already_cabled(a, n)) continue;
          auto port = take_free_port(sw);
          if (!port) {
            r_.error(n, "wiring rule: switch " + in_quotes(f_.optical_switches[sw].name) +
                            " has no free port left for " + end_name(a));
            continue;
          }
          add_fiber(a, FiberEnd{EndpointPortId(), SwitchId(static_cast<std::uint32_t>(sw)), *port},
                    *spec, n);
        }
      }
    }
  }

  std::optional<int> take_free_port(std::size_t sw) {
    auto& s = f_.optical_switches[sw];
    int& cursor = next_free_[sw];
    while (cursor < s.port_count && s.port_fiber[static_cast<std::size_t>(cursor)].valid()) ++cursor;
    if (cursor >= s.port_count) return std::nullopt;
    return cursor;
  }

  std::optional<NodeRef> packet_node(const std::string& name, const YAML::Node& at) {
    if (auto it = packet_by_name_.find(name); it != packet_by_name_.end())
      return NodeRef{NodeKind::kPacketSwitch, static_cast<std::uint32_t>(it->second)};
    if (auto it = endpoint_by_name_.find(name); it != endpoint_by_name_.end())
      return NodeRef{NodeKind::kEndpoint, static_cast<std::uint32_t>(it->second)};
    if (switch_index(name))
      r_.error(at, "packet link: " + in_quotes(name) +
                       " is an optical switch; packet links join endpoints and packet switches");
    else
      r_.error(at, "packet link: no endpoint or packet switch named " + in_quotes(name));
    return std::nullopt;
  }

  void read_packet_links(const YAML::Node& list) {
    if (!r_.expect_list(list, "packet: links") || !list) return;
    for (const auto& n : list) {
      if (!r_.expect_map(n, "packet link", {"a", "b", "capacity_gbps", "latency_us", "pairs"}))
        continue;
      auto as = expand(n, "a", "packet link");
      auto bs = expand(n, "b", "packet link");
      auto cap = r_.positive(n, "capacity_gbps", "packet link", true);
      auto lat = r_.non_negative(n, "latency_us", "packet link");
      const std::string pairs = r_.text(n, "pairs", "packet link", false).value_or("zip");
      if (pairs != "zip" && pairs != "all") {
        r_.error(n["pairs"], "packet link: unknown pairs " + in_quotes(pairs) + " (known: zip, all)");
        continue;
      }
      if (as.empty() || bs.empty() || !cap) continue;
      std::vector<std::pair<std::string, std::string>> ends;
      if (pairs == "all") {
        for (const auto& a : as)
          for (const auto& b : bs) ends.emplace_back(a, b);
      } else if (as.size() == bs.size() || as.size() == 1 || bs.size() == 1) {
        const std::size_t count = std::max(as.size(), bs.size());
        for (std::size_t i = 0; i < count; ++i)
          ends.emplace_back(as[as.size() == 1 ? 0 : i], bs[bs.size() == 1 ? 0 : i]);
      } else {
        r_.error(n, "packet link: 'a' names " + std::to_string(as.size()) + " nodes and 'b' " +
                        std::to_string(bs.size()) +
                        "; use equal counts, a single node on one side, or pairs: all");
        continue;
      }
      for (const auto& [a_name, b_name] : ends) {
        auto a = packet_node(a_name, n["a"]);
        auto b = packet_node(b_name, n["b"]);
        if (!a || !b) continue;
        if (a->kind == NodeKind::kEndpoint && b->kind == NodeKind::kEndpoint) {
          r_.error(n, "packet link " + a_name + " - " + b_name +
                          " joins two endpoints; one side must be a packet switch");
          continue;
        }
        f_.packet_links.push_back(
            {*a, *b, DataRate::gbps(*cap), Duration::from_us(lat.value_or(1.0))});
      }
    }
  }

  YamlReader r_;
  Fabric f_;
  FiberDefaults defaults_;
  std::unordered_map<std::string, YAML::Mark> names_;
  std::unordered_map<std::string, std::size_t> endpoint_by_name_;
  std::unordered_map<std::string, std::size_t> switch_by_name_;
  std::unordered_map<std::string, std::size_t> packet_by_name_;
  std::vector<YAML::Mark> fiber_marks_;  // where each fiber was declared
  std::vector<int> next_free_;           // per switch: lowest port that may be free
};

}  // namespace

LoadResult load_topology_text(std::string_view yaml, const std::string& file_label) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    YamlReader r(file_label);
    r.error(e.mark, "YAML syntax error: " + e.msg);
    return unexpected(r.take_diagnostics());
  }
  try {
    return Loader(file_label).run(root);
  } catch (const YAML::Exception& e) {
    YamlReader r(file_label);
    r.error(e.mark, "cannot read topology: " + e.msg);
    return unexpected(r.take_diagnostics());
  }
}

LoadResult load_topology_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return unexpected(std::vector<Diagnostic>{{path, 0, 0, "cannot read file: is a directory"}});
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return unexpected(std::vector<Diagnostic>{
        {path, 0, 0, "cannot open file: " + std::string(std::strerror(errno))}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return unexpected(std::vector<Diagnostic>{{path, 0, 0, "cannot read file"}});
  return load_topology_text(text.str(), path);
}

}  // namespace lightpath::topology
