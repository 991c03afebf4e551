// The event engine: order, cancellation, the clock, independence of engines.
#include "simulator/event_engine.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

using lightpath::Duration;
using lightpath::TimePoint;
using lightpath::sim::EventEngine;
using lightpath::sim::EventId;
using lightpath::sim::Rng;

namespace {
TimePoint at_ms(std::int64_t ms) {
  return TimePoint() + Duration::ms(ms);
}
}  // namespace

TEST_CASE("equal-time events run in the order they were scheduled") {
  EventEngine e(Rng(1));
  std::string order;
  for (char c : std::string("abcdefgh")) e.schedule_at(at_ms(5), [&order, c] { order += c; });
  e.schedule_at(at_ms(1), [&] { order += '1'; });
  e.run();
  CHECK(order == "1abcdefgh");
}

TEST_CASE("an event scheduled for now runs after those already due now") {
  EventEngine e(Rng(1));
  std::string order;
  e.schedule_at(at_ms(5), [&] {
    order += 'A';
    e.schedule_after(Duration(), [&] { order += 'C'; });
    e.schedule_at(e.now(), [&] { order += 'D'; });
  });
  e.schedule_at(at_ms(5), [&] { order += 'B'; });
  e.schedule_at(at_ms(6), [&] { order += 'E'; });
  e.run();
  CHECK(order == "ABCDE");
}

