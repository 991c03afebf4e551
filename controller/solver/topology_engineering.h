#pragma once
// Topology engineering for single-stage OCS fabrics (Jupiter / TPU v4 style):
// turn a traffic matrix between endpoints (blocks) into a logical topology of
// link counts, then decompose it into per-switch cross-connects, changing as
// few existing cross-connects as possible. Algorithm and the lower bound on
// changes: docs/topology-engineering.md.
//
// Pure and deterministic: no I/O, no clock; the same input gives the same plan.

#include <cstdint>
#include <string>
#include <vector>

#include "controller/solver/cross_connect.h"
#include "controller/solver/traffic_matrix.h"
#include "lightpath/fabric.h"
#include "lightpath/result.h"

namespace lightpath::solver {

struct EngineeringOptions {
  // Before demand is served, give every pair of endpoints that share a switch
  // one link (as far as ports allow), so that the fabric stays connected with
  // one optical hop between any two endpoints, however skewed the demand.
  bool connect_all_pairs = true;
  // After demand is served, spread the ports still free evenly over all
  // pairs, so that no port stays dark.
  bool fill_leftover_ports = true;
};

// links[i][j]: how many links (cross-connects) join endpoints[i] and
// endpoints[j]. Symmetric with a zero diagonal.
struct LogicalTopology {
  std::vector<std::string> endpoints;
  std::vector<std::vector<int>> links;

  int total_links() const;
};

// One planned cross-connect and the endpoints whose fibers it joins:
// endpoint_a is cabled to cross_connect.port_a, endpoint_b to port_b.
struct PlacedLink {
  CrossConnect cross_connect;
  EndpointId endpoint_a;
  EndpointId endpoint_b;
  auto operator<=>(const PlacedLink&) const = default;
};

struct UnplacedLink {
  std::string endpoint_a;
  std::string endpoint_b;
  int count = 0;
};

struct EngineeringPlan {
  LogicalTopology topology;
  // The whole desired state of the MEMS switches, sorted.
  std::vector<PlacedLink> cross_connects;
  // Against the current state: current - removed + added = cross_connects.
  std::vector<CrossConnect> removed;
  std::vector<CrossConnect> added;
  // No plan that places every link can do fewer removals + additions: the
  // larger of the pair-count bound and the LP bound (docs/topology-engineering.md).
  int lower_bound_changes = 0;
  // The pair-count bound alone: Σ |target − today| over pairs, plus foreign
  // cross-connects; changes() = pair_bound_changes + 2 × moved_links.
  int pair_bound_changes = 0;
  // Existing links moved to another switch to make room: removals beyond each
  // pair's surplus (each also costs an addition the bound does not count).
  int moved_links = 0;
  int unplaced_links = 0;
  std::vector<UnplacedLink> unplaced;  // by pair

  int changes() const { return static_cast<int>(removed.size() + added.size()); }
};

// The port budget of topology engineering: ports[endpoint][switch] lists the
// switch ports cabled by a single fiber to one of the endpoint's ports, on
// MEMS switches only (WSS and inter-switch fibers are not engineered here).
struct PortBudget {
  std::vector<std::vector<std::vector<int>>> ports;
  // owner[switch][port]: the endpoint cabled to that port, or -1.
  std::vector<std::vector<int>> owner;

  int budget(std::size_t endpoint, std::size_t sw) const {
    return static_cast<int>(ports[endpoint][sw].size());
  }
};
PortBudget port_budget(const Fabric& fabric);

// Link counts proportional to demand (T_ij + T_ji) within every endpoint's
// port budget, and only between endpoints that share a switch.
Result<LogicalTopology> logical_topology(const Fabric& fabric, const TrafficMatrix& matrix,
                                         const EngineeringOptions& options = {});

// How hard engineer() searches for fewer changes against `current`.
struct PlacementOptions {
  // Rounds of ruin and recreate after placement; 0 turns the phase off. It
  // runs only when there are current cross-connects (from scratch every link
  // is new wherever it goes) and never makes the plan worse.
  int improve_rounds = 30000;
  // The phase also stops after this many steps (repair-path states and
  // neighbours, links and switches looked at): a deterministic stand-in for
  // time that bounds the work on large fabrics, where a round costs more.
  // 20,000,000 steps take about 450 ms on tpuv4-pod and on
  // jupiter-spinefree (about 22,000 and 14,000 rounds; 2-core VM).
  std::uint64_t improve_work = 20000000;
  // Seeds the search's random choices: the same input and seed give the
  // same plan.
  std::uint64_t seed = 1;
  // Subgradient steps spent on the LP lower bound reported next to the
  // changes; their averaged relaxed plans also give placement a second start
  // (0: report the pair-count bound only, and plan from the walks alone).
  int bound_iterations = 1000;
};

// Plans cross-connects realizing `target`, starting from `current` (pass an
// empty list to plan from scratch). Fails only on inconsistent input; links
// that cannot be placed are reported in the plan, not as an error.
Result<EngineeringPlan> engineer(const Fabric& fabric, const LogicalTopology& target,
                                 const std::vector<CrossConnect>& current,
                                 const PlacementOptions& options = {});

// Every way `plan` breaks the fabric's rules or fails to realize its topology,
// one sentence each; empty when the plan is valid.
std::vector<std::string> check_engineering_plan(const Fabric& fabric, const EngineeringPlan& plan);
// Whether current - removed + added gives exactly plan.cross_connects.
std::vector<std::string> check_plan_changes(const std::vector<CrossConnect>& current,
                                            const EngineeringPlan& plan);

}  // namespace lightpath::solver
