#include "controller/solver/solver.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace lightpath::solver {
namespace {

Rejection reject(const char* reason, std::string message) {
  return {reason, std::move(message)};
}

const char* reason_for(Shortfall s) {
  switch (s) {
    case Shortfall::kPorts:
      return reason::kInsufficientPorts;
    case Shortfall::kWavelengths:
      return reason::kNoCommonWavelength;
    case Shortfall::kLatency:
      return reason::kLatencyUnsatisfiable;
    case Shortfall::kLoss:
      return reason::kLossBudget;
  }
  return reason::kInsufficientPorts;
}

// The flows of an all-to-all request (indices into expand_flows) grouped in
// rounds, each round a set of disjoint pairs where the endpoints allow.
// Among one set: the circle method, n - 1 rounds of n / 2 pairs (a bye per
// round when n is odd). Sources to destinations: round t pairs the k-th of
// the smaller side with the (k + t)-th of the larger.
std::vector<std::size_t> round_robin_order(const CircuitRequest& r) {
  std::vector<std::size_t> order;
  const std::size_t ns = r.sources.size();
  if (r.destinations.empty()) {
    // Flow (i, j), i < j, is numbered as expand_flows lists them.
    const auto index = [ns](std::size_t i, std::size_t j) {
      if (i > j) std::swap(i, j);
      return i * ns - i * (i + 1) / 2 + (j - i - 1);
    };
    const std::size_t m = ns % 2 == 0 ? ns : ns + 1;  // m - 1 is the bye when ns is odd
    for (std::size_t t = 0; t + 1 < m; ++t) {
      if (m - 1 < ns) order.push_back(index(m - 1, t));
      for (std::size_t k = 1; k < m / 2; ++k)
        order.push_back(index((t + k) % (m - 1), (t + m - 1 - k) % (m - 1)));
    }
    return order;
  }
  const std::size_t nd = r.destinations.size();
  // expand_flows skips a source equal to its destination: number the rest.
  std::vector<std::vector<std::size_t>> index(ns, std::vector<std::size_t>(nd));
  std::size_t next = 0;
  constexpr auto kNone = static_cast<std::size_t>(-1);
  for (std::size_t i = 0; i < ns; ++i)
    for (std::size_t j = 0; j < nd; ++j)
      index[i][j] = r.sources[i] == r.destinations[j] ? kNone : next++;
  const std::size_t small = std::min(ns, nd);
  const std::size_t large = std::max(ns, nd);
  for (std::size_t t = 0; t < large; ++t)
    for (std::size_t k = 0; k < small; ++k) {
      const std::size_t other = (k + t) % large;
      const std::size_t f = ns <= nd ? index[k][other] : index[other][k];
      if (f != kNone) order.push_back(f);
    }
  return order;
}

struct Resolved {
  EndpointId endpoint;
  int group = 0;
  const Transceiver* transceiver = nullptr;
};

Resolved resolve(const Fabric& f, const EndpointRef& ref) {
  Resolved r;
  r.endpoint = *f.find_endpoint(ref.endpoint);
  const auto& ep = f.endpoint(r.endpoint);
  for (std::size_t g = 0; g < ep.groups.size(); ++g) {
    if (ep.groups[g].name != ref.port_group) continue;
    r.group = static_cast<int>(g);
    r.transceiver = &f.transceiver(ep.groups[g].transceiver);
  }
  return r;
}

int channels_for(DataRate bandwidth, const Transceiver& t) {
  const auto rate = t.channel_rate.bits_per_second();
  return static_cast<int>((bandwidth.bits_per_second() + rate - 1) / rate);
}

std::string ref_name(const EndpointRef& r) {
  return r.endpoint + "/" + r.port_group;
}

}  // namespace

Solver::Solver(const Fabric& fabric, SolverOptions options)
    : fabric_(&fabric), options_(options), index_(fabric) {}

