#include "controller/requests/request_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "controller/topology/name_pattern.h"

namespace lightpath::requests {
namespace {

using solver::CircuitRequest;
using solver::EndpointRef;
using topology::YamlReader;

template <class T>
using Parsed = Result<T, std::vector<Diagnostic>>;

std::optional<YAML::Node> parse_yaml(std::string_view text, YamlReader& r) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    r.error(e.mark, "syntax error: " + e.msg);
    return std::nullopt;
  }
}

void read_refs(YamlReader& r, const YAML::Node& list, const std::string& what,
               std::vector<EndpointRef>& out) {
  if (!list) return;
  if (!r.expect_list(list, what)) return;
  for (const auto& n : list) {
    if (!r.expect_map(n, what + " entry", {"rack", "endpoint", "port_group"})) continue;
    const char* key = n["endpoint"] ? "endpoint" : "rack";
    auto name = r.text(n, key, what + " entry", true);
    auto group = r.text(n, "port_group", what + " entry", true);
    if (!name || !group) continue;
    auto names = topology::expand_pattern(*name);
    if (!names) {
      r.error(n[key], what + ": " + names.error().message);
      continue;
    }
    for (auto& e : *names) out.push_back({std::move(e), *group});
  }
}

void read_request(YamlReader& r, const YAML::Node& n, std::vector<CircuitRequest>& out) {
  if (!r.expect_map(n, "request",
                    {"request_id", "job_id", "tenant", "application", "priority", "duration_seconds",
                     "bandwidth_per_flow_gbps", "flow_type", "pattern", "sources", "destinations",
                     "pairs", "requirements", "atomic", "restore"}))
    return;
  CircuitRequest q;
  q.request_id = r.text(n, "request_id", "request", true).value_or("");
  const std::string what = "request '" + q.request_id + "'";
  q.job_id = r.text(n, "job_id", what, false).value_or("");
  q.tenant = r.text(n, "tenant", what, false).value_or("");
  q.application = r.text(n, "application", what, false).value_or("");
  q.priority = static_cast<int>(r.integer(n, "priority", what, false).value_or(0));
  q.duration_seconds = r.integer(n, "duration_seconds", what, false).value_or(0);
  if (q.duration_seconds < 0) r.error(n["duration_seconds"], what + ": duration_seconds must not be negative");
  if (auto bw = r.number(n, "bandwidth_per_flow_gbps", what, true)) {
    if (*bw <= 0) r.error(n["bandwidth_per_flow_gbps"], what + ": bandwidth_per_flow_gbps must be greater than zero");
    q.bandwidth_per_flow = DataRate::gbps(*bw);
  }
  if (auto t = r.text(n, "flow_type", what, false)) {
    if (auto ft = solver::parse_flow_type(*t)) q.flow_type = *ft;
    else r.error(n["flow_type"], what + ": unknown flow_type '" + *t + "' (known: dedicated_circuit, circuit_preferred)");
  }
  if (auto p = r.text(n, "pattern", what, false)) {
    if (auto pat = solver::parse_pattern(*p)) q.pattern = *pat;
    else r.error(n["pattern"], what + ": unknown pattern '" + *p + "' (known: pairwise, all_to_all, ring, explicit)");
  }
  read_refs(r, n["sources"], what + ": sources", q.sources);
  read_refs(r, n["destinations"], what + ": destinations", q.destinations);
  if (n["pairs"] && r.expect_list(n["pairs"], what + ": pairs")) {
    for (const auto& p : n["pairs"]) {
      if (!p.IsSequence() || p.size() != 2) {
        r.error(p, what + ": each pair is [source index, destination index]");
        continue;
      }
      try {
        q.pairs.emplace_back(p[0].as<int>(), p[1].as<int>());
      } catch (const YAML::Exception&) {
        r.error(p, what + ": pair indexes must be integers");
      }
    }
  }
  if (const YAML::Node req = n["requirements"]) {
    if (r.expect_map(req, what + ": requirements", {"latency_max_us", "min_margin_db"})) {
      if (auto l = r.number(req, "latency_max_us", what, false)) {
        if (*l <= 0) r.error(req["latency_max_us"], what + ": latency_max_us must be greater than zero");
        q.latency_max = Duration::from_us(*l);
      }
      if (auto m = r.number(req, "min_margin_db", what, false)) q.min_margin = Decibels::db(*m);
    }
  }
  for (auto [key, field] : {std::pair{"atomic", &q.atomic}, std::pair{"restore", &q.restore}}) {
    if (!n[key]) continue;
    try {
      *field = n[key].as<bool>();
    } catch (const YAML::Exception&) {
      r.error(n[key], what + ": " + key + " must be true or false");
    }
  }
  out.push_back(std::move(q));
}

