// The event engine: order, cancellation, the clock, independence of engines.
#include "simulator/event_engine.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <unordered_set>
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

// The queue is a radix heap: records sit in buckets by the highest bit in
// which their time differs from the last minimum, and a bucket is split into
// lower ones when the ones below it run dry. The cases below aim at its seams.

TEST_CASE("equal times keep scheduling order across a bucket split") {
  EventEngine e(Rng(1));
  std::string order;
  auto note = [&order](char c) { return [&order, c] { order += c; }; };
  // 100 = 0b1100100; everything from 64 to 127 shares bucket 7 at first.
  e.schedule_at(TimePoint::from_ns(100), note('a'));
  e.schedule_at(TimePoint::from_ns(127), note('z'));
  e.schedule_at(TimePoint::from_ns(100), note('b'));
  e.schedule_at(TimePoint::from_ns(64), note('0'));
  e.schedule_at(TimePoint::from_ns(100), note('c'));
  e.schedule_at(TimePoint::from_ns(101), note('x'));
  e.schedule_at(TimePoint::from_ns(1), [&] {
    order += '1';
    // Scheduled later, so after a, b, c, yet split along with them.
    e.schedule_at(TimePoint::from_ns(100), note('d'));
  });
  e.schedule_at(TimePoint::from_ns(100), [&] {
    order += 'e';
    // Due at the current minimum: behind everything already due then.
    e.schedule_at(e.now(), note('g'));
  });
  e.schedule_at(TimePoint::from_ns(100), note('f'));
  e.run();
  CHECK(order == "10abcefdgxz");
}

TEST_CASE("cancelling an event in every bucket, before and after splits") {
  // Start below zero so that times straddle the sign bit (the top bucket).
  const TimePoint start = TimePoint::from_ns(-(std::int64_t{1} << 40));
  EventEngine e(Rng(1), start);
  std::vector<std::int64_t> ran;
  std::vector<std::pair<std::int64_t, EventId>> all;
  for (int bit = 0; bit < 62; ++bit) {
    for (std::int64_t extra : {std::int64_t{0}, std::int64_t{1}}) {
      const std::int64_t t = start.since_epoch_ns() + (std::int64_t{1} << bit) + extra;
      all.emplace_back(t, e.schedule_at(TimePoint::from_ns(t), [&ran, t] { ran.push_back(t); }));
    }
  }
  const std::int64_t t0 = start.since_epoch_ns();
  all.emplace_back(t0, e.schedule_at(start, [&ran, t0] { ran.push_back(t0); }));  // bucket 0
  // Cancel every other event now (each bucket level loses one), run a while
  // so that the upper buckets split, then cancel every fourth of the rest.
  std::vector<std::int64_t> expected;
  for (std::size_t i = 0; i < all.size(); ++i)
    if (i % 2 == 0) CHECK(e.cancel(all[i].second));
  e.run_until(TimePoint::from_ns(t0 + (std::int64_t{1} << 20)));
  for (std::size_t i = 1; i < all.size(); i += 2) {
    const bool due = all[i].first <= t0 + (std::int64_t{1} << 20);
    if (due) {
      expected.push_back(all[i].first);
    } else if (i % 4 == 1) {
      CHECK(e.cancel(all[i].second));
    } else {
      expected.push_back(all[i].first);
    }
  }
  CHECK(!e.cancel(all[0].second));
  e.run();
  std::sort(expected.begin(), expected.end());
  CHECK(ran == expected);
  CHECK(e.pending() == 0);
}

TEST_CASE("events scheduled behind the queue's minimum after run_until") {
  EventEngine e(Rng(1));
  std::string order;
  auto note = [&order](char c) { return [&order, c] { order += c; }; };
  e.schedule_at(TimePoint::from_ns(1000), note('Z'));
  // Looking ahead moves the queue's minimum to 1000 while the clock is 10.
  e.run_until(TimePoint::from_ns(10));
  CHECK(e.next_time() == TimePoint::from_ns(1000));
  CHECK(e.now() == TimePoint::from_ns(10));
  e.schedule_at(TimePoint::from_ns(500), note('c'));
  e.schedule_at(TimePoint::from_ns(3), note('a'));  // in the past: counts as now
  e.schedule_at(TimePoint::from_ns(500), note('d'));
  e.schedule_at(TimePoint::from_ns(1000), note('e'));  // after Z, same time
  const EventId gone = e.schedule_at(TimePoint::from_ns(600), note('!'));
  e.schedule_at(TimePoint::from_ns(10), note('b'));
  CHECK(e.next_time() == TimePoint::from_ns(10));
  CHECK(e.cancel(gone));
  CHECK(e.pending() == 6);
  CHECK(e.step());
  CHECK(order == "a");
  CHECK(e.now() == TimePoint::from_ns(10));
  e.run_until(TimePoint::from_ns(500));
  CHECK(order == "abcd");
  e.schedule_at(TimePoint::from_ns(400), [&] {
    order += 'f';
    e.schedule_at(TimePoint::from_ns(700), note('g'));
  });
  e.run();
  CHECK(order == "abcdfgZe");
  CHECK(e.now() == TimePoint::from_ns(1000));
}

