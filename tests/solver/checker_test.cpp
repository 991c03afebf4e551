// The independent checker catches a deliberately broken allocation of each kind.
#include "solver/solver_test_util.h"

using namespace lightpath;
using namespace lightpath::solver;
using namespace lightpath::testing;

namespace {

struct Fixture {
  Fabric fabric = shipped("tiny.yaml");
  std::vector<Circuit> circuits;
  Fixture() {
    const Solver s(fabric);
    AllocationState st(fabric);
    admit(s, st, pairwise("a", {{"rack1", "rack2"}}, 400));
    admit(s, st, pairwise("b", {{"rack3", "rack4"}}, 400));
    circuits = all_circuits(st);
  }
  bool flags(const std::string& kind) const {
    for (const auto& v : check_allocation(fabric, circuits))
      if (v.kind == kind) return true;
    return false;
  }
};

}  // namespace

TEST_CASE("a valid allocation has no violations") {
  Fixture x;
  CHECK(check_allocation(x.fabric, x.circuits).empty());
}

TEST_CASE("checker: a path that does not follow the fibers") {
  Fixture x;
  x.circuits[0].hops[0].in_port = 9;
  CHECK(x.flags("path"));
}

TEST_CASE("checker: a path ending at the wrong port") {
  Fixture x;
  x.circuits[0].b = x.circuits[1].b;
  CHECK(x.flags("path"));
}

TEST_CASE("checker: an OCS port in two cross-connects") {
  Fixture x;
  // Circuit b now leaves through the port circuit a uses.
  Circuit c = x.circuits[1];
  c.id = CircuitId(99);
  c.hops[0].out_port = x.circuits[0].hops[0].out_port;
  c.b = x.circuits[0].b;
  c.wavelengths = {6};
  x.circuits.push_back(c);
  CHECK(x.flags("port-conflict"));
}

TEST_CASE("checker: a wavelength twice on one fiber") {
  Fixture x;
  Circuit c = x.circuits[0];
  c.id = CircuitId(99);
  c.wavelengths = {3};  // circuit a holds 0-3
  x.circuits.push_back(c);
  CHECK(x.flags("wavelength-conflict"));
}

TEST_CASE("checker: a channel the transceiver does not have, or listed twice") {
  Fixture x;
  x.circuits[0].wavelengths = {0, 1, 2, 8};
  CHECK(x.flags("wavelength-range"));
  Fixture y;
  y.circuits[0].wavelengths = {0, 1, 1, 2};
  CHECK(y.flags("wavelength-range"));
}

TEST_CASE("checker: too few channels for the bandwidth") {
  Fixture x;
  x.circuits[0].wavelengths = {0, 1};
  CHECK(x.flags("bandwidth"));
}

TEST_CASE("checker: latency bound exceeded") {
  Fixture x;
  x.circuits[0].latency_max = Duration::ns(100);
  CHECK(x.flags("latency"));
}

TEST_CASE("checker: loss budget exceeded") {
  Fixture x;
  x.circuits[0].min_margin = Decibels::db(9);
  CHECK(x.flags("loss"));
}

TEST_CASE("checker: a WSS wavelength switched twice") {
  const Fabric f = fabric_from(header(8) + R"(
endpoints:
  - name: "r{1..3}"
    port_groups: [{name: gpu-nic, ports: 1, transceiver: x}]
optical_switches:
  - {name: w, kind: wss, ports: 3, insertion_loss_db: 3}
fibers:
  - {a: "r{1..3}/gpu-nic/0", b: "w/{0..2}", length_m: 10}
)");
  AllocationState st(f);
  admit(Solver(f), st, pairwise("a", {{"r1", "r3"}}, 100));
  auto circuits = all_circuits(st);
  Circuit c = circuits[0];
  c.id = CircuitId(50);
  c.a = f.endpoint(*f.find_endpoint("r2")).groups[0].port(0);
  c.hops[0].in_port = 1;
  circuits.push_back(c);  // same wavelength 0 into r3's port
  bool wss = false;
  for (const auto& v : check_allocation(f, circuits)) wss |= v.kind == "wss-conflict";
  CHECK(wss);
}
