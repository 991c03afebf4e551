// The solver against exact answers on small random single-stage MEMS fabrics
// (tests/solver/exact_search.h). The full sample runs in
// bench/solver_quality.cpp; numbers in docs/performance.md, "Solver".
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "controller/solver/solver.h"
#include "controller/topology/topology_loader.h"
#include "tests/solver/exact_search.h"

namespace ex = lightpath::testing::exact;

namespace {

// Cases 1..kCases are the first part of the bench's sample.
constexpr std::uint64_t kCases = 200;

// The share of cases where lightpath admits as many flows as the optimum;
// the aim is 95% (190 of 200).
//
// Arrival order (the default batch policy, first come first served) does not
// meet it: 168/200 measured (80.8% on the bench's 2,000). Most of the gap is
// the order itself: the optimum rejects an early flow to admit two later ones,
// which no solver deciding flows as they come can do. Against the best solver
// that decides in order and admits whatever still fits, lightpath matches in
// 191/200; the rest is its choice of switch (docs/performance.md, "Solver").
// These two floors are the measured values, kept as regression tests: raise
// them when the solver improves, never lower them silently.
constexpr int kArrivalOptimalAdmissionCases = 168;
constexpr int kArrivalInOrderOptimalAdmissionCases = 191;
// Most-admitted batches meet the aim: 199/200 measured (98.7% on 2,000).
constexpr int kMostAdmittedOptimalAdmissionCases = 190;

}  // namespace

TEST_CASE("exact search: generated cases are deterministic and in scope") {
  const auto a = ex::generate_case(7);
  const auto b = ex::generate_case(7);
  CHECK(a.topology_yaml == b.topology_yaml);
  REQUIRE(a.flows.size() == b.flows.size());
  for (std::size_t i = 0; i < a.flows.size(); ++i) {
    CHECK(a.flows[i].a == b.flows[i].a);
    CHECK(a.flows[i].b == b.flows[i].b);
    CHECK(a.flows[i].bandwidth == b.flows[i].bandwidth);
  }
  CHECK(a.topology_yaml != ex::generate_case(8).topology_yaml);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const auto c = ex::generate_case(seed);
    CHECK(c.flows.size() >= 4);
    CHECK(c.flows.size() <= 10);
    for (const auto& fl : c.flows) CHECK(fl.a != fl.b);
  }
}

TEST_CASE("exact search: agrees with plain enumeration on tiny cases") {
  const lightpath::Decibels margin = lightpath::Decibels::db(3.0);
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    auto c = ex::generate_case(seed);
    c.flows.resize(std::min<std::size_t>(c.flows.size(), 6));
    auto fabric = lightpath::topology::load_topology_text(c.topology_yaml, "case.yaml");
    REQUIRE(fabric);
    std::vector<ex::FlowSpec> specs;
    for (const auto& fl : c.flows)
      specs.push_back({*fabric->find_endpoint(fl.a), *fabric->find_endpoint(fl.b), fl.bandwidth});
    const auto exact = ex::solve_exact(*fabric, specs, margin);
    const auto brute = ex::solve_brute_force(*fabric, specs, margin);
    REQUIRE(exact);
    REQUIRE(brute);
    INFO("seed ", seed);
    CHECK(exact->admitted == brute->admitted);
    CHECK(exact->new_cross_connects == brute->new_cross_connects);
  }
}

TEST_CASE("exact search: rejects fabrics outside its scope") {
  auto fabric = lightpath::topology::load_topology_text(R"(lightpath_topology: 1
name: two-stage
fiber_defaults: {length_m: 10}
transceivers:
  - {name: t, grid: cwdm, wavelengths: 4, channel_rate_gbps: 100, launch_power_dbm: 2, rx_sensitivity_dbm: -8}
endpoints:
  - name: "e{0..1}"
    port_groups:
      - {name: g, ports: 1, transceiver: t}
optical_switches:
  - {name: "s{0..1}", kind: mems, ports: 4}
fibers:
  - {a: e0/g/0, b: s0/0}
  - {a: e1/g/0, b: s1/0}
  - {a: s0/1, b: s1/1}
)",
                                                        "two-stage.yaml");
  REQUIRE(fabric);
  const std::vector<ex::FlowSpec> flows{
      {*fabric->find_endpoint("e0"), *fabric->find_endpoint("e1"), lightpath::DataRate::gbps(100)}};
  const auto r = ex::solve_exact(*fabric, flows, lightpath::Decibels::db(3.0));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "OUT_OF_SCOPE");
}

