#include <doctest/doctest.h>

#include "controller/topology/fabric_report.h"
#include "topology_test_util.h"

using namespace lightpath;
using lightpath::testing::all_errors;
using lightpath::testing::kBaseTransceivers;
using lightpath::testing::load;

namespace {

const std::string kSmall = kBaseTransceivers + R"(
fiber_defaults: {attenuation_db_per_km: 0.4, connector_loss_db: 0.25}
endpoints:
  - name: "r{1..2}"
    port_groups:
      - {name: nic, ports: 2, transceiver: x8}
      - {name: spare, ports: 1, transceiver: x8}
optical_switches:
  - {name: s1, kind: mems, ports: 8, insertion_loss_db: 1.5, switching: {min_ms: 5, max_ms: 15, settle_ms: 2}}
  - {name: s2, kind: wss, ports: 4}
fibers:
  - {a: "r{1..2}/nic/{0..1}", b: "s1/{0..3}", length_m: 1000}
  - {a: "s1/7", b: "s2/0", length_m: 10, loss_db: 0.1}
packet:
  switches:
    - {name: leaf, role: leaf}
  links:
    - {a: "r{1..2}", b: leaf, capacity_gbps: 100, latency_us: 2}
)";

}  // namespace

TEST_CASE("a small fabric loads into the model") {
  auto r = load(kSmall);
  REQUIRE_MESSAGE(r, all_errors(r));
  const Fabric& f = *r;
  CHECK(f.name == "t");
  REQUIRE(f.endpoints.size() == 2);
  CHECK(f.endpoint_ports.size() == 6);
  CHECK(f.endpoints[1].groups[1].name == "spare");
  CHECK(f.optical_switches.size() == 2);
  CHECK(f.optical_switches[1].kind == SwitchKind::kWss);
  CHECK(f.optical_switches[0].switching.max == Duration::ms(15));
  CHECK(f.fibers.size() == 5);
  CHECK(f.packet_switches.size() == 1);
  CHECK(f.packet_links.size() == 2);
  CHECK(f.packet_links[0].latency == Duration::us(2));

  SUBCASE("ports are cabled both ways and named the way operators write them") {
    const auto ep = *f.find_endpoint("r2");
    const PortGroup* nic = f.endpoint(ep).find_group("nic");
    REQUIRE(nic != nullptr);
    const auto pid = nic->port(1);
    CHECK(f.port_name(pid) == "r2/nic/1");
    const Fiber& fiber = f.fiber(f.port(pid).fiber);
    CHECK(fiber.b.optical_switch == *f.find_optical_switch("s1"));
    CHECK(fiber.b.port == 3);
    CHECK(f.optical_switch(fiber.b.optical_switch).port_fiber[3] == f.port(pid).fiber);
    // 1 km at 0.4 dB/km plus two 0.25 dB connectors.
    CHECK(fiber.loss.value() == doctest::Approx(0.9));
    CHECK(fiber.delay() == Duration::ns(4900));
    CHECK(f.port(nic->port(0)).fiber.valid());
    CHECK_FALSE(f.port(f.endpoint(ep).find_group("spare")->port(0)).fiber.valid());
  }

  SUBCASE("explicit fiber loss overrides the defaults") {
    CHECK(f.fibers[4].loss.value() == doctest::Approx(0.1));
  }

  SUBCASE("the hybrid graph has every node and every fiber and link") {
    const auto& g = f.graph();
    CHECK(boost::num_vertices(g) == 2 + 2 + 1);
    CHECK(boost::num_edges(g) == 5 + 2);
    const auto s1 = f.vertex({NodeKind::kOpticalSwitch, f.find_optical_switch("s1")->value()});
    CHECK(g[s1].node.kind == NodeKind::kOpticalSwitch);
    CHECK(boost::out_degree(s1, g) == 5);
    const auto leaf = f.vertex({NodeKind::kPacketSwitch, f.find_packet_switch("leaf")->value()});
    CHECK(boost::out_degree(leaf, g) == 2);
    CHECK(f.node_name(g[leaf].node) == "leaf");
  }

  SUBCASE("lookups by name") {
    CHECK_FALSE(f.find_endpoint("r3"));
    CHECK(f.find_transceiver("x8"));
    CHECK_FALSE(f.find_optical_switch("r1"));
  }

  SUBCASE("summary counts") {
    const auto s = f.summary();
    CHECK(s.cabled_endpoint_ports == 4);
    CHECK(s.wavelength_channels == 32);
    CHECK(s.optical_capacity.gbps() == doctest::Approx(3200));
    CHECK(s.inter_switch_fibers == 1);
    CHECK(s.mems_switches == 1);
    CHECK(s.wss_switches == 1);
    const auto j = topology::summary_json(f);
    CHECK(j["fibers"] == 5);
    CHECK(topology::summary_text(f).find("fabric t") == 0);
  }
}

TEST_CASE("wiring rules spread a group round-robin over switches, lowest free port first") {
  auto r = load(kBaseTransceivers + R"(
fiber_defaults: {length_m: 20}
endpoints:
  - name: "b{0..3}"
    port_groups: [{name: up, ports: 4, transceiver: x8}]
optical_switches:
  - {name: "o{0..1}", ports: 8}
fibers:
  - {a: "b0/up/0", b: "o0/0"}
wiring:
  - {endpoints: "b{1..3}", port_group: up, switches: "o{0..1}"}
  - {endpoints: b0, port_group: up, switches: "o{0..1}"}
)");
  // b0/up/0 was hand-wired, so the second rule trips over it.
  CHECK(lightpath::testing::has_error(r, 0, "wired twice"));

  auto ok = load(kBaseTransceivers + R"(
fiber_defaults: {length_m: 20}
endpoints:
  - name: "b{0..3}"
    port_groups: [{name: up, ports: 4, transceiver: x8}]
optical_switches:
  - {name: "o{0..1}", ports: 8}
wiring:
  - {endpoints: "b{0..3}", port_group: up, switches: "o{0..1}"}
)");
  REQUIRE_MESSAGE(ok, all_errors(ok));
  CHECK(ok->fibers.size() == 16);
  // b1's ports 0 and 2 go to o0, on o0's ports 2 and 3 (b0 took 0 and 1).
  const auto p = ok->endpoint(*ok->find_endpoint("b1")).groups[0];
  CHECK(ok->fiber(ok->port(p.port(0)).fiber).b.port == 2);
  CHECK(ok->fiber(ok->port(p.port(2)).fiber).b.port == 3);
  CHECK(ok->fiber(ok->port(p.port(1)).fiber).b.optical_switch.value() == 1);
  for (const auto& sw : ok->optical_switches)
    for (const auto& fid : sw.port_fiber) CHECK(fid.valid());
}

TEST_CASE("packet links: zip, broadcast and all pairs") {
  auto r = load(kBaseTransceivers + R"(
endpoints:
  - name: "r{1..4}"
    port_groups: [{name: nic, ports: 1, transceiver: x8}]
packet:
  switches:
    - {name: "l{1..2}", role: leaf}
    - {name: "s{1..3}", role: spine}
  links:
    - {a: "r{1..2}", b: l1, capacity_gbps: 100}
    - {a: "r{3..4}", b: "l{1..2}", capacity_gbps: 100}
    - {a: "l{1..2}", b: "s{1..3}", pairs: all, capacity_gbps: 400}
)");
  REQUIRE_MESSAGE(r, all_errors(r));
  CHECK(r->packet_links.size() == 2 + 2 + 6);
  CHECK(r->summary().packet_capacity.gbps() == doctest::Approx(4 * 100 + 6 * 400));
}
