#pragma once
// Replays a whole trace (simulator/trace) on the fluid model with a fixed
// set of circuits — none for packet-only — and reports each job's iteration
// times. No policy runs here: circuits do not change during the replay.
//
// Semantics follow docs/trace-format.md: a job starts its first iteration at
// its arrival; an op instance (one member of its group) starts when, for
// each dependency and each of its GPUs, the dependency's instance holding
// that GPU has finished; a collective instance runs its flow plan
// (collective_plan.h) over the member's endpoints; the next iteration starts
// when every instance of the current one has finished.

#include <string>
#include <vector>

#include "lightpath/result.h"
#include "simulator/netmodel/collective_plan.h"
#include "simulator/netmodel/network.h"
#include "simulator/trace/trace.h"

namespace lightpath::netmodel {

struct ReplayOptions {
  PlanOptions plan;
  NetworkOptions network;
};

struct JobReplay {
  std::string id;
  TimePoint arrival;
  TimePoint started;  // its first iteration began (a policy may hold it back)
  TimePoint finished;
  std::vector<Duration> iterations;  // each iteration's duration, in order
};

struct ReplayResult {
  std::vector<JobReplay> jobs;  // in trace order
  TimePoint end;                // when the last job finished
  std::uint64_t flows = 0;
  std::uint64_t events = 0;
};

// Errors (as Error{code, message}): UNKNOWN_ENDPOINT when a GPU's endpoint
// is not in `fabric`; NO_ROUTE when two GPUs that exchange data have neither
// a circuit nor a packet path.
Result<ReplayResult> replay_trace(const trace::Trace& trace, const Fabric& fabric,
                                  const std::vector<Circuit>& circuits,
                                  const ReplayOptions& options = {});

}  // namespace lightpath::netmodel
