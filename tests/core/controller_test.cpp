// The controller core in virtual time: simulated MEMS switches on an event
// engine, a real SQLite file, and the lifecycle from request to release.
#include <doctest/doctest.h>

#include "core/core_world.h"

using namespace lightpath;
using namespace lightpath::core;
using lightpath::testing::kEpoch;
using lightpath::testing::pairwise;
using lightpath::testing::TempDb;
using lightpath::testing::World;

TEST_CASE("a request becomes ACTIVE only once the switch reports the cross-connects applied") {
  TempDb db;
  World w("tiny.yaml", db.path);
  std::vector<CircuitEvent> events;
  w.ctl->watch(0, {}, [&](const CircuitEvent& e) { events.push_back(e); });
  auto r = pairwise("job1", {{"rack1", "rack2"}, {"rack3", "rack4"}}, 400);
  r.job_id = "j1";
  const auto a = w.request(r);
  REQUIRE(a.record.accepted);
  REQUIRE(a.circuits.size() == 2);
  CHECK(a.circuits[0].state == CircuitState::kPending);
  const auto id = a.circuits[0].circuit.id;
  w.engine.run_for(Duration::ms(5));  // shorter than the 10-20 ms switching time
  CHECK(w.state_of(id) == CircuitState::kProgramming);
  w.settle();
  CHECK(w.state_of(id) == CircuitState::kActive);
  // The switch really holds the cross-connect.
  const auto& hop = a.circuits[0].circuit.hops[0];
  auto xcs = w.model.find("ocs1")->cross_connects();
  REQUIRE(xcs);
  CHECK(std::count(xcs->begin(), xcs->end(),
                   southbound::CrossConnect::between(hop.in_port, hop.out_port)) == 1);
  // Watchers saw PENDING, PROGRAMMING, ACTIVE for each circuit, in order.
  std::vector<CircuitState> seen;
  for (const auto& e : events)
    if (e.circuit.circuit.id == id) seen.push_back(e.circuit.state);
  CHECK(seen == std::vector<CircuitState>{CircuitState::kPending, CircuitState::kProgramming,
                                          CircuitState::kActive});
  for (std::size_t i = 1; i < events.size(); ++i)
    CHECK(events[i].sequence == events[i - 1].sequence + 1);
  CHECK(w.ctl->list({"j1", "", std::nullopt, "", ""}).size() == 2);
  CHECK(w.ctl->counters().batches_sent >= 1);
  CHECK(w.ctl->counters().commits >= 1);
  CHECK(w.ctl->list({"", "", std::nullopt, "ocs1", "rack3"}).size() == 1);
}

TEST_CASE("the same request_id twice gives the same answer, not two allocations") {
  TempDb db;
  World w("tiny.yaml", db.path);
  const auto first = w.request(pairwise("once", {{"rack1", "rack2"}}, 400));
  const auto again = w.request(pairwise("once", {{"rack1", "rack2"}}, 400));
  CHECK(again.replayed);
  REQUIRE(again.circuits.size() == 1);
  CHECK(again.circuits[0].circuit.id == first.circuits[0].circuit.id);
  CHECK(w.ctl->list({}).size() == 1);
}

TEST_CASE("bad requests are refused and change nothing") {
  TempDb db;
  World w("tiny.yaml", db.path);
  auto unknown = pairwise("bad", {{"rack1", "rack9"}}, 400);
  auto e = w.request_error(unknown);
  CHECK(e.code == ErrorCode::kInvalidArgument);
  CHECK(e.message.find("rack9") != std::string::npos);
  auto negative = pairwise("neg", {{"rack1", "rack2"}}, 400);
  negative.duration_seconds = -1;
  CHECK(w.request_error(negative).code == ErrorCode::kInvalidArgument);
  CHECK(w.ctl->list({}).empty());
  // A refused request's id is not burned: it can be sent again correctly.
  unknown.destinations[0].endpoint = "rack2";
  CHECK(w.request(unknown).record.accepted);
}

