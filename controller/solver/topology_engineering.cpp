#include "controller/solver/topology_engineering.h"

#include <algorithm>
#include <queue>
#include <set>
#include <tuple>

namespace lightpath::solver {
namespace {

Error invalid(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

// Resolves names to fabric endpoint indices; fails on unknown or repeated names.
Result<std::vector<int>> resolve(const Fabric& fabric, const std::vector<std::string>& names) {
  std::vector<int> ids;
  std::set<std::string> seen;
  for (const auto& name : names) {
    auto id = fabric.find_endpoint(name);
    if (!id) return unexpected(invalid("UNKNOWN_ENDPOINT", "no endpoint named '" + name + "'"));
    if (!seen.insert(name).second)
      return unexpected(invalid("DUPLICATE_ENDPOINT", "endpoint '" + name + "' is listed twice"));
    ids.push_back(static_cast<int>(id->value()));
  }
  return ids;
}

// Degree-and-pair-capacity bookkeeping shared by the allocation phases.
struct Allocation {
  std::vector<int> remaining;           // free ports per endpoint
  std::vector<std::vector<int>> limit;  // most links a pair can have: Σ_s min(d_is, d_js)
  std::vector<std::vector<int>> links;

  bool can_add(std::size_t i, std::size_t j) const {
    return i != j && remaining[i] > 0 && remaining[j] > 0 && links[i][j] < limit[i][j];
  }
  void add(std::size_t i, std::size_t j, int delta) {
    links[i][j] += delta;
    links[j][i] += delta;
    remaining[i] -= delta;
    remaining[j] -= delta;
  }
};

// Gives links to the pair with the highest demand per link it would have,
// w_ij / (x_ij + 1): the largest-remainder rule of proportional apportionment.
// Keys only fall, so a lazily updated max-heap stays exact.
void allocate_by_demand(Allocation& a, const std::vector<std::vector<double>>& w) {
  using Key = std::tuple<double, int, int, int>;  // score, scarcer end's room, -i, -j
  const std::size_t m = w.size();
  auto key = [&](std::size_t i, std::size_t j) {
    return Key{w[i][j] / (a.links[i][j] + 1), std::min(a.remaining[i], a.remaining[j]),
               -static_cast<int>(i), -static_cast<int>(j)};
  };
  std::priority_queue<Key> heap;
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = i + 1; j < m; ++j)
      if (w[i][j] > 0 && a.can_add(i, j)) heap.push(key(i, j));
  while (!heap.empty()) {
    const Key top = heap.top();
    heap.pop();
    const auto i = static_cast<std::size_t>(-std::get<2>(top));
    const auto j = static_cast<std::size_t>(-std::get<3>(top));
    if (!a.can_add(i, j)) continue;  // never becomes possible again
    if (key(i, j) != top) {
      heap.push(key(i, j));
      continue;
    }
    a.add(i, j, 1);
    if (a.can_add(i, j)) heap.push(key(i, j));
  }
}

// Spreads the remaining ports level by level (every pair gets its (L+1)-th
// link before any gets its (L+2)-th), visiting pairs in circulant order so
// that every endpoint gets the same share of each level.
void fill_evenly(Allocation& a, int levels) {
  const std::size_t m = a.links.size();
  for (int level = 0; level < levels; ++level) {
    for (std::size_t k = 1; k <= m / 2; ++k)
      for (std::size_t i = 0; i < m; ++i) {
        const std::size_t j = (i + k) % m;
        if (2 * k == m && i >= k) continue;  // the opposite pair, seen once
        if (a.links[i][j] == level && a.can_add(i, j)) a.add(i, j, 1);
      }
  }
}

// Ports no pair can take directly because every partner is full: take a link
// (p, q) from a well linked pair and give its ports to (u, p) and (v, q).
void fill_by_swaps(Allocation& a) {
  const std::size_t m = a.links.size();
  for (bool progress = true; progress;) {
    progress = false;
    for (std::size_t u = 0; u < m && !progress; ++u)
      for (std::size_t v = u; v < m && !progress; ++v) {
        if (a.remaining[u] <= 0 || a.remaining[v] <= 0 || (u == v && a.remaining[u] < 2)) continue;
        int best = 0;
        std::size_t bp = 0, bq = 0;
        for (std::size_t p = 0; p < m; ++p)
          for (std::size_t q = 0; q < m; ++q) {
            if (p == q || p == u || q == v || a.links[p][q] <= best) continue;
            if (a.links[u][p] >= a.limit[u][p] || a.links[v][q] >= a.limit[v][q]) continue;
            if (u == v && p == q) continue;
            best = a.links[p][q];
            bp = p;
            bq = q;
          }
        if (best == 0) continue;
        a.add(bp, bq, -1);
        a.remaining[bp] -= 1;  // undo the port return of add(-1) for p and q:
        a.remaining[bq] -= 1;  // they stay full, now linked to u and v instead
        a.links[u][bp] += 1;
        a.links[bp][u] += 1;
        a.links[v][bq] += 1;
        a.links[bq][v] += 1;
        a.remaining[u] -= 1;
        a.remaining[v] -= 1;
        progress = true;
      }
  }
}

}  // namespace

int LogicalTopology::total_links() const {
  int total = 0;
  for (std::size_t i = 0; i < links.size(); ++i)
    for (std::size_t j = i + 1; j < links[i].size(); ++j) total += links[i][j];
  return total;
}

PortBudget port_budget(const Fabric& fabric) {
  PortBudget b;
  b.ports.assign(fabric.endpoints.size(),
                 std::vector<std::vector<int>>(fabric.optical_switches.size()));
  for (const auto& sw : fabric.optical_switches) b.owner.emplace_back(sw.port_count, -1);
  for (const auto& f : fabric.fibers) {
    const FiberEnd* ep = f.a.is_endpoint() ? &f.a : f.b.is_endpoint() ? &f.b : nullptr;
    const FiberEnd* sw = ep == &f.a ? &f.b : &f.a;
    if (!ep || sw->is_endpoint() || !sw->optical_switch.valid()) continue;
    const auto s = sw->optical_switch.value();
    if (fabric.optical_switches[s].kind != SwitchKind::kMems) continue;
    const auto e = fabric.port(ep->endpoint_port).endpoint.value();
    b.ports[e][s].push_back(sw->port);
    b.owner[s][sw->port] = static_cast<int>(e);
  }
  for (auto& row : b.ports)
    for (auto& list : row) std::sort(list.begin(), list.end());
  return b;
}

Result<LogicalTopology> logical_topology(const Fabric& fabric, const TrafficMatrix& matrix,
                                         const EngineeringOptions& options) {
  auto ids = resolve(fabric, matrix.endpoints);
  if (!ids) return unexpected(ids.error());
  const std::size_t m = ids->size();
  if (matrix.demand_gbps.size() != m)
    return unexpected(invalid("INVALID_TRAFFIC_MATRIX", "the matrix needs one row per endpoint"));
  std::vector<std::vector<double>> w(m, std::vector<double>(m, 0.0));
  for (std::size_t i = 0; i < m; ++i) {
    if (matrix.demand_gbps[i].size() != m)
      return unexpected(invalid("INVALID_TRAFFIC_MATRIX",
                                "row " + std::to_string(i) + " needs one column per endpoint"));
    for (std::size_t j = 0; j < m; ++j) {
      const double v = matrix.demand_gbps[i][j];
      if (!(v >= 0))
        return unexpected(invalid("INVALID_TRAFFIC_MATRIX", "demands must be non-negative"));
      if (i != j) {  // links carry both directions, so a pair's demand is the sum
        w[i][j] += v;
        w[j][i] += v;
      }
    }
  }

  const PortBudget budget = port_budget(fabric);
  Allocation a;
  a.remaining.assign(m, 0);
  a.limit.assign(m, std::vector<int>(m, 0));
  a.links.assign(m, std::vector<int>(m, 0));
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t s = 0; s < fabric.optical_switches.size(); ++s) {
      const int di = budget.budget((*ids)[i], s);
      a.remaining[i] += di;
      for (std::size_t j = 0; j < m; ++j)
        if (j != i) a.limit[i][j] += std::min(di, budget.budget((*ids)[j], s));
    }
  if (options.connect_all_pairs) fill_evenly(a, 1);
  allocate_by_demand(a, w);
  if (options.fill_leftover_ports) {
    int levels = 0;
    for (const auto& row : a.limit)
      for (int v : row) levels = std::max(levels, v);
    fill_evenly(a, levels);
    fill_by_swaps(a);
  }
  return LogicalTopology{matrix.endpoints, std::move(a.links)};
}

}  // namespace lightpath::solver
