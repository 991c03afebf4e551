#pragma once
// The topology-engineering workload shared by the benchmarks: the uniform
// traffic matrix, and the rewiring of a logical topology by degree-preserving
// swaps (the same swaps as tests/engineering/engineering_test_util.h).
#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "controller/solver/topology_engineering.h"

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

}  // namespace lightpath::bench
