#include "controller/grpc/convert.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>

namespace lightpath::grpc_api {
namespace {

core::ApiError invalid(std::string message) {
  return {core::ErrorCode::kInvalidArgument, std::move(message)};
}

}  // namespace

core::ApiResult<solver::CircuitRequest> from_proto(const v1::CircuitRequest& in) {
  solver::CircuitRequest r;
  if (in.request_id().empty()) return unexpected(invalid("request_id: required"));
  r.request_id = in.request_id();
  r.job_id = in.job_id();
  r.tenant = in.tenant();
  r.application = in.application();
  r.priority = in.priority();
  if (in.duration_seconds() < 0)
    return unexpected(invalid("duration_seconds: a lease cannot be negative"));
  r.duration_seconds = in.duration_seconds();
  const double gbps = in.bandwidth_per_flow_gbps();
  if (!std::isfinite(gbps) || gbps <= 0 || gbps > 1e6)
    return unexpected(invalid("bandwidth_per_flow_gbps: must be greater than zero (and sane)"));
  r.bandwidth_per_flow = DataRate::gbps(gbps);
  r.flow_type = in.flow_type() == v1::CIRCUIT_PREFERRED ? solver::FlowType::kCircuitPreferred
                                                        : solver::FlowType::kDedicatedCircuit;
  switch (in.pattern()) {
    case v1::PATTERN_UNSPECIFIED:
    case v1::PAIRWISE:
      r.pattern = solver::Pattern::kPairwise;
      break;
    case v1::ALL_TO_ALL:
      r.pattern = solver::Pattern::kAllToAll;
      break;
    case v1::RING:
      r.pattern = solver::Pattern::kRing;
      break;
    case v1::EXPLICIT:
      r.pattern = solver::Pattern::kExplicit;
      break;
    default:
      return unexpected(invalid("pattern: unknown value " + std::to_string(in.pattern())));
  }
  auto refs = [](const auto& list, const char* field,
                 std::vector<solver::EndpointRef>& out) -> std::optional<core::ApiError> {
    for (int i = 0; i < list.size(); ++i) {
      const auto& e = list[i];
      if (e.rack().empty())
        return invalid(std::string(field) + "[" + std::to_string(i) + "].rack: required");
      if (e.port_group().empty())
        return invalid(std::string(field) + "[" + std::to_string(i) + "].port_group: required");
      out.push_back({e.rack(), e.port_group()});
    }
    return std::nullopt;
  };
  if (auto e = refs(in.sources(), "sources", r.sources)) return unexpected(*e);
  if (auto e = refs(in.destinations(), "destinations", r.destinations)) return unexpected(*e);
  for (const auto& p : in.pairs())
    r.pairs.emplace_back(static_cast<int>(p.source()), static_cast<int>(p.destination()));
  if (in.has_requirements()) {
    const auto& q = in.requirements();
    if (q.latency_max_us() < 0 || !std::isfinite(q.latency_max_us()))
      return unexpected(invalid("requirements.latency_max_us: must not be negative"));
    if (q.latency_max_us() > 0) r.latency_max = Duration::from_us(q.latency_max_us());
    // NaN would reach the store's NOT NULL column as NULL, and infinity its JSON as null.
    if (!std::isfinite(q.min_margin_db()))
      return unexpected(invalid("requirements.min_margin_db: must be a finite number"));
    if (q.min_margin_db() != 0) r.min_margin = Decibels::db(q.min_margin_db());
  }
  r.atomic = !in.has_atomic() || in.atomic();
  r.restore = !in.has_restore() || in.restore();
  return r;
}

std::int64_t unix_ms(TimePoint t) {
  return t.since_epoch_ns() / 1'000'000;
}

void to_proto(const southbound::PortTelemetry& in, TimePoint at, v1::PortTelemetry* out) {
  out->set_at_unix_ms(unix_ms(at));
  out->set_input_power_dbm(in.input_power.value());
  out->set_output_power_dbm(in.output_power.value());
  out->set_osnr_db(in.osnr.value());
  out->set_ber(in.ber);
}

v1::CircuitState to_proto(core::CircuitState s) {
  return static_cast<v1::CircuitState>(static_cast<int>(s));
}

std::optional<core::CircuitState> from_proto(v1::CircuitState s) {
  if (s == v1::CIRCUIT_STATE_UNSPECIFIED) return std::nullopt;
  return static_cast<core::CircuitState>(static_cast<int>(s));
}

core::ApiResult<CircuitListQuery> from_proto(const v1::ListCircuitsRequest& in) {
  CircuitListQuery q;
  q.filter = {in.job_id(), in.tenant(), from_proto(in.state()), in.switch_name(), in.endpoint()};
  q.limit = in.page_size() == 0 ? std::numeric_limits<std::size_t>::max()
                                : std::min<std::size_t>(in.page_size(), kMaxPageSize);
  const std::string& token = in.page_token();
  if (!token.empty()) {
    std::uint64_t id = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), id);
    if (ec != std::errc() || end != token.data() + token.size() || id == 0 ||
        id >= CircuitId::kInvalid)
      return unexpected(invalid("page_token: not a token from an earlier ListCircuitsResponse"));
    q.after = CircuitId(static_cast<std::uint32_t>(id));
  }
  return q;
}

