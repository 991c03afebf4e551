#pragma once
// Where a job says how it wants its circuits. Schedulers keep such settings
// in different places, so each reader turns one place into Hints and
// merge_hints() lets the more specific place win:
//   free text (a Slurm --comment, a Kubernetes annotation value):
//       "lightpath:pattern=ring,bandwidth_gbps=200"  among other words
//   labels or features (Slurm --constraint, node selectors):
//       "lightpath_ring", "lightpath_all_to_all", "lightpath_pairwise"
//   environment variables: LIGHTPATH_PATTERN=ring, LIGHTPATH_BANDWIDTH_GBPS=200
// Keys are checked here (an unknown key is an error, so a typo is never
// silently ignored); values are checked by the planner (policy.h).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lightpath/result.h"
#include "scheduler/job.h"

namespace lightpath::scheduler {

// pattern, bandwidth_gbps, priority, flow_type, on_reject.
const std::vector<std::string>& known_hint_keys();

// Reads every whitespace-separated word starting with "lightpath:" as
// comma-separated key=value pairs; other words are ignored. Error code
// "BAD_HINT" names the word.
Result<Hints> hints_from_text(std::string_view text);

// "lightpath_<pattern>" labels set the pattern; other labels are ignored.
// Two different patterns are a "BAD_HINT" error.
Result<Hints> hints_from_labels(const std::vector<std::string>& labels);

// LIGHTPATH_<KEY> variables (key upper-cased), e.g. LIGHTPATH_PATTERN.
Hints hints_from_env(const std::map<std::string, std::string>& env);

// Every key of `first`, then keys of `second` that `first` lacks.
Hints merge_hints(const Hints& first, const Hints& second);

}  // namespace lightpath::scheduler
