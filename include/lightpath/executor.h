#pragma once
// The clock and task seam every controller component is written against.
// The daemon runs it over Boost.Asio and the steady clock
// (controller/runtime/asio_executor.h); the simulator runs the same code in
// virtual time over its event engine (simulator/sim_executor.h). Controller
// code asks this interface for the time and for timers and never touches the
// system clock or sleeps, which is what lets it run unchanged in simulation.

#include <cstdint>
#include <functional>

#include "lightpath/units.h"

namespace lightpath {

using Task = std::function<void()>;

// Names one scheduled timer; the default value names none.
struct TimerId {
  std::uint64_t value = 0;
  bool valid() const { return value != 0; }
  auto operator<=>(const TimerId&) const = default;
};

class Executor {
 public:
  virtual ~Executor() = default;

  // The executor's clock. Monotonic; its epoch is the executor's own.
  virtual TimePoint now() const = 0;

  // Runs `fn` soon, after tasks already posted, never inside this call.
  // Safe to call from any thread (drivers complete I/O on their own threads).
  virtual void post(Task fn) = 0;

  // Runs `fn` once `delay` has passed (a negative delay counts as zero).
  // Timers due at the same time run in the order they were scheduled.
  // Call from the executor's own thread.
  virtual TimerId schedule_after(Duration delay, Task fn) = 0;

  // Stops a timer from running. True when it was still pending; false when it
  // already ran, was cancelled before, or is running now. Executor thread only.
  virtual bool cancel(TimerId id) = 0;

  TimerId schedule_at(TimePoint when, Task fn) {
    return schedule_after(when - now(), std::move(fn));
  }
};

}  // namespace lightpath