std::optional<EndpointPortId> port_by_name(const Fabric& f, const std::string& name) {
  const auto slash1 = name.find('/');
  const auto slash2 = name.rfind('/');
  if (slash1 == std::string::npos || slash1 == slash2) return std::nullopt;
  auto ep = f.find_endpoint(name.substr(0, slash1));
  if (!ep) return std::nullopt;
  const PortGroup* g = f.endpoint(*ep).find_group(name.substr(slash1 + 1, slash2 - slash1 - 1));
  if (g == nullptr) return std::nullopt;
  try {
    const int idx = std::stoi(name.substr(slash2 + 1));
    if (idx < 0 || idx >= g->count) return std::nullopt;
    return g->port(idx);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

Result<std::string, std::vector<Diagnostic>> read_text_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return unexpected(std::vector<Diagnostic>{{path, 0, 0, "cannot read file: is a directory"}});
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return unexpected(std::vector<Diagnostic>{{path, 0, 0, "cannot open file: " + std::string(std::strerror(errno))}});
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Parsed<std::vector<CircuitRequest>> parse_requests(std::string_view text, const std::string& label) {
  YamlReader r(label);
  auto root = parse_yaml(text, r);
  std::vector<CircuitRequest> out;
  if (root) {
    YAML::Node list = *root;
    if (root->IsMap() && r.expect_map(*root, "request file", {"requests"})) list = (*root)["requests"];
    if (!list || !list.IsSequence()) {
      r.error(*root, "a request file holds a list of requests, or 'requests:' with such a list");
    } else {
      try {
        for (const auto& n : list) read_request(r, n, out);
      } catch (const YAML::Exception& e) {
        r.error(e.mark, "cannot read request: " + e.msg);
      }
    }
  }
  if (!r.ok()) return unexpected(r.take_diagnostics());
  return out;
}

Parsed<std::vector<CircuitRequest>> load_requests(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return unexpected(std::move(text).error());
  return parse_requests(*text, path);
}

Parsed<solver::AllocationState> parse_state(std::string_view text, const std::string& label,
                                            const Fabric& fabric) {
  YamlReader r(label);
  solver::AllocationState state(fabric);
  auto root = parse_yaml(text, r);
  if (root && r.expect_map(*root, "state file", {"circuits"}) && r.expect_list((*root)["circuits"], "circuits")) {
    std::vector<std::pair<solver::Circuit, YAML::Mark>> circuits;
    for (const auto& n : (*root)["circuits"]) {
      if (!r.expect_map(n, "circuit", {"id", "request_id", "priority", "a", "b", "hops", "wavelengths",
                                       "bandwidth_gbps", "latency_max_us", "min_margin_db"}))
        continue;
      solver::Circuit c;
      const auto id = r.integer(n, "id", "circuit", true);
      if (id && (*id <= 0 || *id >= 0xffffffffLL)) r.error(n["id"], "circuit: id must be a positive integer");
      else if (id) c.id = CircuitId(static_cast<std::uint32_t>(*id));
      c.request_id = r.text(n, "request_id", "circuit", false).value_or("");
      c.priority = static_cast<int>(r.integer(n, "priority", "circuit", false).value_or(0));
      for (auto [key, slot] : {std::pair{"a", &c.a}, std::pair{"b", &c.b}}) {
        auto name = r.text(n, key, "circuit", true);
        if (!name) continue;
        if (auto p = port_by_name(fabric, *name)) *slot = *p;
        else r.error(n[key], "circuit: no endpoint port '" + *name + "'");
      }
      if (r.expect_list(n["hops"], "circuit: hops") && n["hops"]) {
        for (const auto& h : n["hops"]) {
          if (!r.expect_map(h, "hop", {"switch", "in", "out"})) continue;
          auto sw = r.text(h, "switch", "hop", true);
          auto in = r.integer(h, "in", "hop", true);
          auto out = r.integer(h, "out", "hop", true);
          auto sid = sw ? fabric.find_optical_switch(*sw) : std::nullopt;
          if (sw && !sid) r.error(h["switch"], "hop: no optical switch '" + *sw + "'");
          if (!sid || !in || !out) continue;
          const int n_ports = fabric.optical_switch(*sid).port_count;
          if (*in < 0 || *in >= n_ports || *out < 0 || *out >= n_ports) {
            r.error(h, "hop: port out of range for " + *sw);
            continue;
          }
          c.hops.push_back({*sid, static_cast<int>(*in), static_cast<int>(*out)});
        }
      }
      try {
        c.wavelengths = n["wavelengths"] ? n["wavelengths"].as<std::vector<int>>() : std::vector<int>{};
      } catch (const YAML::Exception&) {
        r.error(n, "circuit: wavelengths must be a list of integers");
      }
      c.bandwidth = DataRate::gbps(r.number(n, "bandwidth_gbps", "circuit", true).value_or(0));
      if (auto l = r.number(n, "latency_max_us", "circuit", false)) c.latency_max = Duration::from_us(*l);
      c.min_margin = Decibels::db(r.number(n, "min_margin_db", "circuit", false).value_or(0));
      circuits.emplace_back(std::move(c), n.Mark());
    }
    if (r.ok()) {
      std::vector<solver::Circuit> plain;
      for (const auto& [c, mark] : circuits) plain.push_back(c);
      for (const auto& v : solver::check_allocation(fabric, plain))
        r.error_no_position("state is not a valid allocation: " + v.message);
      for (auto& [c, mark] : circuits) {
        if (!r.ok()) break;
        if (auto added = state.add(c); !added) r.error(mark, "circuit: " + added.error().message);
      }
    }
  }
  if (!r.ok()) return unexpected(r.take_diagnostics());
  return state;
}

Parsed<solver::AllocationState> load_state(const std::string& path, const Fabric& fabric) {
  auto text = read_text_file(path);
  if (!text) return unexpected(std::move(text).error());
  return parse_state(*text, path, fabric);
}

nlohmann::json circuit_json(const Fabric& f, const solver::Circuit& c) {
  nlohmann::json hops = nlohmann::json::array();
  for (const auto& h : c.hops)
    hops.push_back({{"switch", f.optical_switch(h.optical_switch).name}, {"in", h.in_port}, {"out", h.out_port}});
  nlohmann::json j{{"id", c.id.value()},
                   {"request_id", c.request_id},
                   {"priority", c.priority},
                   {"a", f.port_name(c.a)},
                   {"b", f.port_name(c.b)},
                   {"hops", hops},
                   {"wavelengths", c.wavelengths},
                   {"bandwidth_gbps", c.bandwidth.gbps()},
                   {"min_margin_db", c.min_margin.value()}};
  if (c.latency_max) j["latency_max_us"] = c.latency_max->micros();
  return j;
}

nlohmann::json decision_json(const Fabric& f, const solver::Decision& d) {
  nlohmann::json flows = nlohmann::json::array();
  for (const auto& fd : d.flows) {
    nlohmann::json j{{"a", fd.flow.a.endpoint + "/" + fd.flow.a.port_group},
                     {"b", fd.flow.b.endpoint + "/" + fd.flow.b.port_group}};
    if (fd.circuit) j["circuit"] = fd.circuit->value();
    if (fd.packet)
      j["packet"] = {{"path", fd.packet->nodes},
                     {"bottleneck_gbps", fd.packet->bottleneck.gbps()},
                     {"latency_us", fd.packet->latency.micros()}};
    if (fd.rejection) j["rejection"] = {{"reason", fd.rejection->reason}, {"message", fd.rejection->message}};
    flows.push_back(std::move(j));
  }
  nlohmann::json circuits = nlohmann::json::array();
  for (const auto& c : d.circuits) circuits.push_back(circuit_json(f, c));
  std::vector<std::uint32_t> preempt;
  for (auto id : d.preempt) preempt.push_back(id.value());
  nlohmann::json j{{"request_id", d.request_id},
                   {"accepted", d.accepted},
                   {"flows", flows},
                   {"circuits", circuits},
                   {"preempt", preempt},
                   {"new_cross_connects", d.new_cross_connects}};
  if (d.rejection) j["rejection"] = {{"reason", d.rejection->reason}, {"message", d.rejection->message}};
  return j;
}

nlohmann::json state_json(const solver::AllocationState& state) {
  nlohmann::json circuits = nlohmann::json::array();
  for (const auto& [id, c] : state.circuits()) circuits.push_back(circuit_json(state.fabric(), c));
  return {{"circuits", circuits}};
}

}  // namespace lightpath::requests
