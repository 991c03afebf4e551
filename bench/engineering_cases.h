#pragma once
// The topology-engineering workload shared by the benchmarks: the uniform
// traffic matrix, and the rewiring of a logical topology by degree-preserving
// swaps (the same swaps as tests/engineering/engineering_test_util.h).
#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "bench/small_pod.h"
#include "controller/solver/topology_engineering.h"
#include "controller/topology/topology_loader.h"

namespace lightpath::bench {

inline solver::TrafficMatrix uniform_matrix(const Fabric& f) {
  solver::TrafficMatrix m;
  for (const auto& e : f.endpoints) m.endpoints.push_back(e.name);
  const std::size_t n = m.endpoints.size();
  m.demand_gbps.assign(n, std::vector<double>(n, 100.0));
  for (std::size_t i = 0; i < n; ++i) m.demand_gbps[i][i] = 0;
  return m;
}

// Swaps (a,b)+(c,d) -> (a,c)+(b,d) until `fraction` of the links left their pairs.
inline solver::LogicalTopology rewire(solver::LogicalTopology t, double fraction,
                                      std::uint32_t seed) {
  std::mt19937 rng(seed);
  const int n = static_cast<int>(t.endpoints.size());
  const int wanted = static_cast<int>(fraction * t.total_links());
  auto& x = t.links;
  const auto original = x;
  for (int removed = 0; removed < wanted;) {
    const int a = rng() % n, b = rng() % n, c = rng() % n, d = rng() % n;
    if (a == b || a == c || a == d || b == c || b == d || c == d) continue;
    if (x[a][b] == 0 || x[c][d] == 0) continue;
    --x[a][b], --x[b][a], --x[c][d], --x[d][c];
    ++x[a][c], ++x[c][a], ++x[b][d], ++x[d][b];
    removed = 0;
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j) removed += std::max(0, original[i][j] - x[i][j]);
  }
  return t;
}

// n blocks with 2 ports on each of S switches; 64 x 48 is tpuv4-pod itself,
// so that the exact benchmarks' numbers match engineering_bench's.
inline auto full_fabric(int n, int S) {
  return n == 64 && S == 48 ? topology::load_topology_file(std::string(LIGHTPATH_SOURCE_DIR) +
                                                           "/topologies/tpuv4-pod.yaml")
                            : topology::load_topology_text(small_pod_yaml(n, S), "small-pod");
}

// What a rewiring starts from: the uniform topology, planned from scratch.
struct Baseline {
  solver::LogicalTopology topology;
  std::vector<solver::CrossConnect> current;
};
inline Baseline uniform_baseline(const Fabric& f) {
  Baseline b;
  b.topology = *solver::logical_topology(f, uniform_matrix(f));
  const auto plan = solver::engineer(f, b.topology, {});
  for (const auto& l : plan->cross_connects) b.current.push_back(l.cross_connect);
  return b;
}

// Today's links by (switch, i, j), i < j.
inline std::map<std::tuple<int, int, int>, int> links_today(
    const solver::PortBudget& budget, const std::vector<solver::CrossConnect>& current) {
  std::map<std::tuple<int, int, int>, int> g;
  for (const auto& xc : current) {
    const int s = static_cast<int>(xc.optical_switch.value());
    const int a = budget.owner[s][xc.port_a], b = budget.owner[s][xc.port_b];
    ++g[{s, std::min(a, b), std::max(a, b)}];
  }
  return g;
}

}  // namespace lightpath::bench
