#pragma once
// One replay of a trace under one policy, start to finish: builds the world
// (policy/sim_world.h), lets the policy set up, replays the jobs, samples
// utilization, and gathers what the report shows.

#include <functional>
#include <string>

#include "simulator/netmodel/collective_plan.h"
#include "simulator/policy/policy.h"
#include "simulator/report/run_result.h"
#include "simulator/trace/trace.h"

namespace lightpath::policy {

struct RunOptions {
  std::string policy = "on-demand";
  WorldOptions world;
  netmodel::PlanOptions plan;
  PolicyOptions policy_options;
  // A run stops here even if some job has not finished (it then shows as
  // unfinished in the results).
  Duration horizon = Duration::s(7 * 24 * 3600);
  // Called now and then with the share of all iterations done (0..1).
  std::function<void(double)> progress;
};

// Errors: UNKNOWN_POLICY, UNKNOWN_ENDPOINT and NO_ROUTE (trace_replay.h),
// and the world's (sim_world.h).
Result<report::RunResult> run_policy(const trace::Trace& trace, const Fabric& fabric,
                                     const RunOptions& options);

}  // namespace lightpath::policy
