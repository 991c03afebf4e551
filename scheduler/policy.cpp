#include "scheduler/policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace lightpath::scheduler {
namespace {

Error bad_hint(std::string message) {
  return {"BAD_HINT", std::move(message)};
}

Result<double> parse_number(std::string_view key, std::string_view text) {
  double v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size() || !std::isfinite(v))
    return unexpected(bad_hint(fmt::format("{}: '{}' is not a number", key, text)));
  return v;
}

// The policy's defaults with the job's hints applied, checked against the
// policy's caps.
Result<JobDefaults> settings_for(const Job& job, const ClusterPolicy& policy) {
  JobDefaults s = policy.defaults;
  if (auto it = policy.queue_priority.find(job.queue); it != policy.queue_priority.end())
    s.priority = it->second;
  for (const auto& [key, value] : job.hints) {
    if (key == "pattern") {
      auto p = parse_pattern(value);
      if (!p) return unexpected(std::move(p).error());
      s.pattern = *p;
    } else if (key == "bandwidth_gbps") {
      auto v = parse_number(key, value);
      if (!v) return unexpected(std::move(v).error());
      if (*v <= 0) return unexpected(bad_hint(fmt::format("bandwidth_gbps: {} is not > 0", value)));
      if (policy.max_bandwidth_gbps > 0 && *v > policy.max_bandwidth_gbps)
        return unexpected(bad_hint(fmt::format("bandwidth_gbps: {} is over the cluster's cap of {}",
                                               value, policy.max_bandwidth_gbps)));
      s.bandwidth_gbps = *v;
    } else if (key == "priority") {
      int v = 0;
      auto r = std::from_chars(value.data(), value.data() + value.size(), v);
      if (r.ec != std::errc{} || r.ptr != value.data() + value.size())
        return unexpected(bad_hint(fmt::format("priority: '{}' is not an integer", value)));
      if (v > policy.max_priority)
        return unexpected(bad_hint(
            fmt::format("priority: {} is over the cluster's cap of {}", v, policy.max_priority)));
      s.priority = v;
    } else if (key == "flow_type") {
      auto f = parse_flow_type(value);
      if (!f) return unexpected(std::move(f).error());
      s.flow_type = *f;
    } else if (key == "on_reject") {
      auto f = parse_fallback(value);
      if (!f) return unexpected(std::move(f).error());
      s.on_reject = *f;
    } else {
      return unexpected(bad_hint(fmt::format("unknown setting '{}'", key)));
    }
  }
  return s;
}

std::int64_t lease_seconds(const Job& job, const ClusterPolicy& policy) {
  if (!job.time_limit) return policy.lease_without_limit.count();
  return (*job.time_limit + policy.lease_grace).count();
}

}  // namespace

std::string controller_job_id(const ClusterPolicy& policy, const Job& job) {
  return fmt::format("{}-{}", policy.cluster, job.id);
}

std::string request_id(const ClusterPolicy& policy, const Job& job) {
  return fmt::format("{}-{}", controller_job_id(policy, job), job.attempt);
}

Result<v1::Pattern> parse_pattern(std::string_view text) {
  if (text == "ring") return v1::RING;
  if (text == "all_to_all" || text == "all-to-all") return v1::ALL_TO_ALL;
  if (text == "pairwise") return v1::PAIRWISE;
  return unexpected(
      bad_hint(fmt::format("pattern: '{}' is not ring, all_to_all or pairwise", text)));
}

Result<Fallback> parse_fallback(std::string_view text) {
  if (text == "fail") return Fallback::kFail;
  if (text == "packet") return Fallback::kPacket;
  return unexpected(bad_hint(fmt::format("on_reject: '{}' is not fail or packet", text)));
}

Result<v1::FlowType> parse_flow_type(std::string_view text) {
  if (text == "dedicated" || text == "dedicated_circuit") return v1::DEDICATED_CIRCUIT;
  if (text == "preferred" || text == "circuit_preferred") return v1::CIRCUIT_PREFERRED;
  return unexpected(
      bad_hint(fmt::format("flow_type: '{}' is not dedicated_circuit or circuit_preferred", text)));
}

std::string_view pattern_name(v1::Pattern p) {
  switch (p) {
    case v1::RING:
      return "ring";
    case v1::ALL_TO_ALL:
      return "all_to_all";
    case v1::PAIRWISE:
      return "pairwise";
    default:
      return "explicit";
  }
}

Result<CircuitPlan> plan_circuits(const Job& job, const NodeMapping& mapping,
                                  const ClusterPolicy& policy) {
  if (job.nodes.empty())
    return unexpected(Error{"NO_NODES", fmt::format("job {} has no nodes", job.id)});
  std::vector<std::string> missing;
  std::vector<const Attachment*> attached;  // distinct endpoints, in node order
  for (const auto& node : job.nodes) {
    const Attachment* a = mapping.find(node);
    if (!a) {
      missing.push_back(node);
      continue;
    }
    const bool seen = std::any_of(attached.begin(), attached.end(), [&](const Attachment* b) {
      return b->endpoint == a->endpoint && b->port_group == a->port_group;
    });
    if (!seen) attached.push_back(a);
  }
  if (!missing.empty())
    return unexpected(Error{"UNMAPPED_NODE", fmt::format("node(s) not in the node mapping: {}",
                                                         fmt::join(missing, ", "))});
  auto settings = settings_for(job, policy);
  if (!settings) return unexpected(std::move(settings).error());

  CircuitPlan plan;
  plan.on_reject = settings->on_reject;
  for (const auto* a : attached) plan.endpoints.push_back(a->endpoint);
  auto& r = plan.request;
  r.set_request_id(request_id(policy, job));
  r.set_job_id(controller_job_id(policy, job));
  r.set_tenant(job.tenant);
  r.set_application(std::string(pattern_name(settings->pattern)));
  r.set_priority(settings->priority);
  r.set_duration_seconds(lease_seconds(job, policy));
  r.set_bandwidth_per_flow_gbps(settings->bandwidth_gbps);
  r.set_flow_type(settings->flow_type);
  r.set_pattern(settings->pattern);
  r.set_atomic(true);
  if (plan.nothing_to_connect()) return plan;

  const auto add = [](auto* list, const Attachment* a) {
    auto* e = list->Add();
    e->set_rack(a->endpoint);
    e->set_port_group(a->port_group);
  };
  if (settings->pattern == v1::PAIRWISE) {
    // Neighbours in placement order talk: 1-2, 3-4, ...
    if (attached.size() % 2 != 0)
      return unexpected(
          Error{"BAD_PATTERN", fmt::format("pairwise needs an even number of endpoints, the job "
                                           "spans {}",
                                           attached.size())});
    for (std::size_t i = 0; i < attached.size(); i += 2) {
      add(r.mutable_sources(), attached[i]);
      add(r.mutable_destinations(), attached[i + 1]);
    }
  } else {
    // Ring and all-to-all over the sources alone (docs/requests.md).
    for (const auto* a : attached) add(r.mutable_sources(), a);
  }
  return plan;
}

}  // namespace lightpath::scheduler