TEST_CASE("a lease too long for the clock is refused, not overflowed (fuzz finding)") {
  // fuzz/regressions/request_proto/lease-overflow: duration_seconds
  // 996432406416 (31,000 years) overflowed int64 nanoseconds in Duration::s.
  TempDb db;
  World w("tiny.yaml", db.path);
  auto r = pairwise("long", {{"rack1", "rack2"}}, 400);
  r.duration_seconds = 996'432'406'416;
  auto e = w.request_error(r);
  CHECK(e.code == ErrorCode::kInvalidArgument);
  CHECK(e.message ==
        "duration_seconds: a lease cannot be longer than 3153600000 seconds (100 years)");
  CHECK(w.ctl->list({}).empty());
  r.duration_seconds = solver::kMaxLeaseSeconds;  // the longest allowed is fine
  const auto answer = w.request(r);
  REQUIRE(answer.circuits.size() == 1);
  CHECK(answer.circuits[0].lease_end ==
        answer.record.created + Duration::s(solver::kMaxLeaseSeconds));

  std::optional<ApiResult<TimePoint>> ext;
  w.ctl->extend_lease("", "long", Duration::s(solver::kMaxLeaseSeconds + 1),
                      [&](auto res) { ext = std::move(res); });
  w.engine.run_for(Duration::ns(1));
  REQUIRE(ext.has_value());
  CHECK(ext->error().code == ErrorCode::kInvalidArgument);
}

TEST_CASE("release takes circuits through RELEASING to RELEASED and frees the switch") {
  TempDb db;
  World w("tiny.yaml", db.path);
  auto r = pairwise("rel", {{"rack1", "rack2"}}, 400);
  r.tenant = "alice";
  const auto a = w.request(r);
  w.settle();
  const auto id = a.circuits[0].circuit.id;
  std::optional<ApiResult<std::vector<CircuitId>>> got;
  w.ctl->release({"mallory", "", {id}}, [&](auto res) { got = std::move(res); });
  w.engine.run_for(Duration::ns(1));
  REQUIRE(got);
  CHECK((*got).error().code == ErrorCode::kFailedPrecondition);
  got.reset();
  w.ctl->release({"", "", {CircuitId(999)}}, [&](auto res) { got = std::move(res); });
  w.engine.run_for(Duration::ns(1));
  CHECK((*got).error().code == ErrorCode::kNotFound);
  got.reset();
  w.ctl->release({"alice", "rel", {}}, [&](auto res) { got = std::move(res); });
  w.engine.run_for(Duration::ns(1));
  REQUIRE(got->has_value());
  CHECK((*got)->size() == 1);
  CHECK(w.state_of(id) == CircuitState::kReleasing);
  w.settle();
  CHECK(w.ctl->get(id).error().code == ErrorCode::kNotFound);
  CHECK(w.model.find("ocs1")->cross_connects()->empty());
  CHECK(w.ctl->ports_in_use() == 0);
}

TEST_CASE("leases expire on their own and can be extended") {
  TempDb db;
  World w("tiny.yaml", db.path);
  auto r = pairwise("leased", {{"rack1", "rack2"}}, 400);
  r.duration_seconds = 10;
  const auto id = w.request(r).circuits[0].circuit.id;
  w.engine.run_for(Duration::s(5));
  std::optional<ApiResult<TimePoint>> ext;
  w.ctl->extend_lease("", "leased", Duration::s(20), [&](auto res) { ext = std::move(res); });
  w.engine.run_for(Duration::ns(1));
  REQUIRE(ext->has_value());
  w.engine.run_for(Duration::s(10));  // past the first lease
  CHECK(w.state_of(id) == CircuitState::kActive);
  w.engine.run_for(Duration::s(11));
  CHECK(w.state_of(id) == CircuitState::kReleased);
  ext.reset();
  w.ctl->extend_lease("", "leased", Duration::s(-1), [&](auto res) { ext = std::move(res); });
  w.engine.run_for(Duration::ns(1));
  CHECK(ext->error().code == ErrorCode::kInvalidArgument);
}

