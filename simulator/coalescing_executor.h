#pragma once
// An executor that forwards another's clock and timers, and gathers the
// tasks posted to it from other threads into one task of the other: the
// simulated switches and the controller trade many small messages (port
// events, batches, their results), and waking a sleeping thread for each
// cost more than handling it. Tasks run in the order they were posted,
// after the tasks the other executor had by then, never inside post().

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "lightpath/executor.h"

namespace lightpath::sim {

class CoalescingExecutor final : public Executor {
 public:
  // `before` and `after` run on the target's thread around each bundle.
  explicit CoalescingExecutor(Executor& target, Task before = {}, Task after = {})
      : state_(std::make_shared<State>(target)) {
    state_->before = std::move(before);
    state_->after = std::move(after);
  }

  TimePoint now() const override { return state_->target.now(); }

  void post(Task fn) override {
    bool first = false;
    {
      std::lock_guard lock(state_->mu);
      state_->queued.push_back(std::move(fn));
      first = !state_->scheduled;
      state_->scheduled = true;
    }
    // Tasks posted while this one waits ride along with it.
    if (first) state_->target.post([state = state_] { run(*state); });
  }

  TimerId schedule_after(Duration delay, Task fn) override {
    return state_->target.schedule_after(delay, std::move(fn));
  }
  bool cancel(TimerId id) override { return state_->target.cancel(id); }

 private:
  // Shared with the task in flight, which may run after this object is gone.
  struct State {
    explicit State(Executor& t) : target(t) {}
    Executor& target;
    Task before, after;
    std::mutex mu;
    std::vector<Task> queued;
    bool scheduled = false;
    std::vector<Task> running;  // only on the target's thread
  };

  static void run(State& s) {
    {
      std::lock_guard lock(s.mu);
      s.running.swap(s.queued);
      s.scheduled = false;
    }
    if (s.before) s.before();
    // Posts made while these run go out as a task of their own, after them.
    for (auto& fn : s.running) fn();
    s.running.clear();
    if (s.after) s.after();
  }

  std::shared_ptr<State> state_;
};

}  // namespace lightpath::sim
