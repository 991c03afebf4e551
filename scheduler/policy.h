#pragma once
// From a placed job to one circuit request: which endpoints, which pattern,
// how much bandwidth, what priority and lease, and what to do if refused.
// The cluster's policy gives defaults; the job's hints override them.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "lightpath/result.h"
#include "lightpath/v1/lightpath.pb.h"
#include "scheduler/job.h"
#include "scheduler/node_mapping.h"

namespace lightpath::scheduler {

// What the scheduler does when the controller says no (or cannot be asked):
// keep the job from running, or let it run on the packet fabric.
enum class Fallback { kFail, kPacket };

struct JobDefaults {
  v1::Pattern pattern = v1::RING;
  double bandwidth_gbps = 100;
  int priority = 0;
  v1::FlowType flow_type = v1::DEDICATED_CIRCUIT;
  Fallback on_reject = Fallback::kFail;
};

struct ClusterPolicy {
  std::string cluster = "cluster";  // names the job at the controller: "<cluster>-<job id>"
  JobDefaults defaults;
  std::map<std::string, int> queue_priority;  // a queue's default priority (job hints win)
  int max_priority = 1000;                    // a job may not ask for more
  double max_bandwidth_gbps = 0;              // a job may not ask for more; 0: no cap
  // Lease = time limit + grace, so circuits of a job whose release is lost
  // still end. Without a time limit: `lease_without_limit` (0: until released).
  std::chrono::seconds lease_grace{300};
  std::chrono::seconds lease_without_limit{0};
};

struct CircuitPlan {
  v1::CircuitRequest request;  // no sources when there is nothing to connect
  Fallback on_reject = Fallback::kFail;
  std::vector<std::string> endpoints;  // distinct endpoints, in node order

  bool nothing_to_connect() const { return endpoints.size() < 2; }
};

// The controller's job id of a job, and the request id of its current attempt.
std::string controller_job_id(const ClusterPolicy& policy, const Job& job);
std::string request_id(const ClusterPolicy& policy, const Job& job);

// "ring", "all_to_all", "pairwise" (also "all-to-all"); the others are errors.
Result<v1::Pattern> parse_pattern(std::string_view text);
Result<Fallback> parse_fallback(std::string_view text);  // "fail" or "packet"
// "dedicated" / "dedicated_circuit", "preferred" / "circuit_preferred".
Result<v1::FlowType> parse_flow_type(std::string_view text);
std::string_view pattern_name(v1::Pattern p);

// Errors: "NO_NODES", "UNMAPPED_NODE" (naming every missing node),
// "BAD_HINT" (a hint value out of range or unknown), "BAD_PATTERN" (e.g.
// pairwise over an odd number of endpoints). A job whose nodes all sit on one
// endpoint plans fine with nothing to connect.
Result<CircuitPlan> plan_circuits(const Job& job, const NodeMapping& mapping,
                                  const ClusterPolicy& policy);

}  // namespace lightpath::scheduler
