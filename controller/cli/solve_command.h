#pragma once
// `lightpathctl solve`: an offline what-if. Reads a topology, requests and
// optionally the current allocation; prints what the solver would do.

#include <CLI/CLI.hpp>

namespace lightpath::cli {

void add_solve_command(CLI::App& app, int& exit_code);

}  // namespace lightpath::cli