TEST_CASE("preemption: the owner of a preempted circuit hears it on the watch stream") {
  TempDb db;
  World w("tiny.yaml", db.path);
  for (int i = 0; i < 4; ++i) {
    auto r = pairwise("low" + std::to_string(i), {{"rack1", "rack3"}}, 800, "gpu-nic", 1);
    r.job_id = "low-job";
    w.request(r);
  }
  w.settle();
  std::vector<CircuitEvent> low_events;
  w.ctl->watch(0, {"low-job", ""}, [&](const CircuitEvent& e) { low_events.push_back(e); });
  const auto high = w.request(pairwise("high", {{"rack1", "rack2"}}, 800, "gpu-nic", 10));
  REQUIRE(high.record.accepted);
  REQUIRE(high.record.preempted.size() == 1);
  w.settle();
  CHECK(w.state_of(high.circuits[0].circuit.id) == CircuitState::kActive);
  REQUIRE_FALSE(low_events.empty());
  CHECK(low_events[0].circuit.state == CircuitState::kPreempted);
  CHECK(low_events[0].circuit.reason.find("preempted by request high") == 0);
}

TEST_CASE(
    "after a restart every stored circuit is back, leases keep counting, ids are not reused") {
  TempDb db;
  std::vector<solver::Circuit> before;
  CircuitId released;
  {
    World w("tiny.yaml", db.path);
    auto r = pairwise("keep", {{"rack1", "rack2"}, {"rack3", "rack4"}}, 300);
    r.duration_seconds = 60;
    for (const auto& c : w.request(r).circuits) before.push_back(c.circuit);
    released = w.request(pairwise("gone", {{"rack1", "rack4"}}, 100)).circuits[0].circuit.id;
    w.settle();
    w.ctl->release({"", "gone", {}}, [](auto) {});
    w.settle();
  }
  // 30 s later, a new process with fresh (empty) switches.
  World w("tiny.yaml", db.path, TimePoint::from_ns(kEpoch) + Duration::s(30));
  for (const auto& c : before) {
    auto got = w.ctl->get(c.id);
    REQUIRE(got);
    CHECK(got->circuit.a == c.a);
    CHECK(got->circuit.hops == c.hops);
    CHECK(got->circuit.wavelengths == c.wavelengths);
    CHECK(got->state == CircuitState::kActive);  // reprogrammed onto the empty switch
  }
  CHECK(w.model.find("ocs1")->cross_connects()->size() == 2);
  const auto next = w.request(pairwise("after", {{"rack2", "rack4"}}, 100));
  CHECK(next.circuits[0].circuit.id.value() > released.value());
  w.engine.run_for(Duration::s(31));
  CHECK(w.state_of(before[0].id) == CircuitState::kReleased);
}

TEST_CASE("finished requests leave memory past a bound and are still answered from the store") {
  TempDb db;
  ControllerOptions o;
  o.requests_in_memory = 2;
  std::vector<std::pair<std::string, CircuitId>> made;
  {
    World w("tiny.yaml", db.path, TimePoint::from_ns(kEpoch), o);
    for (int i = 0; i < 5; ++i) {
      const std::string id = "r" + std::to_string(i);
      const auto a = w.request(pairwise(id, {{"rack1", "rack2"}}, 400));
      REQUIRE(a.circuits.size() == 1);
      made.emplace_back(id, a.circuits[0].circuit.id);
      std::optional<ApiResult<std::vector<CircuitId>>> got;
      w.ctl->release({"", id, {}}, [&](auto res) { got = std::move(res); });
      w.settle();
      REQUIRE(got->has_value());
    }
    // r0 was dropped from memory: a retry gets its old answer from the store,
    // and allocates nothing.
    const auto again = w.request(pairwise("r0", {{"rack1", "rack2"}}, 400));
    CHECK(again.replayed);
    CHECK(again.record.circuits == std::vector<CircuitId>{made[0].second});
    CHECK(w.ctl->list({}).empty());
    // Releasing it again is fine: there is nothing left to release.
    std::optional<ApiResult<std::vector<CircuitId>>> got;
    w.ctl->release({"", "r0", {}}, [&](auto res) { got = std::move(res); });
    w.engine.run_for(Duration::ns(1));
    REQUIRE(got->has_value());
    CHECK((*got)->empty());
    // An id never seen is still a new request.
    CHECK_FALSE(w.request(pairwise("r9", {{"rack1", "rack2"}}, 400)).replayed);
  }
  // After a restart the same holds for every stored request.
  World w("tiny.yaml", db.path, TimePoint::from_ns(kEpoch), o);
  for (const auto& [id, circuit] : made) {
    CAPTURE(id);
    const auto again = w.request(pairwise(id, {{"rack1", "rack2"}}, 400));
    CHECK(again.replayed);
    CHECK(again.record.circuits == std::vector<CircuitId>{circuit});
  }
}

