#pragma once
// Exponential backoff with jitter between retries of a call to the
// controller, bounded by an overall deadline so that no retry loop hangs.

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

namespace lightpath::scheduler {

struct BackoffOptions {
  std::chrono::milliseconds initial{100};
  std::chrono::milliseconds max{2000};
  double factor = 2.0;
};

class Backoff {
 public:
  using Clock = std::chrono::steady_clock;

  Backoff(BackoffOptions options, Clock::time_point deadline)
      : options_(options),
        deadline_(deadline),
        next_(options.initial),
        rng_(std::random_device{}()) {}

  // Sleeps before the next attempt; false when the deadline leaves no time
  // for one. Jitter (50-100% of the step) keeps many hooks that lost the
  // controller at once from retrying in lockstep.
  bool wait() {
    const auto now = Clock::now();
    if (now >= deadline_) return false;
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    auto step = std::chrono::duration_cast<Clock::duration>(next_ * jitter(rng_));
    step = std::min(step, deadline_ - now);
    std::this_thread::sleep_for(step);
    next_ =
        std::min(options_.max,
                 std::chrono::duration_cast<std::chrono::milliseconds>(next_ * options_.factor));
    return Clock::now() < deadline_;
  }

 private:
  BackoffOptions options_;
  Clock::time_point deadline_;
  std::chrono::milliseconds next_;
  std::mt19937 rng_;
};

}  // namespace lightpath::scheduler