namespace {

struct Tally {
  int optimal_admission = 0;         // cases admitting as many flows as the optimum
  int in_order_admission = 0;        // ... as the best in-order admit-when-possible solver
  int optimal = 0;                   // ... and with the fewest new cross-connects too
  int admission_gap = 0;             // flows short of the optimum, over all cases
  int cross_connects_lightpath = 0;  // over cases with optimal admission
  int cross_connects_minimum = 0;
  std::string examples;  // the first two cases short of the optimum
};

// Runs seeds 1..kCases under `policy`, checking every case's allocations.
Tally run_sample(lightpath::solver::BatchPolicy policy) {
  lightpath::solver::SolverOptions options;
  options.batch = policy;
  const bool arrival = policy == lightpath::solver::BatchPolicy::kArrivalOrder;
  Tally t;
  int example_count = 0;
  for (std::uint64_t seed = 1; seed <= kCases; ++seed) {
    const auto c = ex::compare_with_lightpath(ex::generate_case(seed), options);
    INFO(ex::describe(c));
    REQUIRE(c.error.empty());
    // Both plans must be physically valid, and the exact ones real upper bounds.
    for (const auto& v : c.lightpath_violations) FAIL_CHECK("lightpath: ", v.kind, ": ", v.message);
    for (const auto& v : c.optimum_violations) FAIL_CHECK("exact: ", v.kind, ": ", v.message);
    CHECK(c.lightpath_state_cross_connects == c.lightpath_cross_connects);
    CHECK(c.lightpath_admitted <= c.optimum_admitted);
    CHECK(c.in_order_admitted <= c.optimum_admitted);
    if (arrival) {
      // In arrival order lightpath is itself an in-order admit-when-possible solver.
      CHECK(c.lightpath_admitted <= c.in_order_admitted);
      if (c.in_order_optimal_admission())
        CHECK(c.lightpath_cross_connects >= c.in_order_cross_connects);
    }
    if (c.in_order_optimal_admission()) ++t.in_order_admission;
    if (c.optimal_admission()) {
      CHECK(c.lightpath_cross_connects >= c.optimum_cross_connects);
      ++t.optimal_admission;
      t.cross_connects_lightpath += c.lightpath_cross_connects;
      t.cross_connects_minimum += c.optimum_cross_connects;
      if (c.optimal()) ++t.optimal;
    } else if (example_count < 2) {
      ++example_count;
      t.examples += ex::describe(c);
    }
    t.admission_gap += c.optimum_admitted - c.lightpath_admitted;
  }
  MESSAGE(
      fmt::format("{} cases, batch policy {}: optimal admissions in {} ({:.1f}%), {} flow(s) "
                  "short in all; as many as the best in-order solver in {}; at optimal "
                  "admission {} cross-connects against a minimum of {}, at the minimum in {}",
                  kCases, arrival ? "arrival order" : "most admitted", t.optimal_admission,
                  100.0 * t.optimal_admission / kCases, t.admission_gap, t.in_order_admission,
                  t.cross_connects_lightpath, t.cross_connects_minimum, t.optimal));
  return t;
}

}  // namespace

TEST_CASE("exact search: lightpath in arrival order against the optimum on 200 small fabrics") {
  const Tally t = run_sample(lightpath::solver::BatchPolicy::kArrivalOrder);
  INFO(t.examples);
  CHECK(t.optimal_admission >= kArrivalOptimalAdmissionCases);
  CHECK(t.in_order_admission >= kArrivalInOrderOptimalAdmissionCases);
}

TEST_CASE(
    "exact search: lightpath most-admitted batches against the optimum on 200 small fabrics") {
  const Tally t = run_sample(lightpath::solver::BatchPolicy::kMostAdmitted);
  INFO(t.examples);
  CHECK(t.optimal_admission >= kMostAdmittedOptimalAdmissionCases);
}

// Known weaknesses of the heuristic, kept small and concrete. Each records
// what the solver does today next to the optimum; when the solver improves,
// the CHECK on today's value fails: update it to the optimum.

