#pragma once
// The figures a report shows for one run, derived from its RunResult. Kept
// apart from the writers so that summary.json, the terminal table and
// report.html agree on every number.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "simulator/report/run_result.h"

namespace lightpath::report {

// Iteration times pooled over jobs. Percentiles are nearest-rank (an actual
// iteration's duration, never interpolated); all zero when there are none.
struct IterationStats {
  std::size_t count = 0;
  Duration mean;  // rounded to the nanosecond
  Duration p50;
  Duration p99;
};

struct RunStats {
  std::size_t jobs = 0;
  std::size_t jobs_finished = 0;
  std::optional<Duration> mean_completion;  // over finished jobs; none when no job finished
  IterationStats iterations;
  std::int64_t circuits_granted = 0;  // summed over jobs
  std::int64_t circuits_refused = 0;
  double mean_packet_utilization = 0;  // over the samples, 0..1; 0 when there are none
  double mean_circuit_utilization = 0;
  int peak_circuits_up = 0;
};

// A job counts as finished when `finished` is set (run_result.h: zero means never).
bool job_finished(const JobResult& job);

IterationStats iteration_stats(std::vector<Duration> durations);
RunStats run_stats(const RunResult& run);

}  // namespace lightpath::report
