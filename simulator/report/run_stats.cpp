#include "simulator/report/run_stats.h"

#include <algorithm>
#include <cmath>

#include "simulator/report/text_format.h"

namespace lightpath::report {

namespace {

// Mean rounded to the nanosecond; long double holds the sum of a long run's
// iterations without overflowing int64.
Duration mean_of(const std::vector<Duration>& values) {
  if (values.empty()) return Duration{};
  long double sum = 0;
  for (auto v : values) sum += static_cast<long double>(v.count_ns());
  return Duration::ns(std::llround(sum / static_cast<long double>(values.size())));
}

// Nearest rank: the smallest value with at least q_percent of the values at or below it.
Duration percentile(const std::vector<Duration>& sorted, std::size_t q_percent) {
  if (sorted.empty()) return Duration{};
  std::size_t rank = (q_percent * sorted.size() + 99) / 100;
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

}  // namespace

bool job_finished(const JobResult& job) {
  return job.finished != Duration{};
}

IterationStats iteration_stats(std::vector<Duration> durations) {
  IterationStats stats;
  stats.count = durations.size();
  if (durations.empty()) return stats;
  std::sort(durations.begin(), durations.end());
  stats.mean = mean_of(durations);
  stats.p50 = percentile(durations, 50);
  stats.p99 = percentile(durations, 99);
  return stats;
}

RunStats run_stats(const RunResult& run) {
  RunStats stats;
  stats.jobs = run.jobs.size();
  std::vector<Duration> completions;
  std::vector<Duration> iterations;
  for (const auto& job : run.jobs) {
    stats.circuits_granted += job.circuits_granted;
    stats.circuits_refused += job.circuits_refused;
    iterations.insert(iterations.end(), job.iterations.begin(), job.iterations.end());
    if (job_finished(job)) completions.push_back(job.completion());
  }
  stats.jobs_finished = completions.size();
  if (!completions.empty()) stats.mean_completion = mean_of(completions);
  stats.iterations = iteration_stats(std::move(iterations));

  if (!run.utilization.empty()) {
    double packet = 0;
    double circuit = 0;
    for (const auto& s : run.utilization) {
      packet += finite_or_zero(s.packet);
      circuit += finite_or_zero(s.circuit);
      stats.peak_circuits_up = std::max(stats.peak_circuits_up, s.circuits_up);
    }
    const auto n = static_cast<double>(run.utilization.size());
    stats.mean_packet_utilization = packet / n;
    stats.mean_circuit_utilization = circuit / n;
  }
  return stats;
}

}  // namespace lightpath::report
