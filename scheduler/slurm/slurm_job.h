#pragma once
// What slurmctld tells PrologSlurmctld and EpilogSlurmctld about a job, in
// environment variables, turned into the library's Job. The environment is
// all a slurmctld hook gets: no PATH, no SLURM_CONF, not the job's own
// variables (checked on Slurm 22.05; docs/slurm.md lists what is read).

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lightpath/result.h"
#include "scheduler/job.h"

namespace lightpath::slurm {

using Env = std::map<std::string, std::string>;

enum class TenantFrom { kUser, kAccount, kNone };

// Id, attempt (SLURM_JOB_RESTART_COUNT), tenant and partition. Nodes, time
// limit and hints are left to the caller. Error "MISSING_ENV" when
// SLURM_JOB_ID is not set.
Result<scheduler::Job> read_identity(const Env& env, TenantFrom tenant_from);

// The job's hints: the comment's "lightpath:" words, "lightpath_<pattern>"
// features among the constraints, LIGHTPATH_* variables; in that order of
// precedence. Error "BAD_HINT".
Result<scheduler::Hints> read_hints(const Env& env);

// The feature names of a constraint expression such as "ib&[rack1|rack2]*2".
std::vector<std::string> constraint_features(std::string_view constraints);

// A Slurm time ("30", "5:00", "01:00:00", "2-00:00:00"); none for
// "UNLIMITED", "INFINITE", "Partition_Limit", "NONE". Error: "BAD_TIME".
Result<std::optional<std::chrono::seconds>> parse_time_limit(std::string_view text);

// The process environment as a map.
Env current_env();

}  // namespace lightpath::slurm
