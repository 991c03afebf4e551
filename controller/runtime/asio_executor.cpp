#include "controller/runtime/asio_executor.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <unordered_map>

namespace lightpath::runtime {

struct AsioExecutor::State {
  struct Timer {
    std::unique_ptr<boost::asio::steady_timer> timer;
    Task task;
  };
  std::unordered_map<std::uint64_t, Timer> timers;
  std::uint64_t next_id = 1;
};

AsioExecutor::AsioExecutor(boost::asio::io_context& io)
    : io_(io), state_(std::make_shared<State>()) {}

AsioExecutor::~AsioExecutor() {
  for (auto& [id, t] : state_->timers) t.timer->cancel();
  state_->timers.clear();
}

TimePoint AsioExecutor::now() const {
  // Steady time, anchored to the Unix epoch once: monotonic within the
  // process, yet meaningful across restarts (leases are stored as wall time).
  const auto elapsed = std::chrono::steady_clock::now() - steady_anchor_;
  return TimePoint::from_ns(unix_anchor_ns_ +
                            std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count());
}

void AsioExecutor::post(Task fn) {
  boost::asio::post(io_, std::move(fn));
}

TimerId AsioExecutor::schedule_after(Duration delay, Task fn) {
  if (delay < Duration()) delay = Duration();
  const std::uint64_t id = state_->next_id++;
  auto timer = std::make_unique<boost::asio::steady_timer>(io_);
  timer->expires_after(std::chrono::nanoseconds(delay.count_ns()));
  timer->async_wait([state = state_, id](const boost::system::error_code& ec) {
    if (ec) return;
    auto it = state->timers.find(id);
    // Cancelled after the timer fired but before this handler ran.
    if (it == state->timers.end()) return;
    Task task = std::move(it->second.task);
    state->timers.erase(it);
    task();
  });
  state_->timers.emplace(id, State::Timer{std::move(timer), std::move(fn)});
  return TimerId{id};
}

bool AsioExecutor::cancel(TimerId id) {
  auto it = state_->timers.find(id.value);
  if (it == state_->timers.end()) return false;
  it->second.timer->cancel();
  state_->timers.erase(it);
  return true;
}

std::size_t AsioExecutor::pending_timers() const {
  return state_->timers.size();
}

}  // namespace lightpath::runtime
