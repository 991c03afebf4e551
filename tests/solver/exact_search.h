#pragma once
// Exact answers on small fabrics, to measure how close the solver's heuristic
// comes to the optimum (tests/solver/exact_comparison_test.cpp and
// bench/solver_quality.cpp; numbers in docs/performance.md, "Solver").
//
// Scope: single-stage MEMS fabrics, where every fiber joins an endpoint port
// to a MEMS port (no WSS, no fibers between switches), and every endpoint has
// one port group. There a flow between endpoints A and B is either rejected,
// groomed onto an existing cross-connect between a port of A and a port of B
// that has enough free wavelengths, or placed on a new cross-connect at a
// switch where both A and B still have a free port. Exhaustive search over
// those choices is exact: it maximizes the admitted flows, then minimizes the
// new cross-connects.
//
// The search is independent of the solver: it reads only the Fabric and
// recomputes every resource from it; it shares no code with the path search
// or the AllocationState indexes.

#include <cstdint>
#include <string>
#include <vector>

#include "controller/solver/checker.h"
#include "controller/solver/solver.h"
#include "lightpath/fabric.h"
#include "lightpath/result.h"

namespace lightpath::testing::exact {

// One flow between the (only) port groups of two endpoints.
struct FlowSpec {
  EndpointId a;
  EndpointId b;
  DataRate bandwidth;
};

// Where an exact answer puts one flow.
struct Placement {
  bool admitted = false;
  bool new_cross_connect = false;  // false when groomed onto an earlier one
  SwitchId optical_switch;
  int switch_port_a = -1;  // the cross-connect's port on a's side
  int switch_port_b = -1;
  EndpointPortId port_a;
  EndpointPortId port_b;
  std::vector<int> wavelengths;
};

struct Answer {
  int admitted = 0;
  int new_cross_connects = 0;
  std::vector<Placement> placements;  // one per flow, in the order given
  std::uint64_t states = 0;           // distinct search states evaluated
};

// The optimum, by exhaustive search with memoization. Fails with
// OUT_OF_SCOPE when the fabric is not single-stage MEMS, or when some
// endpoint-switch-endpoint path does not close the loss budget less `margin`
// (then the choice of port would matter and the model would not be exact).
Result<Answer> solve_exact(const Fabric& fabric, const std::vector<FlowSpec>& flows,
                           Decibels margin);

// The same optimum by plain enumeration in the order given, without the
// grouping and memoization of solve_exact: a cross-check for tiny cases
// (exponential; keep to about 6 flows). Placements are left empty.
Result<Answer> solve_brute_force(const Fabric& fabric, const std::vector<FlowSpec>& flows,
                                 Decibels margin);

// The best any solver could do that, like lightpath, decides flows in the
// order given and admits every flow it can still place: a flow is rejected
// only when the earlier placements left no room for it. Exhaustive over the
// placements. Against it the solver's placement choices are measured apart
// from its admission policy (the optimum above may reject an early flow to
// admit two later ones; no in-order solver can). Placements are left empty.
Result<Answer> solve_exact_in_order(const Fabric& fabric, const std::vector<FlowSpec>& flows,
                                    Decibels margin);

// ---------------------------------------------------------------------------
// Random small cases and the comparison with the solver.

struct CaseFlow {
  std::string a;  // endpoint names; every endpoint's one group is "g"
  std::string b;
  DataRate bandwidth;
};

struct SmallCase {
  std::uint64_t seed = 0;
  std::string topology_yaml;
  std::vector<CaseFlow> flows;
};

// Deterministic for a seed on every platform: std::mt19937_64 and modulo only.
// 1-3 MEMS switches of 4-10 ports; 3-6 endpoints, each with one group "g" of
// 1-4 ports cabled to random switches (ports left uncabled when the switches
// are full); a CWDM transceiver of 4 x 100G; 4-10 flows of 100-400G (steps of
// 50G) between random distinct endpoints.
SmallCase generate_case(std::uint64_t seed);

// How lightpath and the exact search did on one case.
struct Comparison {
  SmallCase small_case;
  Fabric fabric;
  int flows = 0;
  int lightpath_admitted = 0;
  int lightpath_cross_connects = 0;        // new cross-connects of accepted decisions
  int lightpath_state_cross_connects = 0;  // cross-connects in the state after applying
  std::vector<solver::Violation> lightpath_violations;
  int optimum_admitted = 0;
  int optimum_cross_connects = 0;
  std::vector<solver::Violation> optimum_violations;  // of the exact answer's circuits
  int in_order_admitted = 0;                          // solve_exact_in_order
  int in_order_cross_connects = 0;
  std::uint64_t search_states = 0;
  std::string error;           // set when the case could not be run
  std::string lightpath_plan;  // one line per flow: what lightpath did
  std::string optimum_plan;    // one line per flow: what the optimum does

  bool optimal_admission() const { return lightpath_admitted == optimum_admitted; }
  bool optimal() const {
    return optimal_admission() && lightpath_cross_connects == optimum_cross_connects;
  }
  bool in_order_optimal_admission() const { return lightpath_admitted == in_order_admitted; }
  bool in_order_optimal() const {
    return in_order_optimal_admission() && lightpath_cross_connects == in_order_cross_connects;
  }
};

// Loads the case, runs Solver::solve_batch with `options` over its flows (one
// pairwise, atomic, single-flow request each, in order), applies the accepted
// decisions and checks them with check_allocation; then solves the case
// exactly and checks the exact answer's circuits the same way.
Comparison compare_with_lightpath(const SmallCase& small_case,
                                  const solver::SolverOptions& options = {});

// A readable counter-example: the cabling, the flows and both plans.
std::string describe(const Comparison& c);

}  // namespace lightpath::testing::exact
