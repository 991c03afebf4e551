#pragma once
// summary.json: the headline numbers of a run, or of several side by side.
// Durations are integer nanoseconds (keys end in _ns) so that they are exact;
// utilization is a fraction 0..1 rounded to six decimals.

#include <string>
#include <vector>

#include "simulator/report/run_result.h"

namespace lightpath::report {

// One run's summary.json, pretty-printed with a final newline.
std::string run_summary_json(const RunResult& run);

// The comparison's summary.json: {"policies": [...]}, one run summary per
// entry in the order given, each with the folder (`dirs[i]`, relative) it was written to.
std::string comparison_summary_json(const std::vector<RunResult>& runs,
                                    const std::vector<std::string>& dirs);

}  // namespace lightpath::report
