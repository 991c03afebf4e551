// Logical topology: link counts proportional to demand within port budgets.
#include <doctest/doctest.h>

#include <numeric>

#include "tests/engineering/engineering_test_util.h"

namespace lightpath::solver {
namespace {

using testing::shipped_fabric;

int degree(const LogicalTopology& t, std::size_t i) {
  return std::accumulate(t.links[i].begin(), t.links[i].end(), 0);
}

TEST_CASE("port budget counts single-stage fibers per endpoint and MEMS switch") {
  const auto& f = shipped_fabric("tpuv4-pod.yaml");
  const auto b = port_budget(f);
  REQUIRE(b.ports.size() == 64);
  for (std::size_t i = 0; i < 64; ++i)
    for (std::size_t s = 0; s < 48; ++s) CHECK(b.budget(i, s) == 2);
  CHECK(b.owner[0][0] == 0);

  // The WSS and inter-switch fibers of the two-stage fabric are not budget.
  const auto& two = shipped_fabric("two-stage-wss.yaml");
  const auto b2 = port_budget(two);
  for (std::size_t s = 0; s < two.optical_switches.size(); ++s)
    if (two.optical_switches[s].kind == SwitchKind::kWss)
      for (std::size_t i = 0; i < two.endpoints.size(); ++i) CHECK(b2.budget(i, s) == 0);
}

TEST_CASE("uniform demand on tpuv4-pod fills every port and spreads links evenly") {
  const auto& f = shipped_fabric("tpuv4-pod.yaml");
  auto t = logical_topology(f, testing::uniform_matrix(f, 100), {});
  REQUIRE(t.has_value());
  CHECK(t->total_links() == 64 * 96 / 2);
  for (std::size_t i = 0; i < 64; ++i) {
    CHECK(degree(*t, i) == 96);
    CHECK(t->links[i][i] == 0);
    for (std::size_t j = 0; j < 64; ++j) {
      CHECK(t->links[i][j] == t->links[j][i]);
      if (i != j) CHECK((t->links[i][j] >= 1 && t->links[i][j] <= 2));
    }
  }
}

TEST_CASE("links follow demand: a pair with 3x the demand gets about 3x the links") {
  const auto& f = shipped_fabric("tpuv4-pod.yaml");
  TrafficMatrix m;
  m.endpoints = {"block00", "block01", "block02", "block03"};
  m.demand_gbps = {{0, 300, 100, 0}, {300, 0, 0, 100}, {100, 0, 0, 300}, {0, 100, 300, 0}};
  EngineeringOptions no_fill;
  no_fill.fill_leftover_ports = false;
  no_fill.connect_all_pairs = false;
  auto t = logical_topology(f, m, no_fill);
  REQUIRE(t.has_value());
  // Each block has 96 ports; demands 600 (0-1, both directions) and 200 (0-2) split them 3:1.
  CHECK(t->links[0][1] == 72);
  CHECK(t->links[0][2] == 24);
  CHECK(t->links[2][3] == 72);
  CHECK(t->links[1][3] == 24);
  CHECK(t->links[0][3] == 0);  // no demand, no fill
  for (std::size_t i = 0; i < 4; ++i) CHECK(degree(*t, i) == 96);
}

TEST_CASE("without fill, idle ports stay idle; by default every pair is linked") {
  const auto& f = shipped_fabric("tpuv4-pod.yaml");
  TrafficMatrix m = testing::uniform_matrix(f, 0);
  m.demand_gbps[0][5] = 400;
  m.demand_gbps[7][9] = 100;
  EngineeringOptions no_fill;
  no_fill.fill_leftover_ports = false;
  no_fill.connect_all_pairs = false;
  auto sparse = logical_topology(f, m, no_fill);
  REQUIRE(sparse.has_value());
  CHECK(sparse->links[0][5] == 96);  // a pair can use every port both ends share
  CHECK(sparse->links[7][9] == 96);
  CHECK(sparse->total_links() == 192);

  auto full = logical_topology(f, m, {});
  REQUIRE(full.has_value());
  CHECK(full->total_links() == 64 * 96 / 2);
  for (std::size_t i = 0; i < 64; ++i)
    for (std::size_t j = 0; j < 64; ++j)
      if (i != j) CHECK(full->links[i][j] >= 1);  // connected, one hop between any pair
  CHECK(full->links[0][5] > 30);                  // the hot pairs keep their surplus
}

TEST_CASE("the budget of a pair is what both ends share at common switches") {
  const auto& f = shipped_fabric("tiny.yaml");
  TrafficMatrix m = testing::uniform_matrix(f, 0);
  m.demand_gbps[0][1] = 1000;
  EngineeringOptions no_floor;
  no_floor.connect_all_pairs = false;
  auto t = logical_topology(f, m, no_floor);
  REQUIRE(t.has_value());
  CHECK(t->links[0][1] == 4);  // rack1 and rack2 each have 4 ports on ocs1
  CHECK(t->links[2][3] == 4);  // the fill links the two idle racks to each other
  CHECK(t->total_links() == 8);
  // With the connectivity floor every pair gets one link first.
  auto connected = logical_topology(f, m, {});
  REQUIRE(connected.has_value());
  CHECK(connected->links[0][1] == 2);
  CHECK(connected->links[0][2] == 1);
}

TEST_CASE("logical_topology rejects matrices the parser would have rejected") {
  const auto& f = shipped_fabric("tiny.yaml");
  TrafficMatrix m = testing::uniform_matrix(f, 1);
  m.endpoints[2] = "nope";
  CHECK(logical_topology(f, m).error().code == "UNKNOWN_ENDPOINT");
  m = testing::uniform_matrix(f, 1);
  m.demand_gbps[1][2] = -1;
  CHECK(logical_topology(f, m).error().code == "INVALID_TRAFFIC_MATRIX");
  m = testing::uniform_matrix(f, 1);
  m.demand_gbps.pop_back();
  CHECK(logical_topology(f, m).error().code == "INVALID_TRAFFIC_MATRIX");
}

}  // namespace
}  // namespace lightpath::solver
