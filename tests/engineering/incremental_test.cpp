// Incremental re-engineering: change few cross-connects against a lower bound.
#include <doctest/doctest.h>

#include "tests/engineering/engineering_test_util.h"

namespace lightpath::solver {
namespace {

using testing::joined;
using testing::shipped_fabric;

struct Baseline {
  LogicalTopology topology;
  std::vector<CrossConnect> cross_connects;
};

const Baseline& tpuv4_baseline() {
  static const Baseline b = [] {
    const auto& f = shipped_fabric("tpuv4-pod.yaml");
    auto t = logical_topology(f, testing::uniform_matrix(f, 100), {});
    auto plan = engineer(f, *t, {});
    return Baseline{*t, testing::cross_connects_of(*plan)};
  }();
  return b;
}

TEST_CASE("an identical target changes nothing") {
  const auto& f = shipped_fabric("tpuv4-pod.yaml");
  const auto& base = tpuv4_baseline();
  auto plan = engineer(f, base.topology, base.cross_connects);
  REQUIRE(plan.has_value());
  CHECK(plan->changes() == 0);
  CHECK(plan->lower_bound_changes == 0);
  CHECK(check_engineering_plan(f, *plan).empty());
}

// Degree-preserving rewiring of a full fabric: this guards against
// regressions rather than claiming 1.05. Measured 2026-12-06 on seeds 1-3:
// 792, 828, 814 changes against the reported (LP) bound 682, 678, 690, ratio
// 1.16-1.22 (against the pair-count bound 614: 1.29-1.35; 850, 872, 858
// before the start from the LP's plan, 928, 954, 914 before the improvement
// phase). The regression floor is 1.25 of the LP bound.
TEST_CASE("changing 10% of the links on tpuv4-pod: valid, and changes stay near the bound") {
  const auto& f = shipped_fabric("tpuv4-pod.yaml");
  const auto& base = tpuv4_baseline();
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    const auto target = testing::perturb(base.topology, 0.10, seed);
    auto plan = engineer(f, target, base.cross_connects);
    REQUIRE(plan.has_value());
    CHECK(plan->unplaced_links == 0);
    const auto violations = check_engineering_plan(f, *plan);
    CHECK_MESSAGE(violations.empty(), joined(violations));
    CHECK(check_plan_changes(base.cross_connects, *plan).empty());
    CHECK(plan->pair_bound_changes == 2 * 307);
    CHECK(plan->lower_bound_changes >= plan->pair_bound_changes);
    MESSAGE("changes " << plan->changes() << " lower bound " << plan->lower_bound_changes
                       << " moved " << plan->moved_links);
    CHECK(plan->changes() >= plan->lower_bound_changes);
    CHECK(plan->changes() <= 1.25 * plan->lower_bound_changes);
    // Every change beyond the bound is a link moved between switches.
    CHECK(plan->changes() == plan->pair_bound_changes + 2 * plan->moved_links);
  }
}

TEST_CASE("removing links only removes, adding into free ports only adds") {
  const auto& f = shipped_fabric("tpuv4-pod.yaml");
  const auto& base = tpuv4_baseline();
  auto fewer = base.topology;
  fewer.links[3][4] -= 1, fewer.links[4][3] -= 1;
  fewer.links[10][40] -= 1, fewer.links[40][10] -= 1;
  auto plan = engineer(f, fewer, base.cross_connects);
  REQUIRE(plan.has_value());
  CHECK(plan->removed.size() == 2);
  CHECK(plan->added.empty());
  CHECK(plan->lower_bound_changes == 2);

  // And back: the freed ports take the links again.
  auto now = testing::cross_connects_of(*plan);
  auto back = engineer(f, base.topology, now);
  REQUIRE(back.has_value());
  CHECK(back->added.size() == 2);
  CHECK(back->removed.empty());
}

TEST_CASE("cross-connects the plan does not own are removed and counted in the bound") {
  const auto& f = shipped_fabric("tiny.yaml");
  LogicalTopology t;
  for (const auto& e : f.endpoints) t.endpoints.push_back(e.name);
  t.links.assign(4, std::vector<int>(4, 0));
  t.links[0][1] = t.links[1][0] = 1;
  const SwitchId ocs1 = *f.find_optical_switch("ocs1");
  // rack1's ports are ocs1/0-3, rack2's 4-7: 0-1 joins rack1 to itself.
  std::vector<CrossConnect> current = {CrossConnect::make(ocs1, 0, 1),
                                       CrossConnect::make(ocs1, 2, 4)};
  auto plan = engineer(f, t, current);
  REQUIRE(plan.has_value());
  CHECK(plan->lower_bound_changes == 1);
  CHECK(plan->changes() == 1);
  CHECK(plan->removed == std::vector{CrossConnect::make(ocs1, 0, 1)});
  CHECK(check_plan_changes(current, *plan).empty());
}

}  // namespace
}  // namespace lightpath::solver