TEST_CASE(
    "exact search: known weakness: balancing load spends an endpoint's only port to a switch") {
  // e1 and e2 reach both switches; e0 reaches only s0. Placing e1-e2 on the
  // less loaded s0 spends e1's only s0 port, which e0-e1 needs next.
  const std::string yaml = R"(lightpath_topology: 1
name: scarce-port
fiber_defaults: {length_m: 10}
transceivers:
  - {name: t, grid: cwdm, wavelengths: 4, channel_rate_gbps: 100, launch_power_dbm: 2, rx_sensitivity_dbm: -8}
endpoints:
  - name: e0
    port_groups: [{name: g, ports: 1, transceiver: t}]
  - name: "e{1..2}"
    port_groups: [{name: g, ports: 2, transceiver: t}]
optical_switches:
  - {name: s0, kind: mems, ports: 5}
  - {name: s1, kind: mems, ports: 4}
fibers:
  - {a: e0/g/0, b: s0/0}
  - {a: e1/g/0, b: s0/1}
  - {a: e1/g/1, b: s1/0}
  - {a: e2/g/0, b: s0/2}
  - {a: e2/g/1, b: s1/1}
)";
  ex::SmallCase sc;
  sc.topology_yaml = yaml;
  sc.flows = {{"e1", "e2", lightpath::DataRate::gbps(100)},
              {"e0", "e1", lightpath::DataRate::gbps(100)}};
  const auto c = ex::compare_with_lightpath(sc);
  INFO(ex::describe(c));
  REQUIRE(c.error.empty());
  CHECK(c.lightpath_violations.empty());
  CHECK(c.optimum_admitted == 2);
  CHECK(c.in_order_admitted == 2);   // any in-order solver could admit both
  CHECK(c.lightpath_admitted == 1);  // today: e1-e2 goes to s0 (2/5 ports in use < 2/4)
}

TEST_CASE(
    "exact search: known weakness: grooming takes the first path that fits, not the tightest") {
  // Two cross-connects join e0 and e1: one with 3 free channels, one with 1.
  // A 100G flow grooms onto the first found (3 free), so a later 300G flow
  // finds neither with room and no free port left. Best fit (the path with
  // the fewest free channels that still fit) would admit both.
  auto loaded = lightpath::topology::load_topology_text(R"(lightpath_topology: 1
name: first-fit
fiber_defaults: {length_m: 10}
transceivers:
  - {name: t, grid: cwdm, wavelengths: 4, channel_rate_gbps: 100, launch_power_dbm: 2, rx_sensitivity_dbm: -8}
endpoints:
  - name: "e{0..1}"
    port_groups: [{name: g, ports: 2, transceiver: t}]
optical_switches:
  - {name: s0, kind: mems, ports: 4}
fibers:
  - {a: "e{0..1}/g/{0..1}", b: "s0/{0..3}"}
)",
                                                        "first-fit.yaml");
  REQUIRE(loaded);
  const lightpath::Fabric& f = *loaded;
  namespace sv = lightpath::solver;
  auto request = [](const std::string& id, double gbps) {
    sv::CircuitRequest r;
    r.request_id = id;
    r.bandwidth_per_flow = lightpath::DataRate::gbps(gbps);
    r.sources = {{"e0", "g"}};
    r.destinations = {{"e1", "g"}};
    return r;
  };
  const sv::Solver solver(f);
  sv::AllocationState st(f);
  auto admit = [&](const sv::CircuitRequest& r) {
    auto d = solver.solve(st, r);
    REQUIRE(d.accepted);
    REQUIRE(sv::apply(st, d));
    return d.circuits.front().id;
  };
  admit(request("a", 100));                 // path 1: 3 free
  const auto b = admit(request("b", 300));  // path 1: full
  admit(request("c", 300));                 // path 2: 1 free
  st.remove(b);                             // path 1: 3 free again
  const auto d = solver.solve(st, request("d", 100));
  REQUIRE(d.accepted);
  CHECK(d.new_cross_connects == 0);
  REQUIRE(sv::apply(st, d));
  const auto e = solver.solve(st, request("e", 300));
  // Had "d" gone onto path 2 (1 free), "e" would groom onto path 1 (3 free).
  CHECK_FALSE(e.accepted);  // today; should be accepted with no new cross-connect
  CHECK(sv::check_allocation(f,
                             [&] {
                               std::vector<sv::Circuit> all;
                               for (const auto& [id, c] : st.circuits()) all.push_back(c);
                               return all;
                             }())
            .empty());
}
