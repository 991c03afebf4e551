#pragma once
// report.html: one self-contained page (inline CSS and SVG, no script, a
// Content-Security-Policy that forbids fetching anything) that a person opens
// from disk to see a run, or several runs side by side.

#include <string>
#include <vector>

#include "simulator/report/run_result.h"

namespace lightpath::report {

std::string run_html(const RunResult& run);

// `dirs[i]` is the folder, relative to the page, holding runs[i]'s own report.
std::string comparison_html(const std::vector<RunResult>& runs,
                            const std::vector<std::string>& dirs);

}  // namespace lightpath::report
