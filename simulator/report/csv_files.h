#pragma once
// The CSV files of one run (docs/simulation-report.md lists their columns).
// Times are seconds with nine decimals, exact to the nanosecond; a time that
// never happened (a job that never finished, a circuit never active) is an
// empty field rather than a made-up number. Lines end in "\n".

#include <string>

#include "simulator/report/run_result.h"

namespace lightpath::report {

std::string jobs_csv(const RunResult& run);
std::string iterations_csv(const RunResult& run);
std::string circuits_csv(const RunResult& run);
std::string utilization_csv(const RunResult& run);

}  // namespace lightpath::report
