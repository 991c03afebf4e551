#pragma once
#include <CLI/CLI.hpp>

namespace lightpath::sim_cli {

// `lightpath-sim validate --trace T [--topology F]`: OK with a summary, or
// every error of the file and exit code 1.
void add_validate_command(CLI::App& app, int& exit_code);

}  // namespace lightpath::sim_cli