std::optional<Rejection> Solver::validate(const CircuitRequest& r) const {
  if (r.request_id.empty()) return reject(reason::kInvalidRequest, "request_id is required");
  if (r.bandwidth_per_flow.bits_per_second() <= 0)
    return reject(reason::kInvalidRequest, "bandwidth_per_flow must be greater than zero");
  if (r.latency_max && r.latency_max->count_ns() <= 0)
    return reject(reason::kInvalidRequest, "latency_max must be greater than zero");
  if (r.sources.empty())
    return reject(reason::kInvalidRequest, "sources must name at least one endpoint");
  for (const auto* list : {&r.sources, &r.destinations}) {
    for (const auto& ref : *list) {
      auto ep = fabric_->find_endpoint(ref.endpoint);
      if (!ep)
        return reject(reason::kUnknownEndpoint, fmt::format("no endpoint named '{}' in fabric {}",
                                                            ref.endpoint, fabric_->name));
      if (fabric_->endpoint(*ep).find_group(ref.port_group) == nullptr) {
        std::string groups;
        for (const auto& g : fabric_->endpoint(*ep).groups)
          groups += (groups.empty() ? "" : ", ") + g.name;
        return reject(reason::kUnknownPortGroup,
                      fmt::format("endpoint {} has no port group '{}' (it has: {})", ref.endpoint,
                                  ref.port_group, groups));
      }
    }
  }
  const auto ns = r.sources.size();
  const auto nd = r.destinations.size();
  switch (r.pattern) {
    case Pattern::kPairwise:
      if (nd != ns)
        return reject(
            reason::kInvalidRequest,
            fmt::format("pattern pairwise pairs sources with destinations one to one, but "
                        "there are {} sources and {} destinations",
                        ns, nd));
      break;
    case Pattern::kRing:
      if (nd != 0 || ns < 2)
        return reject(reason::kInvalidRequest,
                      "pattern ring joins the sources in order: it needs at least 2 sources and no "
                      "destinations");
      break;
    case Pattern::kAllToAll:
      if (nd == 0 && ns < 2)
        return reject(reason::kInvalidRequest, "pattern all_to_all needs at least 2 endpoints");
      break;
    case Pattern::kExplicit:
      if (r.pairs.empty())
        return reject(reason::kInvalidRequest, "pattern explicit needs at least one pair");
      for (auto [s, d] : r.pairs)
        if (s < 0 || d < 0 || static_cast<std::size_t>(s) >= ns ||
            static_cast<std::size_t>(d) >= nd)
          return reject(reason::kInvalidRequest,
                        fmt::format("pair [{}, {}] is out of range: there are {} sources and {} "
                                    "destinations",
                                    s, d, ns, nd));
      break;
  }
  const auto flows = expand_flows(r);
  if (flows.empty()) return reject(reason::kInvalidRequest, "the request's pattern gives no flows");
  for (const auto& fl : flows) {
    if (fl.a.endpoint == fl.b.endpoint)
      return reject(reason::kInvalidRequest,
                    fmt::format("a flow from {} to itself needs no circuit", fl.a.endpoint));
    for (const auto* ref : {&fl.a, &fl.b}) {
      const Resolved x = resolve(*fabric_, *ref);
      const int need = channels_for(r.bandwidth_per_flow, *x.transceiver);
      if (need > x.transceiver->wavelengths)
        return reject(reason::kBandwidthUnsupported,
                      fmt::format("{:.0f} Gb/s per flow needs {} channels of {:.0f} Gb/s, but {} "
                                  "carries at most {} ({:.0f} Gb/s)",
                                  r.bandwidth_per_flow.gbps(), need,
                                  x.transceiver->channel_rate.gbps(), ref_name(*ref),
                                  x.transceiver->wavelengths, x.transceiver->capacity().gbps()));
    }
  }
  return std::nullopt;
}

