#pragma once
// Runs an event engine in step with an executor's clock, so that modeled
// switches behave in real time (or scaled time) inside a daemon. Virtual time
// starts at the executor's time when the pacer starts, so timestamps from
// the model are comparable with the executor's.

#include "lightpath/executor.h"
#include "simulator/event_engine.h"

namespace lightpath::sim {

class RealtimePacer {
 public:
  // `tick` bounds how late the model may run behind the clock.
  RealtimePacer(EventEngine& engine, Executor& executor, double time_scale = 1.0,
                Duration tick = Duration::ms(1));
  ~RealtimePacer();
  RealtimePacer(const RealtimePacer&) = delete;
  RealtimePacer& operator=(const RealtimePacer&) = delete;

  void start();
  // Brings the model up to the executor's current time.
  void catch_up();
  // After work from outside the model (a batch) may have scheduled events
  // earlier than the pacer's next wake-up: wakes up for them instead. With
  // catch_up() before such work, this lets `tick` be long, so that an idle
  // model does not wake its thread every millisecond.
  void reschedule();

 private:
  void tick();
  void schedule_next();
  Duration until_next() const;
  TimePoint virtual_now() const;

  EventEngine& engine_;
  Executor& ex_;
  double scale_;
  Duration tick_;
  TimePoint real_start_;
  TimePoint virtual_start_;
  TimerId timer_;
  TimePoint wake_at_;  // when timer_ fires
};

}  // namespace lightpath::sim
