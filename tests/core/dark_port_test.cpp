// Dark ports: light in, none out. Which end of the cross-connect is dark is
// unknown, and the port looks sound again once its cross-connect is down,
// so restorations keep off both ends first, and the alarmed ports are held
// out of service for ControllerOptions::dark_port_hold.
#include <doctest/doctest.h>

#include "core/core_world.h"

using namespace lightpath;
using namespace lightpath::core;
using lightpath::testing::kEpoch;
using lightpath::testing::pairwise;
using lightpath::testing::TempDb;
using lightpath::testing::World;

namespace {

PortView port_view(World& w, int port) {
  auto ports = w.ctl->ports("ocs1");
  REQUIRE(ports);
  return (*ports)[static_cast<std::size_t>(port)];
}

bool in_service(World& w, int port) {
  return port_view(w, port).in_service;
}

bool uses(const solver::Circuit& c, int port) {
  return c.hops[0].in_port == port || c.hops[0].out_port == port;
}

// `crowded`'s four ports all in use: three full-fiber circuits to rack3 and
// one rack1 -> rack2, whose rack2 end then goes dark; that circuit as it was.
solver::Circuit crowd_then_darken(World& w, const std::string& crowded) {
  for (int i = 0; i < 3; ++i)
    REQUIRE(
        w.request(pairwise("full" + std::to_string(i), {{crowded, "rack3"}}, 800)).record.accepted);
  const auto a = w.request(pairwise("dark", {{"rack1", "rack2"}}, 800));
  REQUIRE(a.record.accepted);
  w.settle();
  const solver::Circuit before = a.circuits[0].circuit;
  REQUIRE(w.model.find("ocs1")->inject(sim::FaultKind::kDarkPort, before.hops[0].out_port));
  return before;
}

ControllerOptions hold(Duration d) {
  ControllerOptions o;
  o.dark_port_hold = d;
  return o;
}

}  // namespace

TEST_CASE("a dark port's ports are held out of service after its alarm clears") {
  TempDb db;
  World w("tiny.yaml", db.path);
  const auto a = w.request(pairwise("dark", {{"rack1", "rack2"}}, 400));
  w.settle();
  const solver::Circuit before = a.circuits[0].circuit;
  const int in = before.hops[0].in_port;
  const int out = before.hops[0].out_port;
  REQUIRE(w.model.find("ocs1")->inject(sim::FaultKind::kDarkPort, out));
  w.settle();
  auto now = w.ctl->get(before.id);
  REQUIRE(now);
  CHECK(now->state == CircuitState::kActive);
  CHECK_FALSE(uses(now->circuit, in));
  CHECK_FALSE(uses(now->circuit, out));
  CHECK(w.ctl->counters().restorations.at("restored") == 1);
  // Every alarm has cleared (the cross-connect is down), yet both ends stay out.
  CHECK(w.ctl->alarms(false).empty());
  CHECK_FALSE(in_service(w, in));
  CHECK_FALSE(in_service(w, out));
  CHECK(port_view(w, in).held);
  CHECK(port_view(w, out).held);
  CHECK_FALSE(port_view(w, out).drained);
  // A new circuit between the same racks keeps off them too.
  const auto b = w.request(pairwise("after", {{"rack1", "rack2"}}, 400));
  REQUIRE(b.record.accepted);
  CHECK_FALSE(uses(b.circuits[0].circuit, in));
  CHECK_FALSE(uses(b.circuits[0].circuit, out));
  // Until the hold ends.
  w.settle(Duration::s(61));
  CHECK(in_service(w, in));
  CHECK(in_service(w, out));
  CHECK_FALSE(port_view(w, out).held);
}

