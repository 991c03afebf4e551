// Each fault kind raises the right alarm and recovers; fault scripts are
// read, checked and applied at their times; random faults recur.
#include <doctest/doctest.h>

#include "controller/topology/topology_loader.h"
#include "sim_test_util.h"
#include "simulator/fault_injector.h"

using namespace lightpath;
using lightpath::southbound::AlarmEvent;
using lightpath::southbound::AlarmKind;
using lightpath::southbound::Batch;
using sim::FaultKind;

namespace {

struct World {
  sim::EventEngine engine{sim::Rng(21)};
  sim::MemsSwitch sw{engine, testing::test_spec(8), sim::MemsOptions{}, sim::Rng(22)};
  std::vector<AlarmEvent> alarms;

  World() {
    sw.add_listener([this](const southbound::DeviceEvent& e) {
      if (auto* a = std::get_if<AlarmEvent>(&e)) alarms.push_back(*a);
    });
    sw.apply(Batch{{}, {{0, 1}, {2, 3}}}, [](auto r) { REQUIRE(r.has_value()); });
    engine.run_for(Duration::s(1));
    REQUIRE(alarms.empty());
  }
  // The alarms raised (+) and cleared (-) since the last call, as text.
  std::string take() {
    std::string s;
    for (const auto& a : alarms)
      s += std::string(a.raised ? "+" : "-") + std::string(southbound::to_string(a.kind)) + "@" +
           std::to_string(a.port) + " ";
    alarms.clear();
    return s;
  }
};

}  // namespace

TEST_CASE("a fiber cut raises loss of light on the input, and clears on repair") {
  World w;
  CHECK(w.sw.inject(FaultKind::kFiberCut, 0));
  CHECK(w.take() == "+loss-of-light-in@0 ");
  CHECK(w.sw.measure(0).input_power == sim::MemsOptions{}.no_light);
  CHECK_FALSE(w.sw.carries_light(1));  // nothing arrives to send on
  CHECK(w.sw.carries_light(0));        // the other direction still flows
  CHECK_FALSE(w.sw.inject(FaultKind::kFiberCut, 0));
  CHECK(w.sw.recover(FaultKind::kFiberCut, 0));
  CHECK(w.take() == "-loss-of-light-in@0 ");
  CHECK(w.sw.carries_light(1));
}

TEST_CASE("a dark port raises loss of light on the outputs of its cross-connect") {
  World w;
  CHECK(w.sw.inject(FaultKind::kDarkPort, 2));
  CHECK(w.take() == "+loss-of-light-out@2 +loss-of-light-out@3 ");
  CHECK(w.sw.measure(2).input_power.value() == doctest::Approx(0.0));  // light arrives
  CHECK(w.sw.recover(FaultKind::kDarkPort, 2));
  CHECK(w.take() == "-loss-of-light-out@2 -loss-of-light-out@3 ");
}

TEST_CASE("a stuck mirror raises its alarm and fails the moves that need it") {
  World w;
  CHECK(w.sw.inject(FaultKind::kStuckMirror, 1));
  CHECK(w.take() == "+mirror-stuck@1 ");
  std::optional<southbound::ApplyReport> r;
  w.sw.apply(Batch{{{0, 1}, {2, 3}}, {{0, 2}, {1, 3}}}, [&](auto x) { r = *x; });
  w.engine.run_for(Duration::s(1));
  REQUIRE(r.has_value());
  CHECK(r->disconnected == std::vector<southbound::CrossConnect>{{2, 3}});
  CHECK(r->connected.empty());
  REQUIRE(r->failures.size() == 3);
  CHECK(r->failures[0].port == 1);
  CHECK(r->failures[0].reason.find("mirror stuck") != std::string::npos);
  CHECK(w.sw.cross_connects().value() == std::vector<southbound::CrossConnect>{{0, 1}});
  CHECK(w.sw.carries_light(0));  // the stuck cross-connect still passes light
  CHECK(w.sw.recover(FaultKind::kStuckMirror, 1));
  CHECK(w.take() == "-mirror-stuck@1 ");
  w.sw.apply(Batch{{{0, 1}}, {{1, 2}}}, [&](auto x) { r = *x; });
  w.engine.run_for(Duration::s(1));
  CHECK(r->complete());
}

TEST_CASE("a switch going down raises device-down and comes back with its cross-connects") {
  World w;
  std::optional<Result<southbound::ApplyReport>> in_flight;
  w.sw.apply(Batch{{}, {{4, 5}}}, [&](auto x) { in_flight = x; });
  CHECK(w.sw.inject(FaultKind::kSwitchDown, -1));
  CHECK(w.take() == "+device-down@-1 ");
  CHECK_FALSE(w.sw.carries_light(0));
  CHECK(w.sw.cross_connects().error().code == southbound::kDeviceDown);
  w.engine.run_for(Duration::s(1));
  REQUIRE(in_flight.has_value());
  CHECK(in_flight->error().code == southbound::kDeviceDown);  // never a made-up success
  CHECK(w.sw.active_alarms().size() == 1);
  CHECK(w.sw.recover(FaultKind::kSwitchDown, -1));
  CHECK(w.take() == "-device-down@-1 ");
  // Mirrors are driven back into place: dark for one switching time.
  CHECK_FALSE(w.sw.carries_light(0));
  w.engine.run_for(Duration::s(1));
  CHECK(w.sw.carries_light(0));
  CHECK(w.sw.cross_connects()->size() == 3);
  CHECK(w.take().empty());
}

