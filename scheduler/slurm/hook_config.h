#pragma once
// lightpath-slurm's settings file (YAML; every key documented in
// docs/slurm.md). Relative paths in it are relative to the file.

#include <chrono>
#include <string>

#include "lightpath/result.h"
#include "scheduler/circuit_client.h"
#include "scheduler/policy.h"
#include "scheduler/slurm/scontrol.h"
#include "scheduler/slurm/slurm_job.h"

namespace lightpath::slurm {

struct HookTimeouts {
  std::chrono::milliseconds request{20'000};  // to get an answer, retries included
  std::chrono::milliseconds active{60'000};   // for the circuits to be ACTIVE
  std::chrono::milliseconds release{60'000};  // to deliver the epilog's release
};

struct HookConfig {
  scheduler::ClientOptions client;  // server, call_timeout
  std::string mapping;              // node mapping file (required)
  scheduler::ClusterPolicy policy;  // cluster ("" here: from SLURM_CLUSTER_NAME), defaults
  bool cluster_from_env = true;     // `cluster` not set in the file
  scheduler::Fallback on_error = scheduler::Fallback::kFail;  // unreachable, bad input, timeout
  TenantFrom tenant_from = TenantFrom::kUser;
  HookTimeouts timeouts;
  std::string log_file;      // also append messages here ("": stderr only)
  std::string journal_dir;   // undelivered releases ("": none kept)
  ScontrolOptions scontrol;  // path "": no time limit, so no lease from it
};

// Errors list every problem as "file:line:col: message" (code "BAD_FILE").
Result<HookConfig> parse_hook_config(const std::string& text, const std::string& file);
Result<HookConfig> load_hook_config(const std::string& path);

}  // namespace lightpath::slurm
