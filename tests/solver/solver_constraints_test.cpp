// Each physical constraint of port and wavelength assignment, and the
// rejection reason when it cannot be met.
#include <fmt/format.h>

#include "solver/solver_test_util.h"

using namespace lightpath;
using namespace lightpath::solver;
using namespace lightpath::testing;

TEST_CASE(
    "a pairwise request on the tiny fabric gets valid circuits, and solving changes nothing") {
  const Fabric f = shipped("tiny.yaml");
  const Solver s(f);
  AllocationState st(f);
  const auto d = s.solve(st, pairwise("r", {{"rack1", "rack2"}, {"rack3", "rack4"}}, 800));
  REQUIRE(d.accepted);
  CHECK(st.circuits().empty());  // solve does not touch the state
  CHECK(d.circuits.size() == 2);
  CHECK(d.new_cross_connects == 2);
  REQUIRE(apply(st, d));
  CHECK(st.circuits().size() == 2);
  CHECK(st.cross_connects().size() == 2);
  check_valid(st);
  const Circuit& c = st.circuits().begin()->second;
  CHECK(f.endpoint(f.port(c.a).endpoint).name == "rack1");
  CHECK(f.endpoint(f.port(c.b).endpoint).name == "rack2");
  CHECK(c.wavelengths.size() == 8);
}

TEST_CASE("an OCS port joins at most one cross-connect: ports run out with INSUFFICIENT_PORTS") {
  const Fabric f = shipped("tiny.yaml");
  const Solver s(f);
  AllocationState st(f);
  for (int i = 0; i < 4; ++i)
    admit(s, st, pairwise("full" + std::to_string(i), {{"rack1", "rack2"}}, 800));
  check_valid(st);
  const auto d = s.solve(st, pairwise("one-more", {{"rack1", "rack3"}}, 100));
  REQUIRE_FALSE(d.accepted);
  CHECK(d.rejection->reason == "INSUFFICIENT_PORTS");
  CHECK(d.rejection->message == "rack1/gpu-nic has no free port (all 4 cabled ports in use)");
}

TEST_CASE("bandwidth sets the channel count: 250G on 100G channels takes 3 wavelengths") {
  const Fabric f = shipped("tiny.yaml");
  const Solver s(f);
  AllocationState st(f);
  const auto d = admit(s, st, pairwise("r", {{"rack1", "rack2"}}, 250));
  CHECK(d.circuits[0].wavelengths == std::vector<int>{0, 1, 2});
}

TEST_CASE("free channels on an existing fiber path are reused (grooming), each wavelength once") {
  const Fabric f = shipped("tiny.yaml");
  const Solver s(f);
  AllocationState st(f);
  const auto first = admit(s, st, pairwise("a", {{"rack1", "rack2"}}, 300));
  const auto second = admit(s, st, pairwise("b", {{"rack1", "rack2"}}, 500));
  CHECK(second.new_cross_connects == 0);
  CHECK(second.circuits[0].hops == first.circuits[0].hops);
  CHECK(second.circuits[0].wavelengths == std::vector<int>{3, 4, 5, 6, 7});
  // The fiber is now full: the next one needs a new cross-connect.
  const auto third = admit(s, st, pairwise("c", {{"rack1", "rack2"}}, 100));
  CHECK(third.new_cross_connects == 1);
  CHECK(st.cross_connects().size() == 2);
  check_valid(st);
}

TEST_CASE("a MEMS switch moves whole fibers: spare channels cannot go to a third endpoint") {
  const Fabric f = shipped("tiny.yaml");
  const Solver s(f);
  AllocationState st(f);
  const auto first = admit(s, st, pairwise("a", {{"rack1", "rack2"}}, 100));
  const auto other = admit(s, st, pairwise("b", {{"rack1", "rack3"}}, 100));
  CHECK(other.circuits[0].a != first.circuits[0].a);
  CHECK(other.new_cross_connects == 1);
  check_valid(st);
}