Solver::Attempt Solver::attempt(AllocationState& scratch, const CircuitRequest& r) const {
  const auto flows = expand_flows(r);
  std::vector<std::size_t> in_order(flows.size());
  for (std::size_t i = 0; i < in_order.size(); ++i) in_order[i] = i;
  const CircuitId first_id = scratch.next_id();
  Attempt first = attempt_in_order(scratch, r, flows, in_order, /*pack=*/false);
  if (first.ok || r.pattern != Pattern::kAllToAll || !first.first_failure ||
      first.first_failure->reason != reason::kInsufficientPorts)
    return first;
  // Placing pairs one by one on the least-loaded switch strands ports: a
  // pair may find its two racks' free ports on different switches. An
  // all-to-all is a union of perfect matchings (rounds), and a round of
  // disjoint pairs fits on one switch where each rack has a port, so placing
  // round after round, first switch first, serves any all-to-all whose racks
  // have a port for every peer on switches they share.
  for (const auto& c : first.circuits) scratch.remove(c.id);
  scratch.reuse_ids_from(first_id);
  const auto order = round_robin_order(r);
  Attempt rounds = attempt_in_order(scratch, r, flows, order, /*pack=*/true);
  if (rounds.ok && rounds.flows.size() == order.size()) {
    // Reported in the request's own flow order, as the first pass does.
    std::vector<FlowDecision> by_index(order.size());
    for (std::size_t k = 0; k < order.size(); ++k) by_index[order[k]] = std::move(rounds.flows[k]);
    rounds.flows = std::move(by_index);
    return rounds;
  }
  for (const auto& c : rounds.circuits) scratch.remove(c.id);
  scratch.reuse_ids_from(first_id);
  first.circuits.clear();  // removed above; the caller has nothing to undo
  return first;
}

Solver::Attempt Solver::attempt_in_order(AllocationState& scratch, const CircuitRequest& r,
                                         const std::vector<Flow>& flows,
                                         const std::vector<std::size_t>& order, bool pack) const {
  Attempt out;
  const PathLimits limits{options_.max_switch_hops, pack};
  const Decibels margin = r.min_margin.value_or(options_.default_margin);
  int served = 0;
  PathSearchScratch search;
  out.flows.reserve(flows.size());
  out.circuits.reserve(flows.size());
  for (const auto i : order) {
    const auto& fl = flows[i];
    FlowDecision fd{fl, std::nullopt, std::nullopt, std::nullopt};
    const Resolved a = resolve(*fabric_, fl.a);
    const Resolved b = resolve(*fabric_, fl.b);
    if (a.transceiver->grid != b.transceiver->grid ||
        a.transceiver->channel_rate != b.transceiver->channel_rate) {
      fd.rejection =
          reject(reason::kNoCommonWavelength,
                 fmt::format("{} ({}, {:.0f}G channels) and {} ({}, {:.0f}G channels) "
                             "share no channel plan",
                             ref_name(fl.a), to_string(a.transceiver->grid),
                             a.transceiver->channel_rate.gbps(), ref_name(fl.b),
                             to_string(b.transceiver->grid), b.transceiver->channel_rate.gbps()));
    } else {
      const PathNeed need{a.endpoint,
                          a.group,
                          b.endpoint,
                          b.group,
                          channels_for(r.bandwidth_per_flow, *a.transceiver),
                          r.latency_max,
                          margin};
      auto found = find_path(index_, scratch, need, limits, search);
      if (found.choice) {
        Circuit c;
        c.request_id = r.request_id;
        c.priority = r.priority;
        c.a = found.choice->a;
        c.b = found.choice->b;
        c.hops = std::move(found.choice->hops);
        c.wavelengths = std::move(found.choice->wavelengths);
        c.bandwidth = r.bandwidth_per_flow;
        c.latency_max = r.latency_max;
        c.min_margin = margin;
        auto id = scratch.add(c);
        if (id) {
          c.id = *id;
          fd.circuit = *id;
          out.new_cross_connects += found.choice->new_cross_connects;
          out.circuits.push_back(std::move(c));
        } else {
          fd.rejection = reject(reason::kInsufficientPorts, id.error().message);
        }
      } else {
        fd.rejection = reject(reason_for(found.shortfall), found.detail);
      }
    }
    if (fd.rejection && r.flow_type == FlowType::kCircuitPreferred) {
      if (auto route = packet_route(*fabric_, a.endpoint, b.endpoint)) {
        fd.packet = std::move(route);
        fd.rejection.reset();
      } else {
        fd.rejection = reject(reason::kNoPacketRoute,
                              fmt::format("{}; and no packet path joins {} and {}",
                                          fd.rejection->message, fl.a.endpoint, fl.b.endpoint));
      }
    }
    if (fd.rejection) {
      if (!out.first_failure) out.first_failure = fd.rejection;
    } else {
      ++served;
    }
    out.flows.push_back(std::move(fd));
    if (r.atomic && out.first_failure) break;
  }
  out.ok = r.atomic ? !out.first_failure : served > 0;
  return out;
}