namespace {

struct ScriptWorld {
  Fabric fabric =
      topology::load_topology_file(testing::source_path("topologies/tiny.yaml")).value();
  sim::EventEngine engine{sim::Rng(31)};
  sim::SimulatedFabric sim_fabric{engine, fabric, sim::MemsOptions{}};

  sim::FaultScriptResult parse(const std::string& body) {
    return sim::parse_fault_script("lightpath_faults: 1\nfaults:\n" + body, "faults.yaml",
                                   sim_fabric, engine.now());
  }
  static std::string errors(const sim::FaultScriptResult& r) {
    std::string s;
    if (!r)
      for (const auto& d : r.error()) s += d.to_string() + "\n";
    return s;
  }
};

}  // namespace

TEST_CASE("fault scripts: bad input is refused with file, line and column") {
  ScriptWorld w;
  w.engine.run_until(TimePoint() + Duration::s(10));
  auto check = [&](const std::string& body, const std::string& expected) {
    const auto r = w.parse(body);
    REQUIRE_FALSE(r.has_value());
    CHECK_MESSAGE(ScriptWorld::errors(r).find(expected) != std::string::npos,
                  ScriptWorld::errors(r));
  };
  check("  - {at_s: 20, switch: nope, fault: switch_down}\n",
        "faults.yaml:3:24: faults[0]: unknown switch 'nope' (known: ocs1)");
  check("  - {at_s: 20, switch: ocs1, fault: dark_port, port: 16}\n",
        "faults.yaml:3:54: faults[0]: port 16 is out of range (switch ocs1 has ports 0..15)");
  check("  - {at_s: 5, switch: ocs1, fault: switch_down}\n",
        "faults.yaml:3:12: faults[0]: time 5.000 s is in the past (the simulation is at 10.000 s)");
  check("  - {at_s: 20, switch: ocs1, fault: meltdown}\n",
        "faults.yaml:3:37: faults[0]: unknown fault 'meltdown'");
  check("  - {at_s: 20, switch: ocs1, fault: fiber_cut}\n", "missing required field 'port'");
  check("  - {at_s: 20, switch: ocs1}\n", "give exactly one of 'fault' or 'recover'");
  check("  - {switch: ocs1, fault: switch_down}\n", "give exactly one of 'at_s' or 'at_ms'");
  check("  - {at_s: 20, switch: ocs1, fault: switch_down, colour: red}\n", "unknown key 'colour'");
  check("  - {at_s: 20, switch: [\n", "YAML syntax error");
}

TEST_CASE("fault scripts: faults happen at their times and recover") {
  ScriptWorld w;
  auto script = w.parse(
      "  - {at_s: 1, switch: ocs1, fault: fiber_cut, port: 3, duration_s: 2}\n"
      "  - {at_ms: 1500, switch: ocs1, fault: switch_down}\n"
      "  - {at_s: 4, switch: ocs1, recover: switch_down}\n");
  REQUIRE_MESSAGE(script.has_value(), ScriptWorld::errors(script));
  REQUIRE(script->actions.size() == 3);
  sim::FaultInjector injector(w.sim_fabric);
  injector.schedule(*script);
  sim::MemsSwitch& sw = *w.sim_fabric.find("ocs1");
  w.engine.run_until(TimePoint() + Duration::ms(999));
  CHECK_FALSE(sw.has_fault(FaultKind::kFiberCut, 3));
  w.engine.run_until(TimePoint() + Duration::s(1));
  CHECK(sw.has_fault(FaultKind::kFiberCut, 3));
  w.engine.run_until(TimePoint() + Duration::ms(1500));
  CHECK_FALSE(sw.up());
  w.engine.run_until(TimePoint() + Duration::s(3));
  CHECK_FALSE(sw.has_fault(FaultKind::kFiberCut, 3));
  w.engine.run_until(TimePoint() + Duration::s(4));
  CHECK(sw.up());
  REQUIRE(injector.history().size() == 4);
  CHECK(injector.history()[2].recover);
  CHECK(injector.history()[2].at == TimePoint() + Duration::s(3));
}

TEST_CASE("fault scripts load from a file") {
  ScriptWorld w;
  auto r = sim::load_fault_script(testing::source_path("tests/simulator/data/faults.yaml"),
                                  w.sim_fabric, w.engine.now());
  REQUIRE_MESSAGE(r.has_value(), ScriptWorld::errors(r));
  CHECK(r->actions.size() >= 3);
  auto missing = sim::load_fault_script("/nonexistent.yaml", w.sim_fabric, w.engine.now());
  CHECK_FALSE(missing.has_value());
}

TEST_CASE("random faults recur at about the MTBF and are repaired one for one") {
  ScriptWorld w;
  sim::FaultInjector injector(w.sim_fabric);
  injector.start_random(
      {Duration::s(60), Duration::s(5), {FaultKind::kDarkPort, FaultKind::kSwitchDown}});
  w.engine.run_until(TimePoint() + Duration::s(3600));
  const auto& h = injector.history();
  const auto failures = std::count_if(h.begin(), h.end(), [](const auto& r) { return !r.recover; });
  // About 3600 / (60 + 5) ≈ 55 failures; a loose band that still catches a wrong rate.
  CHECK(failures > 30);
  CHECK(failures < 90);
  w.engine.run_until(TimePoint() + Duration::s(3700));
  std::map<std::pair<int, int>, int> open;
  for (const auto& r : h)
    if (r.took_effect) open[{static_cast<int>(r.kind), r.port}] += r.recover ? -1 : 1;
  for (const auto& [k, n] : open) CHECK(n <= 1);
}
