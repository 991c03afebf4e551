// Circuits that go away while flows use them: the flows move to what is
// left (another circuit or the packet fabric) with the bytes they still owe,
// and a flow with nowhere to go waits on its dead circuit.

#include <doctest/doctest.h>

#include "netmodel_test_util.h"
#include "simulator/netmodel/fluid_model.h"

using namespace lightpath;
using namespace lightpath::netmodel;
using namespace lightpath::netmodel::testing;

namespace {

// Two racks on one leaf at 100 Gb/s (12.5 bytes/ns), 1 µs per link.
Fabric two_racks() {
  return load_fabric(std::string("lightpath_topology: 1\nname: t\n") + kTransceivers +
                     "endpoints:\n  - name: \"rack{1..2}\"\n    " + kNic +
                     "\npacket:\n  switches:\n    - {name: leaf1, role: leaf}\n"
                     "  links:\n    - {a: \"rack{1..2}\", b: leaf1, capacity_gbps: 100}\n");
}

}  // namespace

TEST_CASE("a flow whose circuit is removed finishes its bytes on the packet fabric") {
  const Fabric fabric = two_racks();
  Network net(fabric);
  // 400 Gb/s = 50 bytes/ns.
  const auto c = net.add_circuit(Circuit{EndpointId(0), EndpointId(1),
                                         DataRate::bps(400'000'000'000), TimePoint(), Duration()});
  sim::EventEngine engine(sim::Rng(1));
  FluidModel model(engine, net);
  std::int64_t done_at = -1;
  REQUIRE(model.start(EndpointId(0), EndpointId(1), Bytes(100'000),
                      [&] { done_at = engine.now().since_epoch_ns(); }));
  // After 1,000 ns, 50,000 bytes are through; the other 50,000 go at 12.5
  // bytes/ns, and the last byte then crosses two 1 µs links.
  engine.schedule_at(TimePoint::from_ns(1'000), [&] {
    net.remove_circuit(c);
    model.reroute();
  });
  engine.run();
  CHECK_FALSE(net.circuit_up(c));
  CHECK(done_at == 1'000 + 4'000 + 2'000);
}

TEST_CASE("with no other route a flow waits on its dead circuit") {
  const Fabric fabric = endpoints_only(2);
  Network net(fabric);
  const auto c = net.add_circuit(Circuit{EndpointId(0), EndpointId(1),
                                         DataRate::bps(400'000'000'000), TimePoint(), Duration()});
  sim::EventEngine engine(sim::Rng(1));
  FluidModel model(engine, net);
  bool done = false;
  REQUIRE(model.start(EndpointId(0), EndpointId(1), Bytes(100'000), [&] { done = true; }));
  engine.schedule_at(TimePoint::from_ns(1'000), [&] {
    net.remove_circuit(c);
    model.reroute();
  });
  engine.run();
  CHECK_FALSE(done);
  CHECK(model.active_flows() == 1);
  CHECK_FALSE(model.can_route(EndpointId(0), EndpointId(1)));
}

TEST_CASE("a flow paying its latency several times arrives that much later") {
  const Fabric fabric = endpoints_only(2);
  Network net(fabric);
  net.add_circuit(Circuit{EndpointId(0), EndpointId(1), DataRate::bps(400'000'000'000), TimePoint(),
                          Duration::ns(500)});
  sim::EventEngine engine(sim::Rng(1));
  FluidModel model(engine, net);
  std::int64_t done_at = -1;
  REQUIRE(model.start(
      EndpointId(0), EndpointId(1), Bytes(50'000), [&] { done_at = engine.now().since_epoch_ns(); },
      6));
  engine.run();
  CHECK(done_at == 1'000 + 6 * 500);
}

TEST_CASE("live circuits on a pair form one pipe: a flow gets their summed rate") {
  const Fabric fabric = endpoints_only(2);
  Network net(fabric);
  sim::EventEngine engine(sim::Rng(1));
  FluidModel model(engine, net);
  const DataRate r = DataRate::bps(400'000'000'000);  // 50 bytes/ns each
  const auto first = net.add_live_circuit(EndpointId(0), EndpointId(1), r, Duration());
  std::int64_t done_at = -1;
  REQUIRE(model.start(EndpointId(0), EndpointId(1), Bytes(300'000),
                      [&] { done_at = engine.now().since_epoch_ns(); }));
  // 1,000 ns at 50 bytes/ns, then a second circuit joins: 100 bytes/ns for
  // the remaining 250,000 bytes (2,500 ns); then one leaves again at 2,000.
  std::size_t second = 0;
  engine.schedule_at(TimePoint::from_ns(1'000), [&] {
    second = net.add_live_circuit(EndpointId(1), EndpointId(0), r, Duration());
    model.reroute();
  });
  engine.schedule_at(TimePoint::from_ns(2'000), [&] {
    net.remove_circuit(first);
    model.reroute();
  });
  engine.run();
  // 50,000 + 100,000 by 2,000 ns; the last 150,000 at 50 bytes/ns: 3,000 ns more.
  CHECK(done_at == 5'000);
  CHECK_FALSE(net.circuit_up(first));
  CHECK(net.circuit_up(second));
  // The pipe survives its first member: the flow never left it.
  CHECK(net.links()[net.links().size() - 1].dead == false);
}
