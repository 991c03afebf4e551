// Decomposition of a logical topology into per-OCS cross-connects.
#include <doctest/doctest.h>

#include "tests/engineering/engineering_test_util.h"

namespace lightpath::solver {
namespace {

using testing::joined;
using testing::shipped_fabric;

TEST_CASE("uniform tpuv4-pod topology decomposes onto 48 switches with nothing unplaced") {
  const auto& f = shipped_fabric("tpuv4-pod.yaml");
  auto t = logical_topology(f, testing::uniform_matrix(f, 100), {});
  REQUIRE(t.has_value());
  auto plan = engineer(f, *t, {});
  REQUIRE(plan.has_value());
  CHECK(plan->unplaced_links == 0);
  CHECK(plan->cross_connects.size() == 3072);
  CHECK(plan->added.size() == 3072);
  CHECK(plan->removed.empty());
  CHECK(plan->lower_bound_changes == 3072);
  const auto violations = check_engineering_plan(f, *plan);
  CHECK_MESSAGE(violations.empty(), joined(violations));
  CHECK(check_plan_changes({}, *plan).empty());
}

TEST_CASE("skewed and sparse topologies decompose validly") {
  const auto& f = shipped_fabric("tpuv4-pod.yaml");
  for (bool fill : {false, true}) {
    TrafficMatrix m = testing::uniform_matrix(f, 0);
    for (int k = 0; k < 16; ++k) m.demand_gbps[k][(k * 7 + 3) % 64] = 100.0 * (k + 1);
    EngineeringOptions o;
    o.fill_leftover_ports = fill;
    o.connect_all_pairs = fill;
    auto t = logical_topology(f, m, o);
    REQUIRE(t.has_value());
    auto plan = engineer(f, *t, {});
    REQUIRE(plan.has_value());
    CHECK(plan->unplaced_links == 0);
    const auto violations = check_engineering_plan(f, *plan);
    CHECK_MESSAGE(violations.empty(), joined(violations));
  }
}

TEST_CASE("the same input gives the same plan") {
  const auto& f = shipped_fabric("tpuv4-pod.yaml");
  auto t = logical_topology(f, testing::uniform_matrix(f, 100), {});
  auto a = engineer(f, *t, {});
  auto b = engineer(f, *t, {});
  REQUIRE((a.has_value() && b.has_value()));
  CHECK(a->cross_connects == b->cross_connects);
}

TEST_CASE("links no switch can carry are reported, not dropped silently") {
  const auto& f = shipped_fabric("tiny.yaml");
  LogicalTopology t;
  for (const auto& e : f.endpoints) t.endpoints.push_back(e.name);
  t.links = {{0, 5, 0, 0}, {5, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};  // 5 > 4 ports
  auto plan = engineer(f, t, {});
  REQUIRE(plan.has_value());
  CHECK(plan->unplaced_links == 1);
  REQUIRE(plan->unplaced.size() == 1);
  CHECK(plan->unplaced[0].endpoint_a == "rack1");
  CHECK(plan->unplaced[0].endpoint_b == "rack2");
  CHECK(plan->cross_connects.size() == 4);
  const auto violations = check_engineering_plan(f, *plan);
  CHECK_MESSAGE(violations.empty(), joined(violations));
}

TEST_CASE("engineer rejects an inconsistent topology") {
  const auto& f = shipped_fabric("tiny.yaml");
  LogicalTopology t;
  for (const auto& e : f.endpoints) t.endpoints.push_back(e.name);
  t.links = {{0, 1, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};
  CHECK(engineer(f, t, {}).error().code == "INVALID_TOPOLOGY");
  t.links = {{0, 1}, {1, 0}};
  CHECK(engineer(f, t, {}).error().code == "INVALID_TOPOLOGY");
  t.endpoints[3] = "rack1";
  t.links.assign(4, std::vector<int>(4, 0));
  CHECK(engineer(f, t, {}).error().code == "DUPLICATE_ENDPOINT");
}

}  // namespace
}  // namespace lightpath::solver
