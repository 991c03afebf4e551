#pragma once
// RunResult values built by hand, a scratch folder, and file reading for the
// report suite.

#include <doctest/doctest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "simulator/report/run_result.h"

namespace lightpath::report::test {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "lightpath-report-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline JobResult job(std::string id, int arrival_ms, int started_ms, int finished_ms,
                     std::vector<int> iterations_ms) {
  JobResult j;
  j.id = std::move(id);
  j.gpus = 8;
  j.arrival = Duration::ms(arrival_ms);
  j.started = Duration::ms(started_ms);
  j.finished = Duration::ms(finished_ms);
  for (int ms : iterations_ms) j.iterations.push_back(Duration::ms(ms));
  return j;
}

// Two jobs, one circuit released and one never active, four samples.
// `scale` stretches the times so that policies differ in a comparison.
inline RunResult sample_run(const std::string& policy, int scale = 1) {
  RunResult run;
  run.policy = policy;
  run.seed = 7;
  run.topology = "tiny";
  run.trace = "two-jobs";
  run.jobs.push_back(job("job-a", 0, 1, 301 * scale, {100 * scale, 100 * scale, 100 * scale}));
  run.jobs.push_back(job("job-b", 50, 60, 460 * scale, {200 * scale, 200 * scale}));
  run.jobs[0].circuits_granted = 2;
  run.jobs[1].circuits_refused = 1;
  CircuitSpan up{1,         "job-a",         "gpu0",          "gpu1",
                 400,       Duration::ms(0), Duration::ms(1), Duration::ms(301),
                 "RELEASED"};
  CircuitSpan never{2,       "job-b",          "gpu2",           "gpu3",
                    400,     Duration::ms(50), Duration::ns(-1), Duration::ns(-1),
                    "FAILED"};
  run.circuits = {up, never};
  for (int i = 0; i < 4; ++i) {
    run.utilization.push_back({Duration::ms(100 * (i + 1) * scale), 0.25 * i, 0.5, i % 2 + 1});
  }
  run.end = Duration::ms(460 * scale);
  run.reconfigurations = 4;
  run.dark_time = Duration::ms(1);
  run.events = 1234;
  run.flows = 56;
  return run;
}

}  // namespace lightpath::report::test