namespace {

// Fabric::port_name written straight into the message's field, without
// the temporaries of its concatenations: every circuit of every answer has two.
void set_port_name(const Fabric& fabric, EndpointPortId id, std::string* out) {
  const auto& p = fabric.port(id);
  const auto& ep = fabric.endpoint(p.endpoint);
  const std::string& group = ep.groups[static_cast<std::size_t>(p.group)].name;
  char index[16];
  const int n = std::snprintf(index, sizeof index, "%d", p.index);
  out->clear();
  out->reserve(ep.name.size() + group.size() + 2 + static_cast<std::size_t>(n));
  out->append(ep.name).append(1, '/').append(group).append(1, '/').append(
      index, static_cast<std::size_t>(n));
}

}  // namespace

void to_proto(const Fabric& fabric, const core::CircuitRecord& in, v1::Circuit* out) {
  const auto& c = in.circuit;
  out->set_id(c.id.value());
  out->set_request_id(c.request_id);
  out->set_job_id(in.job_id);
  out->set_tenant(in.tenant);
  out->set_priority(c.priority);
  out->set_state(to_proto(in.state));
  set_port_name(fabric, c.a, out->mutable_a_port());
  set_port_name(fabric, c.b, out->mutable_b_port());
  for (const auto& h : c.hops) {
    auto* hop = out->add_hops();
    hop->set_switch_name(fabric.optical_switch(h.optical_switch).name);
    hop->set_in_port(static_cast<std::uint32_t>(h.in_port));
    hop->set_out_port(static_cast<std::uint32_t>(h.out_port));
  }
  for (int w : c.wavelengths) out->add_wavelengths(static_cast<std::uint32_t>(w));
  out->set_bandwidth_gbps(c.bandwidth.gbps());
  out->set_lease_expires_unix_ms(in.lease_end ? unix_ms(*in.lease_end) : 0);
  out->set_state_reason(in.reason);
  out->set_created_unix_ms(unix_ms(in.created));
  out->set_updated_unix_ms(unix_ms(in.updated));
}

void to_proto(const Fabric& fabric, const core::Controller::CircuitPage& in,
              v1::ListCircuitsResponse* out) {
  out->mutable_circuits()->Reserve(static_cast<int>(in.circuits.size()));
  for (const auto& c : in.circuits) to_proto(fabric, c, out->add_circuits());
  if (in.next_after) out->set_next_page_token(std::to_string(in.next_after->value()));
  out->set_total_size(in.total);
  out->set_sequence(in.sequence);
}

void to_proto(const Fabric& fabric, const core::RequestAnswer& in,
              v1::RequestCircuitsResponse* out) {
  out->set_accepted(in.record.accepted);
  out->set_replayed(in.replayed);
  out->set_reason(in.record.reason);
  out->set_message(in.record.message);
  for (const auto& c : in.circuits) to_proto(fabric, c, out->add_circuits());
  out->set_expected_ready_unix_ms(unix_ms(in.expected_ready));
  for (auto id : in.record.preempted) out->add_preempted_circuit_ids(id.value());
  if (!in.record.packet_flows_json.empty()) {
    for (const auto& f : nlohmann::json::parse(in.record.packet_flows_json, nullptr, false)) {
      if (!f.is_object()) continue;
      auto* p = out->add_packet_flows();
      const auto split = [](const std::string& s, v1::EndpointRef* ref) {
        const auto slash = s.find('/');
        ref->set_rack(s.substr(0, slash));
        if (slash != std::string::npos) ref->set_port_group(s.substr(slash + 1));
      };
      split(f.value("a", ""), p->mutable_a());
      split(f.value("b", ""), p->mutable_b());
      for (const auto& n : f.value("path", nlohmann::json::array()))
        p->add_path(n.get<std::string>());
      p->set_bottleneck_gbps(f.value("bottleneck_gbps", 0.0));
    }
  }
}

grpc::Status to_status(const core::ApiError& e) {
  switch (e.code) {
    case core::ErrorCode::kInvalidArgument:
      return {grpc::StatusCode::INVALID_ARGUMENT, e.message};
    case core::ErrorCode::kNotFound:
      return {grpc::StatusCode::NOT_FOUND, e.message};
    case core::ErrorCode::kFailedPrecondition:
      return {grpc::StatusCode::FAILED_PRECONDITION, e.message};
    case core::ErrorCode::kResourceExhausted:
      return {grpc::StatusCode::RESOURCE_EXHAUSTED, e.message};
    case core::ErrorCode::kUnavailable:
      return {grpc::StatusCode::UNAVAILABLE, e.message};
    case core::ErrorCode::kInternal:
      return {grpc::StatusCode::INTERNAL, e.message};
  }
  return {grpc::StatusCode::INTERNAL, e.message};
}

}  // namespace lightpath::grpc_api
