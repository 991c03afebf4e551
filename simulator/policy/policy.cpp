#include "simulator/policy/policy.h"

#include <set>

#include "controller/solver/topology_engineering.h"

namespace lightpath::policy {

Policy::Policy(SimWorld& world, const netmodel::TraceRunner& runner, PolicyOptions options)
    : world_(world), runner_(runner), options_(options), per_job_(runner.jobs()) {
  const Fabric& fabric = world.fabric();
  for (std::size_t j = 0; j < runner.jobs(); ++j) {
    for (const auto& gpu : runner.job(j).gpus) {
      if (auto e = fabric.find_endpoint(gpu.endpoint))
        port_group_.try_emplace(e->value(), gpu.port_group);
    }
  }
}

Policy::~Policy() = default;

std::string Policy::port_group_of(std::uint32_t endpoint) const {
  if (auto it = port_group_.find(endpoint); it != port_group_.end()) return it->second;
  const auto& groups = world_.fabric().endpoint(EndpointId(endpoint)).groups;
  return groups.empty() ? std::string() : groups.front().name;
}

void Policy::ask(int job, const LinkCounts& links, Granted done) {
  const Fabric& fabric = world_.fabric();
  solver::CircuitRequest r;
  r.request_id = "sim-" + std::to_string(++requests_);
  r.job_id = job < 0 ? std::string("fabric") : runner_.job(static_cast<std::size_t>(job)).id;
  r.tenant = "sim";
  r.flow_type = solver::FlowType::kCircuitPreferred;
  r.pattern = solver::Pattern::kExplicit;
  r.atomic = false;  // as many as fit; the rest rides the packet fabric
  std::map<std::uint32_t, int> index;
  int asked = 0;
  for (const auto& [pair, count] : links) {
    for (const std::uint32_t e : {pair.first, pair.second}) {
      if (index.try_emplace(e, static_cast<int>(r.sources.size())).second) {
        r.sources.push_back({fabric.endpoint(EndpointId(e)).name, port_group_of(e)});
      }
    }
    for (int k = 0; k < count; ++k) r.pairs.emplace_back(index[pair.first], index[pair.second]);
    asked += count;
  }
  if (asked == 0) {
    world_.engine().schedule_after(Duration(), [done] { done({}); });
    return;
  }
  r.destinations = r.sources;
  // A MEMS circuit carries a whole fiber: ask for all of a port's channels.
  const auto& first = fabric.endpoint(EndpointId(links.begin()->first.first));
  const auto* group = first.find_group(r.sources.front().port_group);
  r.bandwidth_per_flow = group ? fabric.transceiver(group->transceiver).capacity() : DataRate();
  world_.controller().request_circuits(
      std::move(r), [this, job, asked, done](core::ApiResult<core::RequestAnswer> a) {
        std::vector<CircuitId> ids;
        if (a) ids = a->record.circuits;
        if (job >= 0) {
          per_job_[static_cast<std::size_t>(job)].granted += static_cast<int>(ids.size());
          per_job_[static_cast<std::size_t>(job)].refused += asked - static_cast<int>(ids.size());
        }
        world_.bridge().when_up(ids, [ids, done] { done(ids); });
      });
}

void Policy::release(const std::vector<CircuitId>& ids) {
  if (ids.empty()) return;
  world_.controller().release(core::ReleaseSpec{"sim", "", ids}, [](auto) {});
}

LinkCounts Policy::size_links(const netmodel::PairTraffic& traffic, bool spread) const {
  const Fabric& fabric = world_.fabric();
  std::set<std::uint32_t> ends;
  for (const auto& [pair, bytes] : traffic) {
    ends.insert(pair.first);
    ends.insert(pair.second);
  }
  solver::TrafficMatrix m;
  std::map<std::uint32_t, std::size_t> at;
  for (const std::uint32_t e : ends) {
    at[e] = m.endpoints.size();
    m.endpoints.push_back(fabric.endpoint(EndpointId(e)).name);
  }
  m.demand_gbps.assign(ends.size(), std::vector<double>(ends.size(), 0.0));
  for (const auto& [pair, bytes] : traffic) {
    m.demand_gbps[at[pair.first]][at[pair.second]] += static_cast<double>(bytes);
  }
  solver::EngineeringOptions opts;
  opts.connect_all_pairs = spread;
  opts.fill_leftover_ports = spread;
  LinkCounts out;
  auto topo = solver::logical_topology(fabric, m, opts);
  if (!topo) return out;
  for (std::size_t i = 0; i < topo->endpoints.size(); ++i) {
    for (std::size_t j = i + 1; j < topo->endpoints.size(); ++j) {
      if (topo->links[i][j] == 0) continue;
      const std::uint32_t a = fabric.find_endpoint(topo->endpoints[i])->value();
      const std::uint32_t b = fabric.find_endpoint(topo->endpoints[j])->value();
      out[{std::min(a, b), std::max(a, b)}] = topo->links[i][j];
    }
  }
  return out;
}

netmodel::PairTraffic Policy::uniform_traffic() const {
  const solver::PortBudget budget = solver::port_budget(world_.fabric());
  std::vector<std::uint32_t> optical;
  for (std::uint32_t e = 0; e < budget.ports.size(); ++e) {
    for (const auto& ports : budget.ports[e]) {
      if (!ports.empty()) {
        optical.push_back(e);
        break;
      }
    }
  }
  netmodel::PairTraffic t;
  for (std::size_t i = 0; i < optical.size(); ++i) {
    for (std::size_t j = i + 1; j < optical.size(); ++j) t[{optical[i], optical[j]}] = 1;
  }
  return t;
}

}  // namespace lightpath::policy