TEST_CASE("a long random run matches a reference queue ordered by (time, sequence)") {
  struct Ref {
    std::int64_t time;
    std::uint64_t seq;
    int label;
    bool operator>(const Ref& o) const { return time > o.time || (time == o.time && seq > o.seq); }
  };
  std::priority_queue<Ref, std::vector<Ref>, std::greater<>> ref;
  std::unordered_set<int> ref_pending;
  std::int64_t ref_now = -5000;
  std::uint64_t ref_seq = 0;

  EventEngine e(Rng(1), TimePoint::from_ns(ref_now));
  Rng draw(20261123);
  std::unordered_map<int, EventId> ids;
  std::vector<int> ran;
  int next_label = 0;

  // Delays: many ties, short hops, long jumps, and times in the past.
  auto pick_time = [&](std::int64_t now) -> std::int64_t {
    switch (draw.uniform_int(0, 5)) {
      case 0:
        return now;
      case 1:
        return now + draw.uniform_int(0, 3);
      case 2:
        return now + draw.uniform_int(0, 1000);
      case 3:
        return now + draw.uniform_int(0, std::int64_t{1} << 24);
      case 4:
        return now + (std::int64_t{1} << draw.uniform_int(0, 40));
      default:
        return now - draw.uniform_int(1, 100);
    }
  };
  std::function<void(int)> handler_body;
  auto schedule = [&](std::int64_t t) {
    const int label = next_label++;
    ids[label] =
        e.schedule_at(TimePoint::from_ns(t), [&handler_body, label] { handler_body(label); });
    // Handlers schedule too, before the reference has caught up: clamp to the
    // engine's clock, which the loop checks against the reference's.
    ref.push({std::max(t, e.now().since_epoch_ns()), ref_seq++, label});
    ref_pending.insert(label);
  };
  handler_body = [&](int label) {
    ran.push_back(label);
    // A third of the handlers schedule a follow-up from inside.
    if (label % 3 == 0) schedule(pick_time(e.now().since_epoch_ns()));
  };
  // The reference's view of one event running.
  auto ref_run_one = [&]() -> int {
    for (;;) {
      const Ref r = ref.top();
      ref.pop();
      if (!ref_pending.count(r.label)) continue;  // cancelled
      ref_pending.erase(r.label);
      ref_now = r.time;
      return r.label;
    }
  };
  auto ref_next_time = [&]() -> std::int64_t {
    while (!ref.empty() && !ref_pending.count(ref.top().label)) ref.pop();
    return ref.empty() ? ref_now : ref.top().time;
  };

  // Handlers schedule on the engine and the reference together, so the
  // reference sees the engine's order of schedule calls; it only has to
  // mirror which event ran and the clock.
  for (int i = 0; i < 400; ++i) schedule(pick_time(ref_now));
  for (int op = 0; op < 300000; ++op) {
    const auto kind = draw.uniform_int(0, 99);
    if (kind < 40) {
      schedule(pick_time(ref_now));
    } else if (kind < 55) {
      const int label = static_cast<int>(draw.uniform_int(0, next_label - 1));
      REQUIRE(e.cancel(ids[label]) == (ref_pending.erase(label) == 1));
    } else if (kind < 90) {
      const bool any = !ref_pending.empty();
      ran.clear();
      REQUIRE(e.step() == any);
      if (any) {
        const int want = ref_run_one();
        REQUIRE(ran.size() == 1);
        REQUIRE(ran[0] == want);
      }
    } else if (kind < 97) {
      const std::int64_t until = pick_time(ref_now);
      ran.clear();
      const std::uint64_t n = e.run_until(TimePoint::from_ns(until));
      std::vector<int> want;
      while (!ref_pending.empty() && ref_next_time() <= until) want.push_back(ref_run_one());
      ref_now = std::max(ref_now, until);
      REQUIRE(n == want.size());
      REQUIRE(ran == want);
    } else {
      REQUIRE(e.next_time().since_epoch_ns() == ref_next_time());
    }
    if (op % 25000 == 24999) {
      // A burst of scheduling, then cancel nine in ten of what is pending,
      // enough tombstones for the engine to purge them mid-run.
      for (int k = 0; k < 3000; ++k) schedule(pick_time(ref_now));
      std::vector<int> labels(ref_pending.begin(), ref_pending.end());
      std::sort(labels.begin(), labels.end());
      for (std::size_t k = 0; k < labels.size(); ++k)
        if (k % 10 != 0) REQUIRE(e.cancel(ids[labels[k]]));
      for (std::size_t k = 0; k < labels.size(); ++k)
        if (k % 10 != 0) ref_pending.erase(labels[k]);
    }
    REQUIRE(e.now().since_epoch_ns() == ref_now);
    REQUIRE(e.pending() == ref_pending.size());
  }
  ran.clear();
  e.run();
  std::vector<int> want;
  while (!ref_pending.empty()) want.push_back(ref_run_one());
  CHECK(ran == want);
}
