#pragma once
// `lightpath-sim run` and `lightpath-sim compare`: replay a trace under one
// circuit policy, or several side by side, and write the results
// (docs/simulation.md, docs/simulation-report.md).

#include <CLI/CLI.hpp>

namespace lightpath::sim_cli {

void add_run_commands(CLI::App& app, int& exit_code);

}  // namespace lightpath::sim_cli
