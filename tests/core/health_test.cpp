// Faults, restoration, reconcile and telemetry intake of the controller core,
// in virtual time on simulated MEMS switches.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/core_world.h"

using namespace lightpath;
using namespace lightpath::core;
using lightpath::testing::kEpoch;
using lightpath::testing::pairwise;
using lightpath::testing::TempDb;
using lightpath::testing::World;
namespace sb = lightpath::southbound;

namespace {

std::vector<sb::CrossConnect> xcs_of(World& w, const std::string& sw) {
  auto got = w.model.find(sw)->cross_connects();
  REQUIRE(got);
  return *got;
}

bool holds(World& w, const std::string& sw, const solver::Hop& h) {
  const auto xs = xcs_of(w, sw);
  return std::count(xs.begin(), xs.end(), sb::CrossConnect::between(h.in_port, h.out_port)) == 1;
}

std::vector<CircuitState> states_of(const std::vector<CircuitEvent>& events, CircuitId id) {
  std::vector<CircuitState> out;
  for (const auto& e : events)
    if (e.circuit.circuit.id == id) out.push_back(e.circuit.state);
  return out;
}

bool has_alarm(World& w, sb::AlarmKind kind, bool active_only) {
  const auto alarms = w.ctl->alarms(!active_only);
  return std::any_of(alarms.begin(), alarms.end(), [&](const AlarmView& a) {
    return a.alarm.kind == kind && (a.active || !active_only);
  });
}

}  // namespace

TEST_CASE(
    "a fiber cut under an ACTIVE circuit restores it on other ports; other circuits are "
    "untouched") {
  TempDb db;
  World w("tiny.yaml", db.path);
  std::vector<CircuitEvent> events;
  w.ctl->watch(0, {}, [&](const CircuitEvent& e) { events.push_back(e); });
  const auto a = w.request(pairwise("job1", {{"rack1", "rack2"}, {"rack3", "rack4"}}, 400));
  w.settle();
  const auto cut = a.circuits[0].circuit;
  const auto bystander = a.circuits[1].circuit;
  REQUIRE(w.state_of(cut.id) == CircuitState::kActive);
  const std::size_t bystander_events = states_of(events, bystander.id).size();

  const int port = cut.hops[0].in_port;
  REQUIRE(w.model.find("ocs1")->inject(sim::FaultKind::kFiberCut, port));
  w.settle();

  auto now = w.ctl->get(cut.id);
  REQUIRE(now);
  CHECK(now->state == CircuitState::kActive);
  CHECK(now->reason.find("restored on another path") != std::string::npos);
  CHECK(now->circuit.hops[0].in_port != port);
  CHECK(now->circuit.hops[0].out_port != port);
  CHECK(holds(w, "ocs1", now->circuit.hops[0]));
  CHECK_FALSE(holds(w, "ocs1", cut.hops[0]));  // the dark cross-connect is taken down
  CHECK(states_of(events, cut.id) ==
        std::vector<CircuitState>{CircuitState::kPending, CircuitState::kProgramming,
                                  CircuitState::kActive, CircuitState::kFailed,
                                  CircuitState::kRestoring, CircuitState::kActive});
  // The other circuit saw nothing and its cross-connect never moved.
  CHECK(states_of(events, bystander.id).size() == bystander_events);
  CHECK(holds(w, "ocs1", bystander.hops[0]));

  const auto k = w.ctl->counters();
  CHECK(k.restorations.at("restored") == 1);
  CHECK(k.time_to_restore.count == 1);
  CHECK(k.time_to_restore.sum_seconds > 0);
  auto ports = w.ctl->ports("ocs1");
  REQUIRE(ports);
  CHECK_FALSE((*ports)[static_cast<std::size_t>(port)].in_service);
  CHECK(has_alarm(w, sb::AlarmKind::kLossOfLightIn, true));

  // Repaired: the port is offered again.
  REQUIRE(w.model.find("ocs1")->recover(sim::FaultKind::kFiberCut, port));
  w.settle();
  ports = w.ctl->ports("ocs1");
  CHECK((*ports)[static_cast<std::size_t>(port)].in_service);
  CHECK_FALSE(has_alarm(w, sb::AlarmKind::kLossOfLightIn, true));
}

