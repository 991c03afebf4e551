#include "controller/cli/proto_request.h"

namespace lightpath::cli {
namespace {

v1::Pattern to_proto(solver::Pattern p) {
  switch (p) {
    case solver::Pattern::kPairwise:
      return v1::PAIRWISE;
    case solver::Pattern::kAllToAll:
      return v1::ALL_TO_ALL;
    case solver::Pattern::kRing:
      return v1::RING;
    case solver::Pattern::kExplicit:
      return v1::EXPLICIT;
  }
  return v1::PATTERN_UNSPECIFIED;
}

v1::FlowType to_proto(solver::FlowType t) {
  return t == solver::FlowType::kCircuitPreferred ? v1::CIRCUIT_PREFERRED : v1::DEDICATED_CIRCUIT;
}

void add_refs(const std::vector<solver::EndpointRef>& refs,
              google::protobuf::RepeatedPtrField<v1::EndpointRef>* out) {
  for (const auto& r : refs) {
    auto* e = out->Add();
    e->set_rack(r.endpoint);
    e->set_port_group(r.port_group);
  }
}

}  // namespace

void to_proto(const solver::CircuitRequest& in, v1::CircuitRequest* out) {
  out->set_request_id(in.request_id);
  out->set_job_id(in.job_id);
  out->set_tenant(in.tenant);
  out->set_application(in.application);
  out->set_priority(in.priority);
  out->set_duration_seconds(in.duration_seconds);
  out->set_bandwidth_per_flow_gbps(in.bandwidth_per_flow.gbps());
  out->set_flow_type(to_proto(in.flow_type));
  add_refs(in.sources, out->mutable_sources());
  add_refs(in.destinations, out->mutable_destinations());
  out->set_pattern(to_proto(in.pattern));
  for (const auto& [source, destination] : in.pairs) {
    auto* p = out->add_pairs();
    p->set_source(static_cast<std::uint32_t>(source));
    p->set_destination(static_cast<std::uint32_t>(destination));
  }
  if (in.latency_max || in.min_margin) {
    auto* q = out->mutable_requirements();
    if (in.latency_max) q->set_latency_max_us(in.latency_max->micros());
    if (in.min_margin) q->set_min_margin_db(in.min_margin->value());
  }
  out->set_atomic(in.atomic);
  out->set_restore(in.restore);
}

}  // namespace lightpath::cli
