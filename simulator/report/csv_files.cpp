#include "simulator/report/csv_files.h"

#include <initializer_list>

#include "simulator/report/run_stats.h"
#include "simulator/report/text_format.h"

namespace lightpath::report {

namespace {

void row(std::string& out, std::initializer_list<std::string> fields) {
  bool first = true;
  for (const auto& f : fields) {
    if (!first) out += ',';
    out += f;
    first = false;
  }
  out += '\n';
}

}  // namespace

std::string jobs_csv(const RunResult& run) {
  std::string out;
  row(out,
      {"job", "gpus", "arrival_s", "started_s", "wait_s", "finished", "finished_s", "completion_s",
       "iterations", "mean_iteration_s", "circuits_granted", "circuits_refused"});
  for (const auto& job : run.jobs) {
    const bool done = job_finished(job);
    row(out,
        {csv_field(job.id), std::to_string(job.gpus), seconds(job.arrival), seconds(job.started),
         seconds(job.started - job.arrival), done ? "1" : "0", done ? seconds(job.finished) : "",
         done ? seconds(job.completion()) : "", std::to_string(job.iterations.size()),
         job.iterations.empty() ? "" : seconds(iteration_stats(job.iterations).mean),
         std::to_string(job.circuits_granted), std::to_string(job.circuits_refused)});
  }
  return out;
}

std::string iterations_csv(const RunResult& run) {
  std::string out;
  row(out, {"job", "iteration", "duration_s"});
  for (const auto& job : run.jobs) {
    const std::string id = csv_field(job.id);
    for (std::size_t i = 0; i < job.iterations.size(); ++i) {
      row(out, {id, std::to_string(i + 1), seconds(job.iterations[i])});
    }
  }
  return out;
}

std::string circuits_csv(const RunResult& run) {
  std::string out;
  row(out, {"circuit", "job", "a", "b", "gbps", "requested_s", "active_s", "released_s", "dark_s",
            "end_state"});
  for (const auto& c : run.circuits) {
    // run_result.h marks "never active" and "still up" with negative times.
    const bool was_active = c.active >= Duration{};
    const bool was_released = c.released >= Duration{};
    row(out, {std::to_string(c.id), csv_field(c.job), csv_field(c.a), csv_field(c.b),
              fixed(c.gbps, 3), seconds(c.requested), was_active ? seconds(c.active) : "",
              was_released ? seconds(c.released) : "",
              was_active ? seconds(c.active - c.requested) : "", csv_field(c.end_state)});
  }
  return out;
}

std::string utilization_csv(const RunResult& run) {
  std::string out;
  row(out, {"at_s", "packet_utilization", "circuit_utilization", "circuits_up"});
  for (const auto& s : run.utilization) {
    row(out,
        {seconds(s.at), fixed(s.packet, 6), fixed(s.circuit, 6), std::to_string(s.circuits_up)});
  }
  return out;
}

}  // namespace lightpath::report