TEST_CASE("without spare capacity a circuit that lost light is FAILED with the reason") {
  TempDb db;
  World w("tiny.yaml", db.path);
  // Four full-fiber circuits take every port of rack1.
  std::vector<CircuitId> ids;
  for (int i = 0; i < 4; ++i) {
    const auto a = w.request(pairwise("full" + std::to_string(i), {{"rack1", "rack2"}}, 800));
    REQUIRE(a.record.accepted);
    ids.push_back(a.circuits[0].circuit.id);
  }
  w.settle();
  const auto first = w.ctl->get(ids[0]);
  REQUIRE(first);
  REQUIRE(w.model.find("ocs1")->inject(sim::FaultKind::kFiberCut, first->circuit.hops[0].in_port));
  w.settle();
  const auto now = w.ctl->get(ids[0]);
  REQUIRE(now);
  CHECK(now->state == CircuitState::kFailed);
  CHECK(now->reason.find("lost light") != std::string::npos);
  CHECK(now->reason.find("not restored: INSUFFICIENT_PORTS") != std::string::npos);
  for (std::size_t i = 1; i < ids.size(); ++i) CHECK(w.state_of(ids[i]) == CircuitState::kActive);
  CHECK(w.ctl->counters().restorations.at("unrestorable") == 1);
}

TEST_CASE("a request that asks for no restoration is only failed") {
  TempDb db;
  World w("tiny.yaml", db.path);
  auto r = pairwise("norestore", {{"rack1", "rack2"}}, 400);
  r.restore = false;
  const auto a = w.request(r);
  w.settle();
  const auto c = a.circuits[0].circuit;
  REQUIRE(w.model.find("ocs1")->inject(sim::FaultKind::kFiberCut, c.hops[0].out_port));
  w.settle();
  CHECK(w.state_of(c.id) == CircuitState::kFailed);
  CHECK(w.ctl->counters().restorations.at("not_restorable") == 1);
  // Its ports are free for others (except the cut one).
  const auto b = w.request(pairwise("next", {{"rack1", "rack2"}}, 400));
  CHECK(b.record.accepted);
}

TEST_CASE(
    "a switch going down moves its circuits to other switches; back up, its stale cross-connects "
    "go") {
  TempDb db;
  World w("jupiter-spinefree.yaml", db.path);
  const auto a = w.request(pairwise("dcn", {{"agg00", "agg01"}}, 100, "dcni"));
  REQUIRE(a.record.accepted);
  w.settle();
  const auto before = a.circuits[0].circuit;
  const std::string down = w.fabric.optical_switch(before.hops[0].optical_switch).name;
  REQUIRE(w.model.find(down)->inject(sim::FaultKind::kSwitchDown, -1));
  w.settle(Duration::s(1));
  const auto now = w.ctl->get(before.id);
  REQUIRE(now);
  CHECK(now->state == CircuitState::kActive);
  const std::string moved_to = w.fabric.optical_switch(now->circuit.hops[0].optical_switch).name;
  CHECK(moved_to != down);
  CHECK(holds(w, moved_to, now->circuit.hops[0]));
  CHECK(has_alarm(w, sb::AlarmKind::kDeviceDown, true));

  REQUIRE(w.model.find(down)->recover(sim::FaultKind::kSwitchDown, -1));
  w.settle(Duration::s(3));  // past the programmer's retry delay
  CHECK(xcs_of(w, down).empty());
  CHECK(w.state_of(before.id) == CircuitState::kActive);
}

