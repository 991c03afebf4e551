#pragma once
// Shared fixtures for the topology-engineering tests: shipped fabrics loaded
// once, matrices built in code, and a deterministic perturbation of a
// logical topology.

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "bench/engineering_cases.h"
#include "controller/solver/topology_engineering.h"
#include "controller/topology/topology_loader.h"

namespace lightpath::testing {

inline const Fabric& shipped_fabric(const std::string& name) {
  static std::vector<std::pair<std::string, Fabric>> cache;
  for (const auto& [n, f] : cache)
    if (n == name) return f;
  auto r = topology::load_topology_file(std::string(LIGHTPATH_SOURCE_DIR) + "/topologies/" + name);
  REQUIRE(r.has_value());
  cache.emplace_back(name, std::move(*r));
  return cache.back().second;
}

inline solver::TrafficMatrix uniform_matrix(const Fabric& fabric, double gbps) {
  solver::TrafficMatrix m;
  for (const auto& e : fabric.endpoints) m.endpoints.push_back(e.name);
  const std::size_t n = m.endpoints.size();
  m.demand_gbps.assign(n, std::vector<double>(n, gbps));
  for (std::size_t i = 0; i < n; ++i) m.demand_gbps[i][i] = 0;
  return m;
}

inline std::vector<solver::CrossConnect> cross_connects_of(const solver::EngineeringPlan& plan) {
  std::vector<solver::CrossConnect> out;
  for (const auto& l : plan.cross_connects) out.push_back(l.cross_connect);
  return out;
}

// Rewires about `fraction` of the links with degree-preserving swaps
// (a,b) + (c,d) -> (a,c) + (b,d), until that many links are gone from their
// old pairs. Every endpoint keeps its port count, as when a full fabric is
// re-engineered for new traffic.
inline solver::LogicalTopology perturb(solver::LogicalTopology t, double fraction,
                                       std::uint32_t seed) {
  return bench::rewire(std::move(t), fraction, seed);
}

inline std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

}  // namespace lightpath::testing