TEST_CASE("an all_to_all too large for the limit is refused before its flows are expanded") {
  TempDb db;
  World w("tiny.yaml", db.path);
  solver::CircuitRequest r;
  r.request_id = "huge";
  r.bandwidth_per_flow = DataRate::gbps(100);
  r.pattern = solver::Pattern::kAllToAll;
  // 200,000 sources would be 2 x 10^10 flows if expanded.
  r.sources.assign(200'000, {"rack1", "gpu-nic"});
  const auto e = w.request_error(r);
  CHECK(e.code == ErrorCode::kResourceExhausted);
  CHECK(e.message.find("up to 19999900000 circuits") != std::string::npos);
  CHECK(w.ctl->list({}).empty());
}

TEST_CASE("the event log keeps the newest events, and a watch from before them is refused") {
  TempDb db;
  ControllerOptions o;
  o.event_log_keep = 16;
  o.events_in_memory = 4;
  std::uint64_t last = 0;
  {
    World w("tiny.yaml", db.path, TimePoint::from_ns(kEpoch), o);
    std::vector<CircuitEvent> seen;
    REQUIRE(w.ctl->watch(0, {}, [&](const CircuitEvent& e) { seen.push_back(e); }));
    for (int i = 0; i < 10; ++i) {  // a circuit's life is five events
      const std::string id = "r" + std::to_string(i);
      w.request(pairwise(id, {{"rack1", "rack2"}}, 400));
      w.settle();
      std::optional<ApiResult<std::vector<CircuitId>>> got;
      w.ctl->release({"", id, {}}, [&](auto res) { got = std::move(res); });
      w.settle();
      REQUIRE(got->has_value());
    }
    REQUIRE(seen.size() == 50);
    last = seen.back().sequence;
    auto stored = w.store->events_after(0, 1000);
    REQUIRE(stored);
    CHECK(stored->size() >= 16);
    CHECK(stored->size() < 40);
    CHECK(stored->back().sequence == last);
    const std::uint64_t oldest = *w.store->first_event_sequence();
    CHECK(oldest == stored->front().sequence);

    auto refused = w.ctl->watch(1, {}, [](const CircuitEvent&) {});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::kFailedPrecondition);
    CHECK(refused.error().message.find("after_sequence 1") != std::string::npos);
    // From the oldest kept event on, the store answers (memory holds only 4).
    std::vector<std::uint64_t> replayed;
    REQUIRE(w.ctl->watch(oldest - 1, {},
                         [&](const CircuitEvent& e) { replayed.push_back(e.sequence); }));
    REQUIRE(replayed.size() == stored->size());
    CHECK(replayed.front() == oldest);
  }
  // A restarted controller knows where its log begins.
  World w("tiny.yaml", db.path, TimePoint::from_ns(kEpoch), o);
  CHECK_FALSE(w.ctl->watch(1, {}, [](const CircuitEvent&) {}));
  std::vector<std::uint64_t> recent;
  REQUIRE(w.ctl->watch(last - 3, {}, [&](const CircuitEvent& e) { recent.push_back(e.sequence); }));
  CHECK(recent == std::vector<std::uint64_t>{last - 2, last - 1, last});
}
