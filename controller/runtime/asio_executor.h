#pragma once
// The executor seam over Boost.Asio and the steady clock, for lightpathd.
// Tasks and timers run on whichever thread runs the io_context (one thread:
// the controller core is single-threaded by design and relies on it).

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>

#include "lightpath/executor.h"

namespace lightpath::runtime {

class AsioExecutor final : public Executor {
 public:
  explicit AsioExecutor(boost::asio::io_context& io);
  AsioExecutor(const AsioExecutor&) = delete;
  AsioExecutor& operator=(const AsioExecutor&) = delete;
  // Cancels every pending timer; their tasks never run.
  ~AsioExecutor() override;

  // Nanoseconds since the Unix epoch, advancing with the steady clock.
  TimePoint now() const override;
  void post(Task fn) override;
  TimerId schedule_after(Duration delay, Task fn) override;
  bool cancel(TimerId id) override;

  std::size_t pending_timers() const;

 private:
  struct State;
  boost::asio::io_context& io_;
  std::chrono::steady_clock::time_point steady_anchor_ = std::chrono::steady_clock::now();
  std::int64_t unix_anchor_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
  // Shared with in-flight completion handlers, which may outlive this object
  // when the io_context runs after it is destroyed.
  std::shared_ptr<State> state_;
};

}  // namespace lightpath::runtime
