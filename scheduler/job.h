#pragma once
// A placed job as any cluster scheduler describes it: the input of the
// scheduler client library. Nothing here is Slurm's: the Slurm hook fills it
// from SLURM_* variables, a Kubernetes controller would fill it from a pod
// group or a Job object (docs/kubernetes.md).

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lightpath::scheduler {

// The job's own settings (pattern, bandwidth_gbps, priority, flow_type,
// on_reject), already merged from wherever the scheduler keeps them
// (see hints.h). Values are text, checked when the request is planned.
using Hints = std::map<std::string, std::string>;

struct Job {
  std::string id;                  // the scheduler's job id, e.g. "1234" or "ns/train-7"
  unsigned attempt = 0;            // restarts so far; each attempt makes its own request
  std::string tenant;              // owner (user or account); must match on release
  std::string queue;               // partition, queue or priority class
  std::vector<std::string> nodes;  // scheduler node names, in placement order
  std::optional<std::chrono::seconds> time_limit;  // none: unlimited or unknown
  Hints hints;
};

}  // namespace lightpath::scheduler
