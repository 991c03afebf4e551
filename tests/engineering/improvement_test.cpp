// The improvement phase of engineer() (ruin and recreate after placement):
// never worse than the plan it starts from, valid, and deterministic.
#include <doctest/doctest.h>

#include "bench/small_pod.h"
#include "tests/engineering/engineering_test_util.h"

namespace lightpath::solver {
namespace {

using testing::joined;

// n blocks with 2 ports on each of S MEMS switches (a small tpuv4-pod).
Fabric full_fabric(int n, int S) {
  auto f = topology::load_topology_text(bench::small_pod_yaml(n, S), "small-pod");
  REQUIRE(f.has_value());
  return std::move(*f);
}

struct Case {
  LogicalTopology target;
  std::vector<CrossConnect> current;
};

// The uniform topology planned from scratch, then `fraction` of it rewired.
Case rewired(const Fabric& f, double fraction, std::uint32_t seed) {
  auto t = logical_topology(f, testing::uniform_matrix(f, 100), {});
  REQUIRE(t.has_value());
  auto base = engineer(f, *t, {});
  REQUIRE(base.has_value());
  return Case{testing::perturb(*t, fraction, seed), testing::cross_connects_of(*base)};
}

PlacementOptions without_search() {
  PlacementOptions o;
  o.improve_rounds = 0;
  return o;
}

void check_valid(const Fabric& f, const Case& c, const EngineeringPlan& plan) {
  const auto violations = check_engineering_plan(f, plan);
  CHECK_MESSAGE(violations.empty(), joined(violations));
  const auto changes = check_plan_changes(c.current, plan);
  CHECK_MESSAGE(changes.empty(), joined(changes));
  CHECK(plan.unplaced_links == 0);
  CHECK(plan.changes() == plan.pair_bound_changes + 2 * plan.moved_links);
}

TEST_CASE("the improvement phase never makes a plan worse, and its plans pass the checker") {
  const auto& pod = testing::shipped_fabric("tpuv4-pod.yaml");
  const Fabric small = full_fabric(24, 16);
  for (const Fabric* f : {&pod, &small})
    for (std::uint32_t seed : {1u, 2u, 3u}) {
      CAPTURE(f->endpoints.size());
      CAPTURE(seed);
      const Case c = rewired(*f, 0.10, seed);
      auto plain = engineer(*f, c.target, c.current, without_search());
      auto improved = engineer(*f, c.target, c.current);
      REQUIRE(plain.has_value());
      REQUIRE(improved.has_value());
      check_valid(*f, c, *improved);
      MESSAGE("changes " << plain->changes() << " -> " << improved->changes());
      CHECK(improved->changes() <= plain->changes());
      CHECK(improved->lower_bound_changes == plain->lower_bound_changes);
    }
}

TEST_CASE("the improvement phase gives the same plan for the same input and seed") {
  const Fabric f = full_fabric(16, 12);
  const Case c = rewired(f, 0.10, 2);
  auto a = engineer(f, c.target, c.current);
  auto b = engineer(f, c.target, c.current);
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  CHECK(a->cross_connects == b->cross_connects);
  CHECK(a->removed == b->removed);
  CHECK(a->added == b->added);
  // Another seed may find another plan, equally valid and no worse.
  PlacementOptions other;
  other.seed = 7;
  auto d = engineer(f, c.target, c.current, other);
  REQUIRE(d.has_value());
  check_valid(f, c, *d);
  CHECK(d->changes() <= engineer(f, c.target, c.current, without_search())->changes());
}

// The exact optimum (GLPK's ILP, bench/engineering_exact) on 12 blocks and 8
// switches is 26 changes for seeds 1-3; without the phase seed 2 took 32.
TEST_CASE("on a small full fabric the improvement phase reaches the exact optimum") {
  const Fabric f = full_fabric(12, 8);
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    const Case c = rewired(f, 0.10, seed);
    auto plan = engineer(f, c.target, c.current);
    REQUIRE(plan.has_value());
    check_valid(f, c, *plan);
    CHECK(plan->changes() == 26);
  }
}

// The work budget stops the phase deterministically (no clock): a small one
// gives a valid plan between the unimproved one and the default's, the same
// every time.
TEST_CASE("the improvement phase stops at its work budget, deterministically") {
  const Fabric f = full_fabric(24, 16);
  const Case c = rewired(f, 0.10, 1);
  PlacementOptions small;
  small.improve_work = 20000;
  auto a = engineer(f, c.target, c.current, small);
  auto b = engineer(f, c.target, c.current, small);
  auto plain = engineer(f, c.target, c.current, without_search());
  auto full = engineer(f, c.target, c.current);
  REQUIRE(a.has_value());
  REQUIRE(b.has_value());
  REQUIRE(plain.has_value());
  REQUIRE(full.has_value());
  check_valid(f, c, *a);
  CHECK(a->cross_connects == b->cross_connects);
  MESSAGE("changes " << plain->changes() << " -> " << a->changes() << " -> " << full->changes());
  CHECK(a->changes() <= plain->changes());
  CHECK(full->changes() <= a->changes());
}

TEST_CASE("the improvement phase leaves a plan without moved links alone") {
  const auto& f = testing::shipped_fabric("tpuv4-pod.yaml");
  const Case c = rewired(f, 0.0, 1);
  auto plan = engineer(f, c.target, c.current);
  REQUIRE(plan.has_value());
  CHECK(plan->changes() == 0);
}

}  // namespace
}  // namespace lightpath::solver
