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
  struct Options {
    // Run on the target's thread around each bundle.
    Task before;
    Task after;
    // When every post comes from one thread, that thread's executor: a
    // bundle then goes out once the work that thread has queued is done,
    // rather than with its first task (which would wake the target for it
    // alone while the rest is still being made). Never for a thread that
    // may block waiting on the target.
    Executor* source = nullptr;
  };

  CoalescingExecutor(Executor& target, Options options)
      : state_(std::make_shared<State>(target, std::move(options))) {}

  TimePoint now() const override { return state_->target.now(); }

  void post(Task fn) override {
    bool first = false;
    {
      std::lock_guard lock(state_->mu);
      state_->queued.push_back(std::move(fn));
      first = !state_->scheduled;
      state_->scheduled = true;
    }
    if (!first) return;  // it rides along with the bundle on its way
    if (state_->options.source)
      state_->options.source->post([state = state_] { send(state); });
    else
      send(state_);
  }

  TimerId schedule_after(Duration delay, Task fn) override {
    return state_->target.schedule_after(delay, std::move(fn));
  }
  bool cancel(TimerId id) override { return state_->target.cancel(id); }

 private:
  // Shared with the task in flight, which may run after this object is gone.
  struct State {
    State(Executor& t, Options o) : target(t), options(std::move(o)) {}
    Executor& target;
    Options options;
    std::mutex mu;
    std::vector<Task> queued;
    bool scheduled = false;
    std::vector<Task> running;  // only on the target's thread
  };

  static void send(const std::shared_ptr<State>& state) {
    state->target.post([state] { run(*state); });
  }

  static void run(State& s) {
    {
      std::lock_guard lock(s.mu);
      s.running.swap(s.queued);
      s.scheduled = false;
    }
    if (s.options.before) s.options.before();
    // Posts made while these run go out as a task of their own, after them.
    for (auto& fn : s.running) fn();
    s.running.clear();
    if (s.options.after) s.options.after();
  }

  std::shared_ptr<State> state_;
};

}  // namespace lightpath::sim