namespace {
// Three racks straight on a WSS: one fiber's channels can reach different racks.
std::string wss_fabric() {
  return header(8) + R"(
endpoints:
  - name: "r{1..3}"
    port_groups: [{name: gpu-nic, ports: 1, transceiver: x}]
optical_switches:
  - {name: w, kind: wss, ports: 3, insertion_loss_db: 3}
fibers:
  - {a: "r{1..3}/gpu-nic/0", b: "w/{0..2}", length_m: 10}
)";
}
}  // namespace

TEST_CASE("a WSS switches single wavelengths; a wavelength is used once per fiber") {
  const Fabric f = fabric_from(wss_fabric());
  const Solver s(f);
  AllocationState st(f);
  const auto a = admit(s, st, pairwise("a", {{"r1", "r3"}}, 400));
  const auto b = admit(s, st, pairwise("b", {{"r2", "r3"}}, 400));
  // Both arrive on r3's one fiber, so they must take different channels.
  CHECK(a.circuits[0].wavelengths == std::vector<int>{0, 1, 2, 3});
  CHECK(b.circuits[0].wavelengths == std::vector<int>{4, 5, 6, 7});
  check_valid(st);
  const auto c = s.solve(st, pairwise("c", {{"r1", "r3"}}, 100));
  REQUIRE_FALSE(c.accepted);
  CHECK(c.rejection->reason == "NO_COMMON_WAVELENGTH");
  CHECK(c.rejection->message.find("r1/gpu-nic to r3/gpu-nic") != std::string::npos);
  // r1 has channels 4-7 free and r2 has 0-3: four free on each fiber, but
  // none in common, and without converters that is no path.
  const auto d = s.solve(st, pairwise("d", {{"r1", "r2"}}, 100));
  REQUIRE_FALSE(d.accepted);
  CHECK(d.rejection->reason == "NO_COMMON_WAVELENGTH");
  CHECK(d.rejection->message.find("the best has 0") != std::string::npos);
}

TEST_CASE("wavelength continuity across two stages and a WSS") {
  const Fabric f = shipped("two-stage-wss.yaml");
  const Solver s(f);
  AllocationState st(f);
  const auto d = admit(s, st, pairwise("x", {{"rack1", "rack5"}}, 1600, "optics"));
  REQUIRE(d.circuits[0].hops.size() == 3);
  CHECK(f.optical_switch(d.circuits[0].hops[1].optical_switch).kind == SwitchKind::kWss);
  // Three racks fan in to rack2 through the WSS on disjoint channels.
  solver::CircuitRequest fan;
  fan.request_id = "fan";
  fan.bandwidth_per_flow = DataRate::gbps(800);
  fan.pattern = Pattern::kAllToAll;
  fan.sources = {{"rack6", "optics"}, {"rack7", "optics"}, {"rack8", "optics"}};
  fan.destinations = {{"rack2", "optics"}};
  const auto fd = admit(s, st, fan);
  REQUIRE(fd.circuits.size() == 3);
  CHECK(fd.circuits[0].b == fd.circuits[1].b);
  check_valid(st);
}

TEST_CASE("transceivers on different channel plans have no common wavelength") {
  const Fabric f = fabric_from(header(8) + R"(
  - {name: d, grid: dwdm-100ghz, wavelengths: 8, channel_rate_gbps: 100, launch_power_dbm: 2, rx_sensitivity_dbm: -8}
endpoints:
  - {name: r1, port_groups: [{name: gpu-nic, ports: 1, transceiver: x}]}
  - {name: r2, port_groups: [{name: gpu-nic, ports: 1, transceiver: d}]}
optical_switches: [{name: o, ports: 2}]
fibers: [{a: "r{1..2}/gpu-nic/0", b: "o/{0..1}", length_m: 5}]
)");
  const auto d = Solver(f).solve(AllocationState(f), pairwise("r", {{"r1", "r2"}}, 100));
  REQUIRE_FALSE(d.accepted);
  CHECK(d.rejection->reason == "NO_COMMON_WAVELENGTH");
  CHECK(d.rejection->message.find("share no channel plan") != std::string::npos);
}

