#include "simulator/report/summary_json.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "simulator/report/run_stats.h"
#include "simulator/report/text_format.h"

namespace lightpath::report {

namespace {

// ordered_json keeps keys in the order written, which reads better than
// alphabetical and is just as deterministic.
using nlohmann::ordered_json;

double ratio(double v) {
  return std::round(finite_or_zero(v) * 1e6) / 1e6;
}

ordered_json summary(const RunResult& run) {
  const RunStats stats = run_stats(run);
  ordered_json out;
  out["policy"] = run.policy;
  out["seed"] = run.seed;
  out["topology"] = run.topology;
  out["trace"] = run.trace;
  out["makespan_ns"] = run.end.count_ns();
  out["jobs_total"] = stats.jobs;
  out["jobs_finished"] = stats.jobs_finished;
  out["mean_completion_ns"] =
      stats.mean_completion ? ordered_json(stats.mean_completion->count_ns()) : ordered_json();
  out["iterations"] = {{"count", stats.iterations.count},
                       {"mean_ns", stats.iterations.mean.count_ns()},
                       {"p50_ns", stats.iterations.p50.count_ns()},
                       {"p99_ns", stats.iterations.p99.count_ns()}};
  out["reconfigurations"] = run.reconfigurations;
  out["dark_time_ns"] = run.dark_time.count_ns();
  out["circuits"] = {{"requested", run.circuits.size()},
                     {"granted", stats.circuits_granted},
                     {"refused", stats.circuits_refused}};
  out["utilization"] = {{"samples", run.utilization.size()},
                        {"mean_packet", ratio(stats.mean_packet_utilization)},
                        {"mean_circuit", ratio(stats.mean_circuit_utilization)},
                        {"peak_circuits_up", stats.peak_circuits_up}};
  out["events"] = run.events;
  out["flows"] = run.flows;
  auto jobs = ordered_json::array();
  for (const auto& job : run.jobs) {
    const bool done = job_finished(job);
    jobs.push_back(
        {{"id", job.id},
         {"finished", done},
         {"completion_ns", done ? ordered_json(job.completion().count_ns()) : ordered_json()},
         {"iterations", job.iterations.size()},
         {"mean_iteration_ns", iteration_stats(job.iterations).mean.count_ns()},
         {"circuits_granted", job.circuits_granted},
         {"circuits_refused", job.circuits_refused}});
  }
  out["jobs"] = std::move(jobs);
  return out;
}

// Job ids come from user files and may not be valid UTF-8; replacing bad bytes
// keeps dump() from throwing.
std::string dump(const ordered_json& j) {
  return j.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string run_summary_json(const RunResult& run) {
  return dump(summary(run));
}

std::string comparison_summary_json(const std::vector<RunResult>& runs,
                                    const std::vector<std::string>& dirs) {
  auto policies = ordered_json::array();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    ordered_json entry = summary(runs[i]);
    ordered_json with_dir;
    with_dir["policy"] = entry["policy"];
    with_dir["dir"] = i < dirs.size() ? dirs[i] : std::string();
    for (auto& [key, value] : entry.items()) {
      if (key != "policy") with_dir[key] = value;
    }
    policies.push_back(std::move(with_dir));
  }
  return dump(ordered_json{{"policies", std::move(policies)}});
}

}  // namespace lightpath::report