TEST_CASE(
    "a cross-connect changed behind the controller's back is repaired within one reconcile "
    "period") {
  TempDb db;
  ControllerOptions o;
  o.reconcile_interval = Duration::s(1);
  World w("tiny.yaml", db.path, TimePoint::from_ns(kEpoch), o);
  const auto a = w.request(pairwise("drift", {{"rack1", "rack2"}}, 400));
  w.settle();
  const auto hop = a.circuits[0].circuit.hops[0];
  REQUIRE(holds(w, "ocs1", hop));
  // Someone at the switch takes the circuit down and joins two idle ports.
  const auto gone = sb::CrossConnect::between(hop.in_port, hop.out_port);
  const auto stray = sb::CrossConnect::between(14, 15);
  bool applied = false;
  w.drivers[0]->apply(sb::Batch{{gone}, {stray}},
                      [&](Result<sb::ApplyReport> r) { applied = r.has_value(); });
  w.settle();
  REQUIRE(applied);
  REQUIRE_FALSE(holds(w, "ocs1", hop));

  w.settle(Duration::ms(1200));
  CHECK(holds(w, "ocs1", hop));
  const auto xs = xcs_of(w, "ocs1");
  CHECK(std::count(xs.begin(), xs.end(), stray) == 0);
  CHECK(w.state_of(a.circuits[0].circuit.id) == CircuitState::kActive);
  const auto k = w.ctl->counters();
  CHECK(k.drift.at("missing") == 1);
  CHECK(k.drift.at("unexpected") == 1);
  CHECK(k.reconcile_reads >= 2);
  CHECK(has_alarm(w, sb::AlarmKind::kDrift, false));
  // The next pass finds the switch as wanted and clears the alarm.
  w.settle(Duration::s(1));
  CHECK_FALSE(has_alarm(w, sb::AlarmKind::kDrift, true));
}

TEST_CASE("telemetry: recent samples per connected port, and threshold alarms that clear") {
  TempDb db;
  ControllerOptions o;
  o.telemetry_history = 3;
  o.low_power = PowerDbm::dbm(30.0);  // above any real reading: every connected port alarms
  sim::MemsOptions mems = World::quiet();
  mems.telemetry_interval = Duration::ms(100);
  World w("tiny.yaml", db.path, TimePoint::from_ns(kEpoch), o, mems);
  const auto a = w.request(pairwise("tel", {{"rack1", "rack2"}}, 400));
  w.settle(Duration::s(1));
  const auto hop = a.circuits[0].circuit.hops[0];
  auto samples = w.ctl->port_telemetry("ocs1", hop.in_port);
  REQUIRE(samples);
  CHECK(samples->size() == 3);
  CHECK(samples->front().at < samples->back().at);
  CHECK(samples->back().reading.port == hop.in_port);
  auto idle = w.ctl->port_telemetry("ocs1", 15);
  REQUIRE(idle);
  CHECK(idle->empty());
  CHECK(has_alarm(w, sb::AlarmKind::kLowPower, true));
  CHECK_FALSE(has_alarm(w, sb::AlarmKind::kHighBer, true));

  CHECK(w.ctl->port_telemetry("ocs1", 16).error().code == ErrorCode::kNotFound);
  CHECK(w.ctl->port_telemetry("nope", 0).error().code == ErrorCode::kNotFound);

  std::optional<ApiResult<std::vector<CircuitId>>> released;
  w.ctl->release({"", "tel", {}}, [&](auto r) { released = std::move(r); });
  w.settle(Duration::s(1));
  REQUIRE(released);
  CHECK_FALSE(has_alarm(w, sb::AlarmKind::kLowPower, true));
}

TEST_CASE("a dark port (light in, none out) is a loss of light too: restored elsewhere") {
  TempDb db;
  World w("tiny.yaml", db.path);
  const auto a = w.request(pairwise("dark", {{"rack1", "rack2"}}, 400));
  w.settle();
  const auto before = a.circuits[0].circuit;
  const int port = before.hops[0].out_port;
  REQUIRE(w.model.find("ocs1")->inject(sim::FaultKind::kDarkPort, port));
  w.settle();
  const auto now = w.ctl->get(before.id);
  REQUIRE(now);
  CHECK(now->state == CircuitState::kActive);
  CHECK(now->circuit.hops[0].out_port != port);
  // Raised, then cleared once the dark cross-connect was taken down.
  CHECK(has_alarm(w, sb::AlarmKind::kLossOfLightOut, false));
  CHECK(w.ctl->counters().restorations.at("restored") == 1);
}
