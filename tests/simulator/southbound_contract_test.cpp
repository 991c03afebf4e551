// The southbound contract, run against the simulated MEMS driver and the
// scriptable fake; then what only the fake can be told to do.
#include "southbound_contract.h"

#include "fake_driver.h"
#include "sim_test_util.h"
#include "simulator/sim_driver.h"
#include "simulator/sim_executor.h"

namespace {

using namespace lightpath;
using lightpath::testing::FakeDriver;

struct SimDriverFixture {
  sim::EventEngine engine{sim::Rng(7)};
  sim::SimExecutor executor{engine};
  sim::MemsSwitch device{engine, testing::test_spec(16), sim::MemsOptions{}, sim::Rng(8)};
  sim::SimDriver sim_driver{device, executor};

  southbound::Driver& driver() { return sim_driver; }
  // Longer than any switching time of the model, including a re-drive.
  void settle() { engine.run_for(Duration::s(1)); }
  void set_down(bool down) {
    down ? device.inject(sim::FaultKind::kSwitchDown, -1)
         : device.recover(sim::FaultKind::kSwitchDown, -1);
  }
  void break_port(int port) { device.inject(sim::FaultKind::kStuckMirror, port); }
};

struct FakeDriverFixture {
  sim::EventEngine engine{sim::Rng(7)};
  sim::SimExecutor executor{engine};
  FakeDriver fake{executor, testing::FakeDriverOptions{}};

  southbound::Driver& driver() { return fake; }
  void settle() { engine.run_for(Duration::s(1)); }
  void set_down(bool down) { fake.set_down(down); }
  void break_port(int port) { fake.break_port(port); }
};

}  // namespace

TEST_CASE_TEMPLATE_INVOKE(southbound_contract, SimDriverFixture, FakeDriverFixture);

TEST_SUITE("fake driver scripting") {
  using namespace lightpath::testing::contract;

  TEST_CASE("next apply fails whole, then the device works again") {
    FakeDriverFixture f;
    f.fake.fail_next_apply("controller card busy");
    auto r = apply(f, connect({{0, 1}}));
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == southbound::kApplyFailed);
    CHECK(contains(r.error().message, "controller card busy"));
    CHECK(must_read(f).empty());
    CHECK(apply(f, connect({{0, 1}}))->complete());
  }

  TEST_CASE("apply only half reports the half it did") {
    FakeDriverFixture f;
    f.fake.apply_only_half_next();
    auto r = apply(f, connect({{0, 1}, {2, 3}, {4, 5}, {6, 7}}));
    REQUIRE(r.has_value());
    CHECK(r->connected == std::vector<CrossConnect>{{0, 1}, {2, 3}});
    REQUIRE(r->failures.size() == 2);
    CHECK(r->failures[0].port == 4);
    CHECK(r->failures[1].port == 6);
    CHECK(must_read(f) == r->connected);
  }

  TEST_CASE("half of a move keeps the disconnects and skips the connects") {
    FakeDriverFixture f;
    REQUIRE(apply(f, connect({{0, 1}, {2, 3}}))->complete());
    f.fake.apply_only_half_next();
    auto r = apply(f, Batch{{{0, 1}, {2, 3}}, {{0, 2}, {1, 3}}});
    REQUIRE(r.has_value());
    CHECK(r->disconnected.size() == 2);
    CHECK(r->connected.empty());
    CHECK(must_read(f).empty());
  }

  TEST_CASE("events emitted by the script reach subscribers") {
    FakeDriverFixture f;
    int samples = 0;
    f.fake.subscribe([&](const southbound::DeviceEvent& e) {
      samples += std::holds_alternative<southbound::TelemetryEvent>(e);
    });
    f.fake.emit(southbound::TelemetryEvent{f.executor.now(), {}});
    CHECK(samples == 0);
    f.settle();
    CHECK(samples == 1);
  }
}