namespace {
std::string long_haul(double length_m, double switch_loss_db) {
  return header(8) + R"(
endpoints:
  - name: "r{1..2}"
    port_groups: [{name: gpu-nic, ports: 1, transceiver: x}]
optical_switches:
  - {name: o, ports: 2, insertion_loss_db: )" +
         std::to_string(switch_loss_db) + R"(}
fibers:
  - {a: "r{1..2}/gpu-nic/0", b: "o/{0..1}", length_m: )" +
         std::to_string(length_m) + "}\n";
}
}  // namespace

TEST_CASE("path delay must meet the latency bound") {
  // Two 1 km fibers: 9.8 us of propagation.
  const Fabric f = fabric_from(long_haul(1000, 1.0));
  const Solver s(f);
  auto r = pairwise("r", {{"r1", "r2"}}, 100);
  r.latency_max = Duration::us(5);
  const auto d = s.solve(AllocationState(f), r);
  REQUIRE_FALSE(d.accepted);
  CHECK(d.rejection->reason == "LATENCY_UNSATISFIABLE");
  CHECK(d.rejection->message ==
        "the quickest path from r1/gpu-nic to r2/gpu-nic takes 9.80 us, over the 5.00 us bound");
  r.latency_max = Duration::us(10);
  CHECK(s.solve(AllocationState(f), r).accepted);
}

TEST_CASE("the loss budget must hold with the margin") {
  // Budget 10 dB; fibers 2 x 1 dB (connectors) + switch 6 dB = 8 dB.
  const Fabric f = fabric_from(long_haul(1, 6.0));
  const Solver s(f);
  auto r = pairwise("r", {{"r1", "r2"}}, 100);
  const auto d = s.solve(AllocationState(f), r);  // default 3 dB margin
  REQUIRE_FALSE(d.accepted);
  CHECK(d.rejection->reason == "LOSS_BUDGET");
  CHECK(d.rejection->message.find("loses 8.0 dB; the budget is 10.0 dB less a 3.0 dB margin") !=
        std::string::npos);
  r.min_margin = Decibels::db(1.5);
  CHECK(s.solve(AllocationState(f), r).accepted);
}

TEST_CASE("paths through two MEMS stages are found when no single switch joins the racks") {
  const Fabric f = fabric_from(header(8) + R"(
endpoints:
  - name: "r{1..2}"
    port_groups: [{name: gpu-nic, ports: 1, transceiver: x}]
optical_switches:
  - {name: "o{1..2}", ports: 4}
fibers:
  - {a: r1/gpu-nic/0, b: o1/0, length_m: 5}
  - {a: r2/gpu-nic/0, b: o2/0, length_m: 5}
  - {a: o1/1, b: o2/1, length_m: 5}
)");
  const Solver s(f);
  AllocationState st(f);
  const auto d = admit(s, st, pairwise("r", {{"r1", "r2"}}, 100));
  CHECK(d.circuits[0].hops.size() == 2);
  CHECK(d.new_cross_connects == 2);
  check_valid(st);
  SolverOptions one_hop;
  one_hop.max_switch_hops = 1;
  const auto limited =
      Solver(f, one_hop).solve(AllocationState(f), pairwise("r", {{"r1", "r2"}}, 100));
  CHECK(limited.rejection->reason == "INSUFFICIENT_PORTS");
}

TEST_CASE("a rejected request uses up no circuit ids; the last id is refused, not reused") {
  const Fabric f = shipped("tiny.yaml");
  const Solver s(f);
  AllocationState st(f);
  for (int i = 0; i < 3; ++i)
    admit(s, st, pairwise(std::string("full") + char('0' + i), {{"rack1", "rack2"}}, 800));
  const CircuitId next = st.next_id();
  // The first pair fits on rack1's last port and is tried; the second has none.
  for (int retry = 0; retry < 5; ++retry) {
    const auto d =
        s.solve_in_place(st, pairwise("two", {{"rack1", "rack3"}, {"rack1", "rack4"}}, 800));
    REQUIRE_FALSE(d.accepted);
    CHECK(d.rejection->reason == "INSUFFICIENT_PORTS");
    for (const auto& flow : d.flows) CHECK_FALSE(flow.circuit.has_value());
    CHECK(st.next_id() == next);
  }
  const auto d = admit(s, st, pairwise("one", {{"rack1", "rack3"}}, 800));
  CHECK(d.circuits[0].id == next);
  check_valid(st);

  AllocationState last(f);
  last.reserve_ids_below(CircuitId(CircuitId::kInvalid - 1));
  const auto fits = s.solve(last, pairwise("a", {{"rack1", "rack2"}}, 100));
  REQUIRE(fits.accepted);
  REQUIRE(apply(last, fits));
  CHECK(fits.circuits[0].id == CircuitId(CircuitId::kInvalid - 1));
  const auto none = s.solve(last, pairwise("b", {{"rack3", "rack4"}}, 100));
  CHECK_FALSE(none.accepted);
  CHECK(last.circuits().size() == 1);
  check_valid(last);
}