std::optional<std::vector<CircuitId>> Solver::find_preemption(const AllocationState& state,
                                                              const CircuitRequest& r,
                                                              Attempt& plan) const {
  if (!state.has_priority_below(r.priority)) return std::nullopt;
  std::vector<const Circuit*> lower;
  for (const auto& [id, c] : state.circuits())
    if (c.priority < r.priority) lower.push_back(&c);
  if (lower.empty()) return std::nullopt;
  // Try to spare the most valuable victims first.
  std::sort(lower.begin(), lower.end(), [](const Circuit* x, const Circuit* y) {
    return std::tie(x->priority, x->id) > std::tie(y->priority, y->id);
  });
  auto without = [&](const std::vector<const Circuit*>& victims) {
    AllocationState s = state;
    for (const auto* v : victims) s.remove(v->id);
    return s;
  };
  AllocationState trial = without(lower);
  Attempt a = attempt(trial, r);
  if (!a.ok) return std::nullopt;
  // Victims that do not collide with the plan are not needed: put them back.
  std::vector<const Circuit*> needed;
  for (const auto* v : lower)
    if (!trial.add(*v)) needed.push_back(v);
  // Then see whether the request fits with fewer of them released.
  for (std::size_t i = 0; i < needed.size();) {
    auto fewer = needed;
    fewer.erase(fewer.begin() + static_cast<long>(i));
    AllocationState s = without(fewer);
    Attempt b = attempt(s, r);
    if (b.ok) {
      needed = std::move(fewer);
      a = std::move(b);
    } else {
      ++i;
    }
  }
  plan = std::move(a);
  std::vector<CircuitId> ids;
  for (const auto* v : needed) ids.push_back(v->id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

Decision Solver::solve(const AllocationState& state, const CircuitRequest& r) const {
  AllocationState scratch = state;
  return solve_in_place(scratch, r);
}

Decision Solver::solve_in_place(AllocationState& state, const CircuitRequest& r) const {
  Decision d;
  d.request_id = r.request_id;
  if (auto bad = validate(r)) {
    d.rejection = std::move(bad);
    return d;
  }
  return solve_validated_in_place(state, r);
}

Decision Solver::solve_validated_in_place(AllocationState& state, const CircuitRequest& r) const {
  return decide(state, r, /*keep_fit=*/false);
}

Decision Solver::solve_validated_and_apply(AllocationState& state, const CircuitRequest& r) const {
  return decide(state, r, /*keep_fit=*/true);
}

Decision Solver::decide(AllocationState& state, const CircuitRequest& r, bool keep_fit) const {
  Decision d;
  d.request_id = r.request_id;
  const CircuitId first_id = state.next_id();
  Attempt a = attempt(state, r);
  // Leave the state as it was; the caller commits with apply(). A fit keeps
  // its ids reserved for that apply; a misfit gives them back.
  if (!(keep_fit && a.ok))
    for (const auto& c : a.circuits) state.remove(c.id);
  if (!a.ok) {
    state.reuse_ids_from(first_id);
    // Those circuits were never made; a flow may still name a groomed one.
    for (auto& f : a.flows)
      if (f.circuit && first_id <= *f.circuit) f.circuit.reset();
  }
  if (!a.ok && options_.allow_preemption) {
    if (auto victims = find_preemption(state, r, a)) d.preempt = std::move(*victims);
  }
  if (!a.ok) {
    d.flows = std::move(a.flows);
    d.rejection = a.first_failure;
    // A request that outranks some circuits but still does not fit is told
    // when only releasing circuits it may not preempt would make room.
    if (state.has_priority_below(r.priority)) {
      AllocationState empty(*fabric_);
      if (attempt(empty, r).ok) {
        const std::string why = options_.allow_preemption
                                    ? fmt::format(
                                          "releasing circuits of priority {} or higher, "
                                          "which this request may not preempt",
                                          r.priority)
                                    : std::string("preempting circuits, which is switched off");
        d.rejection = reject(reason::kPreemptionNotAllowed,
                             fmt::format("{} (it would fit only by {})",
                                         d.rejection ? d.rejection->message : "no room", why));
      }
    }
    return d;
  }
  d.accepted = true;
  d.flows = std::move(a.flows);
  d.circuits = std::move(a.circuits);
  d.new_cross_connects = a.new_cross_connects;
  return d;
}

std::vector<Decision> Solver::run_in_order(AllocationState& scratch,
                                           const std::vector<CircuitRequest>& requests,
                                           const std::vector<std::size_t>& order) const {
  std::vector<Decision> out(requests.size());
  for (auto i : order) {
    out[i] = solve_in_place(scratch, requests[i]);
    if (out[i].accepted) (void)apply(scratch, out[i]);
  }
  return out;
}

std::vector<Decision> Solver::solve_batch(const AllocationState& state,
                                          const std::vector<CircuitRequest>& requests) const {
  AllocationState scratch = state;
  return solve_batch_into(scratch, requests);
}

std::vector<Decision> Solver::solve_batch_into(AllocationState& state,
                                               const std::vector<CircuitRequest>& requests) const {
  // Duplicates are refused in arrival order whatever the policy.
  std::vector<std::size_t> order;
  std::vector<bool> duplicate(requests.size(), false);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const auto& id = requests[i].request_id;
    if (!id.empty() && !seen.insert(id).second)
      duplicate[i] = true;
    else
      order.push_back(i);
  }
  auto admitted = [](const std::vector<Decision>& ds) {
    return std::count_if(ds.begin(), ds.end(), [](const Decision& d) { return d.accepted; });
  };
  if (options_.batch == BatchPolicy::kMostAdmitted) {
    auto demand = [&](std::size_t i) {
      return static_cast<long double>(requests[i].bandwidth_per_flow.bits_per_second()) *
             static_cast<long double>(expand_flows(requests[i]).size());
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t x, std::size_t y) { return demand(x) < demand(y); });
  }
  const AllocationState initial = state;
  auto out = run_in_order(state, requests, order);
  if (options_.batch == BatchPolicy::kMostAdmitted && order.size() <= options_.max_improved_batch) {
    // Local improvement: deciding a refused request first sometimes lets
    // more requests in overall. Keep any reordering that admits more.
    bool improved = true;
    while (improved) {
      improved = false;
      for (std::size_t k = 0; k < order.size() && !improved; ++k) {
        if (out[order[k]].accepted) continue;
        auto trial_order = order;
        std::rotate(trial_order.begin(), trial_order.begin() + static_cast<long>(k),
                    trial_order.begin() + static_cast<long>(k) + 1);
        AllocationState trial_state = initial;
        auto trial = run_in_order(trial_state, requests, trial_order);
        if (admitted(trial) > admitted(out)) {
          out = std::move(trial);
          state = std::move(trial_state);
          order = std::move(trial_order);
          improved = true;
        }
      }
    }
  }
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (!duplicate[i]) continue;
    out[i].request_id = requests[i].request_id;
    out[i].rejection = reject(
        reason::kDuplicateRequestId,
        fmt::format("request_id '{}' appears more than once in the batch", requests[i].request_id));
  }
  return out;
}

Result<bool> apply(AllocationState& state, const Decision& d) {
  if (!d.accepted) return unexpected(Error{"NOT_ACCEPTED", "the decision was a rejection"});
  for (auto id : d.preempt) state.remove(id);
  for (const auto& c : d.circuits) {
    auto added = state.add(c);
    if (!added) return unexpected(added.error());
  }
  return true;
}

}  // namespace lightpath::solver
