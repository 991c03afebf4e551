#pragma once
// Asking slurmctld for what its hook environment leaves out (the job's time
// limit) with `scontrol show job -o ID`, under a deadline: a hook must never
// hang on a busy slurmctld. PrologSlurmctld runs beside slurmctld's other
// threads, so scontrol can be answered while the hook runs.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "lightpath/result.h"

namespace lightpath::slurm {

struct ScontrolOptions {
  std::string path = "/usr/bin/scontrol";
  std::string slurm_conf;  // passed as SLURM_CONF when set (the hook's environment has none)
  std::chrono::milliseconds timeout{5000};
};

// Runs the program with `args`, returns its standard output. Error
// "COMMAND_FAILED" when it cannot start, exits non-zero or outlives the timeout
// (then it is killed).
Result<std::string> run_command(const std::string& path, const std::vector<std::string>& args,
                                const std::vector<std::string>& env,
                                std::chrono::milliseconds timeout);

// The job's TimeLimit; none when unlimited.
Result<std::optional<std::chrono::seconds>> query_time_limit(const ScontrolOptions& options,
                                                             const std::string& job_id);

}  // namespace lightpath::slurm
