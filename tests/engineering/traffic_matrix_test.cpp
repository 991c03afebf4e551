// Parsing traffic matrices and current cross-connects, and every bad input.
#include "controller/solver/traffic_matrix.h"

#include <doctest/doctest.h>

#include "tests/engineering/engineering_test_util.h"

namespace lightpath::solver {
namespace {

using testing::shipped_fabric;

const Fabric& tiny() {
  return shipped_fabric("tiny.yaml");
}

std::string errors(const std::vector<topology::Diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) s += d.to_string() + "\n";
  return s;
}

// True when some diagnostic is at `line` (0: any) and contains `needle`.
template <class R>
bool has_error(const R& r, int line, const std::string& needle) {
  if (r) return false;
  for (const auto& d : r.error())
    if ((line == 0 || d.line == line) && d.message.find(needle) != std::string::npos) return true;
  return false;
}

auto matrix(const std::string& text) {
  return parse_traffic_matrix(text, "m.yaml", tiny());
}
auto xcs(const std::string& text) {
  return parse_cross_connects(text, "x.yaml", tiny());
}

TEST_CASE("a dense matrix with a pattern for its endpoints") {
  auto m = matrix(R"(endpoints: "rack{1..4}"
demand_gbps:
  - [0, 100, 0, 0]
  - [50, 0, 0, 0]
  - [0, 0, 0, 2.5]
  - [0, 0, 0, 0]
)");
  REQUIRE_MESSAGE(m.has_value(), errors(m.error()));
  CHECK(m->endpoints == std::vector<std::string>{"rack1", "rack2", "rack3", "rack4"});
  CHECK(m->demand_gbps[0][1] == 100);
  CHECK(m->demand_gbps[1][0] == 50);
  CHECK(m->demand_gbps[2][3] == 2.5);
}

TEST_CASE("JSON text parses too") {
  auto m = matrix(R"({"endpoints": ["rack2", "rack1"], "demand_gbps": [[0, 7], [3, 0]]})");
  REQUIRE_MESSAGE(m.has_value(), errors(m.error()));
  CHECK(m->endpoints[0] == "rack2");
  CHECK(m->demand_gbps[0][1] == 7);
}

TEST_CASE("a sparse matrix defaults to every endpoint of the fabric") {
  auto m = matrix(R"(entries:
  - {from: rack1, to: rack3, gbps: 400}
  - {from: rack4, to: rack2, gbps: 100}
)");
  REQUIRE_MESSAGE(m.has_value(), errors(m.error()));
  CHECK(m->size() == 4);
  CHECK(m->demand_gbps[0][2] == 400);
  CHECK(m->demand_gbps[3][1] == 100);
  CHECK(m->demand_gbps[2][0] == 0);
}

TEST_CASE("matrix errors name line and column") {
  SUBCASE("too few rows") {
    auto m = matrix("endpoints: \"rack{1..4}\"\ndemand_gbps:\n  - [0, 1, 1, 1]\n");
    CHECK(has_error(m, 3, "has 1 rows, expected 4"));
  }
  SUBCASE("a row with the wrong number of columns") {
    auto m = matrix("endpoints: \"rack{1..2}\"\ndemand_gbps:\n  - [0, 1]\n  - [1, 0, 5]\n");
    CHECK(has_error(m, 4, "has 3 columns, expected 2"));
  }
  SUBCASE("a negative demand") {
    auto m = matrix("endpoints: \"rack{1..2}\"\ndemand_gbps:\n  - [0, -5]\n  - [1, 0]\n");
    CHECK(has_error(m, 3, "must not be negative"));
    CHECK(m.error()[0].column == 9);
  }
  SUBCASE("not a number") {
    auto m = matrix("endpoints: \"rack{1..2}\"\ndemand_gbps:\n  - [0, lots]\n  - [1, 0]\n");
    CHECK(has_error(m, 3, "must be a number, got 'lots'"));
    auto inf = matrix("endpoints: \"rack{1..2}\"\ndemand_gbps:\n  - [0, .inf]\n  - [1, 0]\n");
    CHECK(has_error(inf, 3, "finite"));
  }
  SUBCASE("demand to itself") {
    auto m = matrix("endpoints: \"rack{1..2}\"\ndemand_gbps:\n  - [3, 1]\n  - [1, 0]\n");
    CHECK(has_error(m, 3, "to itself must be 0"));
  }
  SUBCASE("unknown endpoint") {
    auto m = matrix("endpoints: [rack1, rack9]\ndemand_gbps: [[0, 1], [1, 0]]\n");
    CHECK(has_error(m, 1, "no endpoint named 'rack9'"));
  }
  SUBCASE("duplicate endpoint") {
    auto m = matrix("endpoints: [rack1, rack2, rack1]\ndemand_gbps: [[0,1,1],[1,0,1],[1,1,0]]\n");
    CHECK(has_error(m, 1, "duplicate endpoint 'rack1'"));
  }
  SUBCASE("a bad pattern") {
    auto m = matrix("endpoints: \"rack{1..\"\ndemand_gbps: []\n");
    CHECK(has_error(m, 1, "endpoints:"));
  }
  SUBCASE("unknown key") {
    auto m = matrix("endpoints: [rack1]\ndemand: [[0]]\n");
    CHECK(has_error(m, 2, "unknown key 'demand'"));
  }
  SUBCASE("both forms, or neither") {
    CHECK(
        has_error(matrix("endpoints: [rack1]\ndemand_gbps: [[0]]\nentries: []\n"), 3, "not both"));
    CHECK(has_error(matrix("endpoints: [rack1]\n"), 1, "needs demand_gbps or entries"));
  }
  SUBCASE("sparse entries: unknown, duplicate, self, negative") {
    auto m = matrix(R"(entries:
  - {from: rack1, to: rack5, gbps: 1}
  - {from: rack1, to: rack2, gbps: 1}
  - {from: rack1, to: rack2, gbps: 2}
  - {from: rack3, to: rack3, gbps: 1}
  - {from: rack3, to: rack4, gbps: -1}
  - {from: rack3, to: rack4}
)");
    CHECK(has_error(m, 2, "no endpoint named 'rack5'"));
    CHECK(has_error(m, 4, "duplicate demand rack1 -> rack2 (first given at line 3)"));
    CHECK(has_error(m, 5, "same endpoint"));
    CHECK(has_error(m, 6, "must not be negative"));
    CHECK(has_error(m, 7, "missing required field 'gbps'"));
  }
  SUBCASE("an entry for an endpoint left out of the list") {
    auto m = matrix("endpoints: [rack1, rack2]\nentries:\n  - {from: rack1, to: rack3, gbps: 1}\n");
    CHECK(has_error(m, 3, "'rack3' is not in the endpoints list"));
  }
  SUBCASE("YAML syntax") {
    auto m = matrix("endpoints: [rack1\n");
    CHECK(has_error(m, 0, "YAML syntax error"));
  }
}

TEST_CASE("current cross-connects: list form and map form") {
  auto a = xcs("- {switch: ocs1, a: 5, b: 1}\n- {switch: ocs1, a: 2, b: 9}\n");
  REQUIRE_MESSAGE(a.has_value(), errors(a.error()));
  REQUIRE(a->size() == 2);
  CHECK((*a)[0].port_a == 1);  // stored low port first
  CHECK((*a)[0].port_b == 5);
  auto b = xcs("cross_connects:\n  - {switch: ocs1, a: 0, b: 4}\n");
  REQUIRE(b.has_value());
  CHECK(b->size() == 1);
  auto empty = xcs("cross_connects: []\n");
  REQUIRE(empty.has_value());
  CHECK(empty->empty());
}

TEST_CASE("current cross-connects: every problem with its position") {
  auto r = xcs(R"(- {switch: ocs9, a: 1, b: 2}
- {switch: ocs1, a: 1, b: 16}
- {switch: ocs1, a: 3, b: 4}
- {switch: ocs1, a: 4, b: 5}
- {switch: ocs1, a: 6, b: 6}
- {switch: ocs1, a: x, b: 7}
- {switch: ocs1, a: 8}
)");
  CHECK(has_error(r, 1, "no optical switch named 'ocs9'"));
  CHECK(has_error(r, 2, "port 16 is out of range for ocs1 (ports 0..15)"));
  CHECK(has_error(r, 4, "port ocs1/4 is already in a cross-connect (line 3)"));
  CHECK(has_error(r, 5, "to itself"));
  CHECK(has_error(r, 6, "must be an integer"));
  CHECK(has_error(r, 7, "missing required field 'b'"));
  CHECK(has_error(xcs("switch: ocs1\n"), 1, "unknown key 'switch'"));
  CHECK(has_error(xcs("cross_connects: 5\n"), 1, "must be a list"));
}

TEST_CASE("current cross-connects on a WSS switch are refused") {
  const auto& two = shipped_fabric("two-stage-wss.yaml");
  std::string wss;
  for (const auto& s : two.optical_switches)
    if (s.kind == SwitchKind::kWss) wss = s.name;
  REQUIRE(!wss.empty());
  auto r = parse_cross_connects("- {switch: " + wss + ", a: 0, b: 1}\n", "x.yaml", two);
  CHECK(has_error(r, 1, "WSS switch"));
}

}  // namespace
}  // namespace lightpath::solver
