#include "controller/store/record_json.h"

#include <fmt/format.h>

namespace lightpath::store {
namespace {

using nlohmann::json;

json refs_to_json(const std::vector<solver::EndpointRef>& refs) {
  json out = json::array();
  for (const auto& r : refs)
    out.push_back({{"endpoint", r.endpoint}, {"port_group", r.port_group}});
  return out;
}

std::vector<solver::EndpointRef> refs_from_json(const json& j) {
  std::vector<solver::EndpointRef> out;
  for (const auto& r : j)
    out.push_back({r.at("endpoint").get<std::string>(), r.at("port_group").get<std::string>()});
  return out;
}

json optional_int(const std::optional<std::int64_t>& v) {
  return v ? json(*v) : json(nullptr);
}

std::optional<std::int64_t> optional_int_from(const json& j, const char* key) {
  const json& v = j.at(key);
  if (v.is_null()) return std::nullopt;
  return v.get<std::int64_t>();
}

Error corrupt(const char* what, const std::exception& e) {
  return Error{"STORE_CORRUPT", fmt::format("stored {} is unreadable: {}", what, e.what())};
}

}  // namespace

json request_to_json(const solver::CircuitRequest& r) {
  json pairs = json::array();
  for (const auto& [s, d] : r.pairs) pairs.push_back({s, d});
  return {
      {"request_id", r.request_id},
      {"job_id", r.job_id},
      {"tenant", r.tenant},
      {"application", r.application},
      {"priority", r.priority},
      {"duration_seconds", r.duration_seconds},
      {"bandwidth_per_flow_bps", r.bandwidth_per_flow.bits_per_second()},
      {"flow_type", std::string(solver::to_string(r.flow_type))},
      {"sources", refs_to_json(r.sources)},
      {"destinations", refs_to_json(r.destinations)},
      {"pattern", std::string(solver::to_string(r.pattern))},
      {"pairs", pairs},
      {"latency_max_ns",
       optional_int(r.latency_max ? std::optional<std::int64_t>(r.latency_max->count_ns())
                                  : std::nullopt)},
      {"min_margin_db", r.min_margin ? json(r.min_margin->value()) : json(nullptr)},
      {"atomic", r.atomic},
      {"restore", r.restore},
  };
}

Result<solver::CircuitRequest> request_from_json(const json& j) {
  try {
    solver::CircuitRequest r;
    r.request_id = j.at("request_id").get<std::string>();
    r.job_id = j.at("job_id").get<std::string>();
    r.tenant = j.at("tenant").get<std::string>();
    r.application = j.at("application").get<std::string>();
    r.priority = j.at("priority").get<int>();
    r.duration_seconds = j.at("duration_seconds").get<std::int64_t>();
    r.bandwidth_per_flow = DataRate::bps(j.at("bandwidth_per_flow_bps").get<std::int64_t>());
    const auto flow_type = solver::parse_flow_type(j.at("flow_type").get<std::string>());
    const auto pattern = solver::parse_pattern(j.at("pattern").get<std::string>());
    if (!flow_type || !pattern)
      return unexpected(
          Error{"STORE_CORRUPT", "stored request has an unknown flow_type or pattern"});
    r.flow_type = *flow_type;
    r.pattern = *pattern;
    r.sources = refs_from_json(j.at("sources"));
    r.destinations = refs_from_json(j.at("destinations"));
    for (const auto& p : j.at("pairs"))
      r.pairs.emplace_back(p.at(0).get<int>(), p.at(1).get<int>());
    if (auto l = optional_int_from(j, "latency_max_ns")) r.latency_max = Duration::ns(*l);
    if (const json& m = j.at("min_margin_db"); !m.is_null())
      r.min_margin = Decibels::db(m.get<double>());
    r.atomic = j.at("atomic").get<bool>();
    r.restore = j.value("restore", true);  // absent in requests stored before restoration existed
    return r;
  } catch (const json::exception& e) {
    return unexpected(corrupt("request", e));
  }
}

json circuit_record_to_json(const core::CircuitRecord& rec) {
  const solver::Circuit& c = rec.circuit;
  json hops = json::array();
  for (const auto& h : c.hops)
    hops.push_back({{"switch", h.optical_switch.value()}, {"in", h.in_port}, {"out", h.out_port}});
  return {
      {"id", c.id.value()},
      {"request_id", c.request_id},
      {"job_id", rec.job_id},
      {"tenant", rec.tenant},
      {"priority", c.priority},
      {"state", std::string(core::to_string(rec.state))},
      {"reason", rec.reason},
      {"a_port", c.a.value()},
      {"b_port", c.b.value()},
      {"hops", hops},
      {"wavelengths", c.wavelengths},
      {"bandwidth_bps", c.bandwidth.bits_per_second()},
      {"latency_max_ns", c.latency_max ? json(c.latency_max->count_ns()) : json(nullptr)},
      {"min_margin_db", c.min_margin.value()},
      {"lease_end_ns", rec.lease_end ? json(rec.lease_end->since_epoch_ns()) : json(nullptr)},
      {"created_ns", rec.created.since_epoch_ns()},
      {"updated_ns", rec.updated.since_epoch_ns()},
  };
}

Result<core::CircuitRecord> circuit_record_from_json(const json& j) {
  try {
    core::CircuitRecord rec;
    solver::Circuit& c = rec.circuit;
    c.id = CircuitId(j.at("id").get<std::uint32_t>());
    c.request_id = j.at("request_id").get<std::string>();
    rec.job_id = j.at("job_id").get<std::string>();
    rec.tenant = j.at("tenant").get<std::string>();
    c.priority = j.at("priority").get<int>();
    const auto state = core::parse_circuit_state(j.at("state").get<std::string>());
    if (!state) return unexpected(Error{"STORE_CORRUPT", "stored circuit has an unknown state"});
    rec.state = *state;
    rec.reason = j.at("reason").get<std::string>();
    c.a = EndpointPortId(j.at("a_port").get<std::uint32_t>());
    c.b = EndpointPortId(j.at("b_port").get<std::uint32_t>());
    for (const auto& h : j.at("hops"))
      c.hops.push_back({SwitchId(h.at("switch").get<std::uint32_t>()), h.at("in").get<int>(),
                        h.at("out").get<int>()});
    c.wavelengths = j.at("wavelengths").get<std::vector<int>>();
    c.bandwidth = DataRate::bps(j.at("bandwidth_bps").get<std::int64_t>());
    if (auto l = optional_int_from(j, "latency_max_ns")) c.latency_max = Duration::ns(*l);
    c.min_margin = Decibels::db(j.at("min_margin_db").get<double>());
    if (auto l = optional_int_from(j, "lease_end_ns")) rec.lease_end = TimePoint::from_ns(*l);
    rec.created = TimePoint::from_ns(j.at("created_ns").get<std::int64_t>());
    rec.updated = TimePoint::from_ns(j.at("updated_ns").get<std::int64_t>());
    return rec;
  } catch (const json::exception& e) {
    return unexpected(corrupt("circuit", e));
  }
}

}  // namespace lightpath::store
