#pragma once
// The files `lightpath-sim run` and `lightpath-sim compare` leave behind
// (docs/simulation-report.md). The same RunResult always gives byte-identical
// files: fixed number formats, no timestamps, no locale.

#include <filesystem>
#include <string>
#include <vector>

#include "lightpath/result.h"
#include "simulator/report/run_result.h"

namespace lightpath::report {

// Writes into `dir` (created if missing): summary.json, jobs.csv,
// iterations.csv, circuits.csv, utilization.csv and report.html for one run.
// The error names the file or folder that could not be written.
Result<bool> write_run(const RunResult& run, const std::filesystem::path& dir);

// Writes each run into dir/<policy>/ as write_run does, then dir/summary.json
// (one entry per run) and dir/report.html comparing them. Policy names become
// folder names with characters other than letters, digits, '.', '_' and '-'
// replaced by '_'; a name already taken gets "-2", "-3", ... appended.
Result<bool> write_comparison(const std::vector<RunResult>& runs, const std::filesystem::path& dir);

// A short plain-text table for the terminal: policy, makespan s, mean JCT s,
// mean iteration ms, reconfigurations, dark time s; one line per run.
std::string comparison_table(const std::vector<RunResult>& runs);

}  // namespace lightpath::report
