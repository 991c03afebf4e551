#pragma once
// The executor seam over the event engine: controller code runs in virtual
// time, as fast as the CPU allows, in a deterministic order.

#include "lightpath/executor.h"
#include "simulator/event_engine.h"

namespace lightpath::sim {

class SimExecutor final : public Executor {
 public:
  explicit SimExecutor(EventEngine& engine) : engine_(engine) {}

  TimePoint now() const override { return engine_.now(); }
  // Virtual time has one thread; "any thread" reduces to this one.
  void post(Task fn) override { engine_.schedule_at(engine_.now(), std::move(fn)); }
  TimerId schedule_after(Duration delay, Task fn) override {
    return TimerId{engine_.schedule_after(delay, std::move(fn)).value};
  }
  bool cancel(TimerId id) override { return engine_.cancel(EventId{id.value}); }

  EventEngine& engine() { return engine_; }

 private:
  EventEngine& engine_;
};

}  // namespace lightpath::sim