TEST_CASE("a hold outlives a restart and ends when it would have") {
  TempDb db;
  int in = 0, out = 0;
  TimePoint held_at;
  {
    World w("tiny.yaml", db.path);
    const auto a = w.request(pairwise("dark", {{"rack1", "rack2"}}, 400));
    w.settle();
    in = a.circuits[0].circuit.hops[0].in_port;
    out = a.circuits[0].circuit.hops[0].out_port;
    REQUIRE(w.model.find("ocs1")->inject(sim::FaultKind::kDarkPort, out));
    w.settle();
    REQUIRE(port_view(w, out).held);
    held_at = w.engine.now();
    w.settle(Duration::ms(100));  // the hold's lazy commit
  }
  // Restarted 20 s later, on switches that show no fault: the idle dark
  // port has no alarm to show, only the stored hold keeps circuits off it.
  World w("tiny.yaml", db.path, held_at + Duration::s(20));
  CHECK(w.ctl->alarms(false).empty());
  CHECK(port_view(w, in).held);
  CHECK(port_view(w, out).held);
  CHECK_FALSE(in_service(w, out));
  const auto b = w.request(pairwise("after", {{"rack1", "rack2"}}, 400));
  REQUIRE(b.record.accepted);
  CHECK_FALSE(uses(b.circuits[0].circuit, in));
  CHECK_FALSE(uses(b.circuits[0].circuit, out));
  // 60 s after the alarm cleared, as without the restart.
  w.settle(Duration::s(39));
  CHECK(port_view(w, out).held);
  w.settle(Duration::s(2));
  CHECK_FALSE(port_view(w, out).held);
  CHECK(in_service(w, in));
  CHECK(in_service(w, out));
}

TEST_CASE("with no hold, a dark port is back in service at once, but restoration kept off it") {
  TempDb db;
  World w("tiny.yaml", db.path, TimePoint::from_ns(kEpoch), hold(Duration()));
  const auto a = w.request(pairwise("dark", {{"rack1", "rack2"}}, 400));
  w.settle();
  const solver::Circuit before = a.circuits[0].circuit;
  REQUIRE(w.model.find("ocs1")->inject(sim::FaultKind::kDarkPort, before.hops[0].out_port));
  w.settle();
  auto now = w.ctl->get(before.id);
  REQUIRE(now);
  CHECK(now->state == CircuitState::kActive);
  CHECK_FALSE(uses(now->circuit, before.hops[0].in_port));
  CHECK_FALSE(uses(now->circuit, before.hops[0].out_port));
  CHECK(in_service(w, before.hops[0].in_port));
  CHECK(in_service(w, before.hops[0].out_port));
}

TEST_CASE("a circuit with no way but through the dark cross-connect's ports stays FAILED") {
  TempDb db;
  World w("tiny.yaml", db.path);
  // rack2's end dark: rack1's may be sound, but which is which is unknown.
  const solver::Circuit before = crowd_then_darken(w, "rack1");
  w.settle();
  auto now = w.ctl->get(before.id);
  REQUIRE(now);
  CHECK(now->state == CircuitState::kFailed);
  CHECK(now->reason.find("not restored: INSUFFICIENT_PORTS") != std::string::npos);
  CHECK(w.ctl->counters().restorations.at("unrestorable") == 1);
}

TEST_CASE("restoration keeps off the dark cross-connect's other end before its alarm is in") {
  TempDb db;
  World w("tiny.yaml", db.path);
  // The first alarm is rack1's end (no light out of it); rack2's port, the
  // only one rack2 has free, looks sound until its own alarm is in.
  const solver::Circuit before = crowd_then_darken(w, "rack2");
  w.settle(Duration::s(2));
  auto page = w.ctl->events_after(0, {}, 100'000);
  REQUIRE(page);
  int restoring = 0;
  for (const auto& e : page->events)
    if (e.circuit.circuit.id == before.id && e.circuit.state == CircuitState::kRestoring)
      ++restoring;
  // Not restored onto the dark port, to fail again: no other way, so FAILED.
  CHECK(restoring == 0);
  const auto now = w.ctl->get(before.id);
  REQUIRE(now);
  CHECK(now->state == CircuitState::kFailed);
  CHECK(now->reason.find("not restored: INSUFFICIENT_PORTS") != std::string::npos);
}