namespace {
// r01..r16, each with one port on every switch o01..o15: an all-to-all among
// n racks needs n - 1 of a rack's 15 ports, each pair on a switch of its own.
Fabric one_port_per_switch(int switches) {
  return fabric_from(header() + R"(
endpoints:
  - name: "r{01..16}"
    port_groups: [{name: nic, ports: )" +
                     std::to_string(switches) + R"(, transceiver: x}]
optical_switches:
  - {name: "o{01..)" +
                     std::to_string(switches) + R"(}", ports: 16}
wiring:
  - {endpoints: "r{01..16}", port_group: nic, switches: "o{01..)" +
                     std::to_string(switches) + R"(}", length_m: 10}
)");
}

CircuitRequest all_to_all(const std::string& id, int first, int last) {
  CircuitRequest r;
  r.request_id = id;
  r.bandwidth_per_flow = DataRate::gbps(100);
  r.pattern = Pattern::kAllToAll;
  for (int i = first; i <= last; ++i) r.sources.push_back({fmt::format("r{:02}", i), "nic"});
  return r;
}
}  // namespace

TEST_CASE("an all-to-all that pair-by-pair placement strands is placed round by round") {
  const Fabric f = one_port_per_switch(15);
  const Solver s(f);
  // 12 and 15 racks were refused before (INSUFFICIENT_PORTS): the least-loaded
  // switch for each pair left racks with free ports on no common switch.
  for (int n : {12, 15, 16, 9}) {
    INFO(n, " racks");
    AllocationState st(f);
    const auto r = all_to_all("a2a", 1, n);
    const auto d = s.solve(st, r);
    REQUIRE(d.accepted);
    CHECK(d.circuits.size() == static_cast<std::size_t>(n * (n - 1) / 2));
    // Flows are reported in the request's own order, each with its circuit.
    const auto flows = expand_flows(r);
    REQUIRE(d.flows.size() == flows.size());
    for (std::size_t i = 0; i < flows.size(); ++i) {
      CHECK(d.flows[i].flow.a == flows[i].a);
      CHECK(d.flows[i].flow.b == flows[i].b);
      CHECK(d.flows[i].circuit.has_value());
    }
    REQUIRE(apply(st, d));
    check_valid(st);
    CHECK(st.next_id() == CircuitId(static_cast<std::uint32_t>(d.circuits.size() + 1)));
  }
  SUBCASE("sources to destinations, beside circuits already there") {
    AllocationState st(f);
    admit(s, st, all_to_all("first", 1, 4));
    CircuitRequest r = all_to_all("second", 5, 10);
    for (int i = 11; i <= 16; ++i) r.destinations.push_back({fmt::format("r{:02}", i), "nic"});
    admit(s, st, r);
    check_valid(st);
  }
}

TEST_CASE("an all-to-all that cannot fit is still refused, with nothing taken") {
  const Fabric f = one_port_per_switch(13);  // 16 racks need 15 ports each
  const Solver s(f);
  AllocationState st(f);
  admit(s, st, pairwise("before", {{"r01", "r02"}}, 100, "nic"));
  const CircuitId next = st.next_id();
  const auto d = s.solve_in_place(st, all_to_all("too-big", 1, 16));
  REQUIRE_FALSE(d.accepted);
  CHECK(d.rejection->reason == "INSUFFICIENT_PORTS");
  CHECK(st.circuits().size() == 1);
  CHECK(st.next_id() == next);
  check_valid(st);
}
