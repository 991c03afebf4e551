// Events per second of the simulator's engine: the "hold" model (each event
// schedules one more at a random delay, so the pending count stays put),
// measured as schedule + pop + dispatch. A plain std::priority_queue of
// std::function runs beside it as the reference.
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "simulator/event_engine.h"

using lightpath::Duration;
using lightpath::TimePoint;
using lightpath::sim::EventEngine;
using lightpath::sim::Rng;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Hold {
  EventEngine* engine;
  Rng* rng;
  std::int64_t span;
  void operator()() const {
    engine->schedule_after(Duration::ns(1 + rng->uniform_int(0, span)), *this);
  }
};

double engine_rate(std::size_t pending, std::uint64_t events) {
  EventEngine engine{Rng(1)};
  Rng rng(2);
  const auto span = static_cast<std::int64_t>(2 * pending);
  for (std::size_t i = 0; i < pending; ++i)
    engine.schedule_at(TimePoint::from_ns(1 + rng.uniform_int(0, span)), Hold{&engine, &rng, span});
  // Warm up (slab and heap at their working size), then measure.
  for (std::uint64_t i = 0; i < events / 10; ++i) engine.step();
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < events; ++i) engine.step();
  const double s = seconds_since(t0);
  if (engine.pending() != pending) fmt::print("pending drifted: {}\n", engine.pending());
  return static_cast<double>(events) / s;
}

struct Ref {
  std::int64_t time;
  std::uint64_t seq;
  std::function<void()> fn;
  bool operator>(const Ref& o) const { return time > o.time || (time == o.time && seq > o.seq); }
};

double reference_rate(std::size_t pending, std::uint64_t events) {
  std::priority_queue<Ref, std::vector<Ref>, std::greater<>> q;
  Rng rng(2);
  std::int64_t now = 0;
  std::uint64_t seq = 0;
  const auto span = static_cast<std::int64_t>(2 * pending);
  std::function<void()> hold = [&] { q.push({now + 1 + rng.uniform_int(0, span), seq++, hold}); };
  for (std::size_t i = 0; i < pending; ++i) q.push({1 + rng.uniform_int(0, span), seq++, hold});
  auto step = [&] {
    Ref r = q.top();
    q.pop();
    now = r.time;
    r.fn();
  };
  for (std::uint64_t i = 0; i < events / 10; ++i) step();
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < events; ++i) step();
  return static_cast<double>(events) / seconds_since(t0);
}

}  // namespace

int main() {
  fmt::print("{:>10} {:>22} {:>28}\n", "pending", "engine events/s", "priority_queue+function");
  for (std::size_t pending : {std::size_t{1000}, std::size_t{1'000'000}}) {
    const std::uint64_t events = 20'000'000;
    const double mine = engine_rate(pending, events);
    const double ref = reference_rate(pending, events);
    fmt::print("{:>10} {:>20.2f}M {:>26.2f}M\n", pending, mine / 1e6, ref / 1e6);
  }
}
