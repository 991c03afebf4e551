#include "simulator/realtime_pacer.h"

#include <algorithm>
#include <cmath>

namespace lightpath::sim {

RealtimePacer::RealtimePacer(EventEngine& engine, Executor& executor, double time_scale,
                             Duration tick)
    : engine_(engine), ex_(executor), scale_(time_scale), tick_(tick) {}

RealtimePacer::~RealtimePacer() {
  if (timer_.valid()) ex_.cancel(timer_);
}

void RealtimePacer::start() {
  real_start_ = ex_.now();
  virtual_start_ = engine_.now();
  tick();
}

TimePoint RealtimePacer::virtual_now() const {
  const double elapsed = static_cast<double>((ex_.now() - real_start_).count_ns()) * scale_;
  return virtual_start_ + Duration::ns(std::llround(elapsed));
}

void RealtimePacer::catch_up() {
  const TimePoint target = virtual_now();
  if (target > engine_.now()) engine_.run_until(target);
}

void RealtimePacer::reschedule() {
  // Moving a timer costs system calls: only when it would fire too late.
  if (timer_.valid() && wake_at_ <= ex_.now() + until_next()) return;
  if (timer_.valid()) ex_.cancel(timer_);
  timer_ = TimerId{};
  schedule_next();
}

void RealtimePacer::tick() {
  timer_ = TimerId{};
  catch_up();
  schedule_next();
}

Duration RealtimePacer::until_next() const {
  // Sleep until the next model event is due, but no longer than one tick,
  // since work posted meanwhile (a new batch) may schedule earlier events.
  Duration wait = tick_;
  if (engine_.pending() > 0) {
    const double until =
        static_cast<double>((engine_.next_time() - engine_.now()).count_ns()) / scale_;
    wait = std::min(tick_, Duration::ns(std::max<std::int64_t>(0, std::llround(until))));
  }
  return wait;
}

void RealtimePacer::schedule_next() {
  const Duration wait = until_next();
  wake_at_ = ex_.now() + wait;
  timer_ = ex_.schedule_after(wait, [this] { tick(); });
}

}  // namespace lightpath::sim
