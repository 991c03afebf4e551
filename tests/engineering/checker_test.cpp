// The plan checker catches every kind of broken plan.
#include <doctest/doctest.h>

#include "tests/engineering/engineering_test_util.h"

namespace lightpath::solver {
namespace {

using testing::shipped_fabric;

bool mentions(const std::vector<std::string>& v, const std::string& needle) {
  for (const auto& s : v)
    if (s.find(needle) != std::string::npos) return true;
  return false;
}

// rack1..rack4 have ocs1 ports 0-3, 4-7, 8-11, 12-15.
EngineeringPlan valid_tiny_plan() {
  const auto& f = shipped_fabric("tiny.yaml");
  auto t = logical_topology(f, testing::uniform_matrix(f, 10), {});
  auto plan = engineer(f, *t, {});
  REQUIRE(plan.has_value());
  REQUIRE(check_engineering_plan(f, *plan).empty());
  return *plan;
}

TEST_CASE("the checker accepts a valid plan and catches each kind of breakage") {
  const auto& f = shipped_fabric("tiny.yaml");
  const SwitchId ocs1 = *f.find_optical_switch("ocs1");
  const EngineeringPlan good = valid_tiny_plan();

  SUBCASE("a port used twice") {
    auto p = good;
    auto extra = p.cross_connects[0];
    extra.cross_connect.port_b = p.cross_connects[1].cross_connect.port_b;
    extra.endpoint_b = p.cross_connects[1].endpoint_b;
    p.cross_connects.push_back(extra);
    CHECK(mentions(check_engineering_plan(f, p), "is in two cross-connects"));
  }
  SUBCASE("a port not cabled to the endpoint claimed") {
    auto p = good;
    std::swap(p.cross_connects[0].endpoint_a, p.cross_connects[0].endpoint_b);
    CHECK(mentions(check_engineering_plan(f, p), "not cabled to the endpoint claimed"));
  }
  SUBCASE("a port out of range") {
    auto p = good;
    p.cross_connects[0].cross_connect.port_b = 99;
    CHECK(mentions(check_engineering_plan(f, p), "out of range"));
  }
  SUBCASE("a budget exceeded") {
    // rack1 claims a fifth port on ocs1 by joining itself through two of its own.
    auto p = good;
    p.cross_connects.push_back({CrossConnect::make(ocs1, 0, 1), EndpointId(0), EndpointId(0)});
    auto v = check_engineering_plan(f, p);
    CHECK(mentions(v, "uses 6 ports at ocs1, budget 4"));
    CHECK(mentions(v, "joins endpoint rack1 to itself"));
  }
  SUBCASE("cross-connects not realizing the topology") {
    auto p = good;
    p.cross_connects.pop_back();
    CHECK(mentions(check_engineering_plan(f, p), "topology wants"));
    auto q = good;
    q.topology.links[0][1] += 1;
    q.topology.links[1][0] += 1;
    CHECK(mentions(check_engineering_plan(f, q), "pair rack1/rack2: topology wants"));
  }
  SUBCASE("an asymmetric topology") {
    auto p = good;
    p.topology.links[0][1] += 1;
    CHECK(mentions(check_engineering_plan(f, p), "not symmetric"));
  }
  SUBCASE("a miscounted unplaced total") {
    auto p = good;
    p.unplaced_links = 3;
    CHECK(mentions(check_engineering_plan(f, p), "unplaced_links is 3"));
  }
  SUBCASE("changes that do not lead from current to the plan") {
    auto p = good;
    CHECK(check_plan_changes({}, p).empty());
    p.added.pop_back();
    CHECK(mentions(check_plan_changes({}, p), "differs"));
    auto q = good;
    q.removed.push_back(CrossConnect::make(ocs1, 0, 4));
    CHECK(mentions(check_plan_changes({}, q), "does not exist"));
  }
}

}  // namespace
}  // namespace lightpath::solver
