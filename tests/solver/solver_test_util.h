#pragma once
// Building blocks for solver tests: fabrics from text, requests in one line,
// and a check that an allocation is physically valid.

#include <doctest/doctest.h>

#include <string>

#include "controller/solver/checker.h"
#include "controller/solver/solver.h"
#include "controller/topology/topology_loader.h"

namespace lightpath::testing {

inline Fabric fabric_from(const std::string& yaml) {
  auto r = topology::load_topology_text(yaml, "test.yaml");
  std::string errors;
  if (!r)
    for (const auto& d : r.error()) errors += d.to_string() + "\n";
  REQUIRE_MESSAGE(r, errors);
  return std::move(*r);
}

inline Fabric shipped(const std::string& name) {
  auto r = topology::load_topology_file(std::string(LIGHTPATH_SOURCE_DIR) + "/topologies/" + name);
  REQUIRE(r);
  return std::move(*r);
}

// A pairwise request of one flow per (a, b) pair, all in group `group`.
inline solver::CircuitRequest pairwise(const std::string& id,
                                       const std::vector<std::pair<std::string, std::string>>& pairs,
                                       double gbps, const std::string& group = "gpu-nic",
                                       int priority = 0) {
  solver::CircuitRequest r;
  r.request_id = id;
  r.priority = priority;
  r.bandwidth_per_flow = DataRate::gbps(gbps);
  r.pattern = solver::Pattern::kPairwise;
  for (const auto& [a, b] : pairs) {
    r.sources.push_back({a, group});
    r.destinations.push_back({b, group});
  }
  return r;
}

// Solves and applies; REQUIREs acceptance.
inline solver::Decision admit(const solver::Solver& s, solver::AllocationState& st,
                              const solver::CircuitRequest& r) {
  auto d = s.solve(st, r);
  REQUIRE_MESSAGE(d.accepted, r.request_id, ": ",
                  d.rejection ? d.rejection->reason + " " + d.rejection->message : "");
  REQUIRE(solver::apply(st, d));
  return d;
}

inline std::vector<solver::Circuit> all_circuits(const solver::AllocationState& st) {
  std::vector<solver::Circuit> out;
  for (const auto& [id, c] : st.circuits()) out.push_back(c);
  return out;
}

inline void check_valid(const solver::AllocationState& st) {
  const auto violations = solver::check_allocation(st.fabric(), all_circuits(st));
  for (const auto& v : violations) FAIL_CHECK(v.kind << ": " << v.message);
}

// One transceiver type with W channels at 100G, a 10 dB budget.
inline std::string header(int wavelengths = 8) {
  return "lightpath_topology: 1\nname: t\n"
         "transceivers:\n"
         "  - {name: x, grid: cwdm, wavelengths: " + std::to_string(wavelengths) +
         ", channel_rate_gbps: 100, launch_power_dbm: 2, rx_sensitivity_dbm: -8}\n";
}

}  // namespace lightpath::testing