TEST_CASE("the order matches a stable sort by time, under random load") {
  EventEngine e(Rng(1));
  Rng draw(99);
  std::vector<std::pair<std::int64_t, int>> expected;
  std::vector<int> ran;
  std::vector<EventId> ids;
  for (int i = 0; i < 20000; ++i) {
    const std::int64_t t = draw.uniform_int(0, 500);  // many ties
    ids.push_back(e.schedule_at(TimePoint::from_ns(t), [&ran, i] { ran.push_back(i); }));
    expected.emplace_back(t, i);
  }
  // Cancel every third event.
  std::vector<std::pair<std::int64_t, int>> kept;
  for (int i = 0; i < 20000; ++i) {
    if (i % 3 == 0) {
      CHECK(e.cancel(ids[static_cast<std::size_t>(i)]));
    } else {
      kept.push_back(expected[static_cast<std::size_t>(i)]);
    }
  }
  std::stable_sort(kept.begin(), kept.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  CHECK(e.pending() == kept.size());
  e.run();
  REQUIRE(ran.size() == kept.size());
  for (std::size_t i = 0; i < ran.size(); ++i) REQUIRE(ran[i] == kept[i].second);
}

TEST_CASE("cancellation") {
  EventEngine e(Rng(1));
  int ran = 0;
  const EventId a = e.schedule_at(at_ms(1), [&] { ++ran; });
  const EventId b = e.schedule_at(at_ms(2), [&] { ran += 10; });
  SUBCASE("a cancelled event never runs; cancelling twice says so") {
    CHECK(e.cancel(a));
    CHECK_FALSE(e.cancel(a));
    CHECK(e.pending() == 1);
    e.run();
    CHECK(ran == 10);
  }
  SUBCASE("an event that ran cannot be cancelled") {
    e.run();
    CHECK(ran == 11);
    CHECK_FALSE(e.cancel(a));
    CHECK_FALSE(e.cancel(b));
  }
  SUBCASE("a handler cancelling itself or a later event") {
    EventId self;
    self = e.schedule_at(at_ms(1), [&] {
      CHECK_FALSE(e.cancel(self));
      CHECK(e.cancel(b));
    });
    e.run();
    CHECK(ran == 1);
  }
  SUBCASE("a stale id does not cancel the event that reuses its slot") {
    CHECK(e.cancel(a));
    int later = 0;
    e.schedule_at(at_ms(3), [&] { ++later; });
    CHECK_FALSE(e.cancel(a));
    e.run();
    CHECK(later == 1);
  }
  SUBCASE("an empty id cancels nothing") {
    CHECK_FALSE(e.cancel(EventId{}));
  }
}

TEST_CASE("mass cancellation keeps the queue small and the order right") {
  EventEngine e(Rng(1));
  std::vector<EventId> ids;
  for (int i = 0; i < 100000; ++i)
    ids.push_back(e.schedule_at(TimePoint::from_ns(1000 + i), [] {}));
  std::int64_t last = -1;
  bool ordered = true;
  e.schedule_at(TimePoint::from_ns(1000 + 99999), [&] { last = e.now().since_epoch_ns(); });
  for (int i = 0; i < 100000; ++i) e.cancel(ids[static_cast<std::size_t>(i)]);
  CHECK(e.pending() == 1);
  e.schedule_at(TimePoint::from_ns(5), [&] { ordered = last < 0; });
  CHECK(e.run() == 2);
  CHECK(ordered);
  CHECK(last == 100999);
}

TEST_CASE("run_until, run_for and step move the clock") {
  EventEngine e(Rng(1));
  std::vector<std::int64_t> seen;
  for (int ms : {10, 20, 30})
    e.schedule_at(at_ms(ms), [&] { seen.push_back(e.now().since_epoch_ns()); });
  CHECK(e.run_until(at_ms(20)) == 2);
  CHECK(e.now() == at_ms(20));
  CHECK(e.run_for(Duration::ms(5)) == 0);
  CHECK(e.now() == at_ms(25));
  CHECK(e.next_time() == at_ms(30));
  CHECK(e.step());
  CHECK(e.now() == at_ms(30));
  CHECK_FALSE(e.step());
  CHECK(seen == std::vector<std::int64_t>{10'000'000, 20'000'000, 30'000'000});
  // A time in the past counts as now.
  bool ran = false;
  e.schedule_at(at_ms(1), [&] { ran = e.now() == at_ms(30); });
  e.run();
  CHECK(ran);
}

TEST_CASE("stop ends a run after the current event") {
  EventEngine e(Rng(1));
  int ran = 0;
  for (int i = 0; i < 5; ++i)
    e.schedule_at(at_ms(i), [&] {
      if (++ran == 2) e.stop();
    });
  CHECK(e.run() == 2);
  CHECK(e.pending() == 3);
}

TEST_CASE("two engines in one process are independent") {
  EventEngine a(Rng(5)), b(Rng(5));
  int in_a = 0, in_b = 0;
  a.schedule_at(at_ms(1), [&] { ++in_a; });
  b.schedule_at(at_ms(2), [&] { ++in_b; });
  a.run();
  CHECK(in_a == 1);
  CHECK(in_b == 0);
  CHECK(b.now() == TimePoint());
  CHECK(a.rng()() == b.rng()());
}

TEST_CASE("handlers too large for the slot still work, and pending ones are freed") {
  auto big = std::make_shared<std::vector<int>>(1000, 7);
  std::array<long, 16> payload{};
  payload[15] = 42;
  long got = 0;
  {
    EventEngine e(Rng(1));
    e.schedule_at(at_ms(1), [payload, &got] { got = payload[15]; });
    e.schedule_at(at_ms(2), [big] {});
    e.run_until(at_ms(1));
    CHECK(big.use_count() == 2);
  }
  CHECK(got == 42);
  CHECK(big.use_count() == 1);
}

TEST_CASE("the random source is reproducible and forks independent streams") {
  Rng a(123), b(123);
  for (int i = 0; i < 100; ++i) REQUIRE(a() == b());
  Rng c = a.fork(1), d = b.fork(2);
  CHECK(c() != d());
  Rng u(5);
  for (int i = 0; i < 1000; ++i) {
    const double x = u.uniform01();
    REQUIRE(x >= 0.0);
    REQUIRE(x < 1.0);
    const auto k = u.uniform_int(-3, 3);
    REQUIRE(k >= -3);
    REQUIRE(k <= 3);
  }
}

TEST_CASE("running out of sequence numbers keeps order and ids") {
  EventEngine e(Rng(1));
  e.set_next_sequence_for_test(EventEngine::sequence_limit_for_test() - 3);
  std::string order;
  std::vector<EventId> ids;
  for (char c : std::string("abcdef"))
    ids.push_back(e.schedule_at(at_ms(5), [&order, c] { order += c; }));
  e.schedule_at(TimePoint(), [&order] { order += '0'; });
  CHECK(e.cancel(ids[4]));  // an id from before the renumbering still works
  e.run();
  CHECK(order == "0abcdf");
}
