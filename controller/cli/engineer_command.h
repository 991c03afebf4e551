#pragma once
// `lightpathctl engineer`: offline topology engineering. Reads a topology, a
// traffic matrix and optionally the current cross-connects; prints the
// logical topology, the cross-connects per switch and the changes it would
// make. Changes nothing.

#include <CLI/CLI.hpp>

namespace lightpath::cli {

// Adds the `engineer` subcommand to `app`; `exit_code` receives its result.
void add_engineer_command(CLI::App& app, int& exit_code);

}  // namespace lightpath::cli
