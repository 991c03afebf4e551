#pragma once
// `lightpathctl topo validate|show`: offline checks of a topology file.

#include <CLI/CLI.hpp>

namespace lightpath::cli {

// Adds the `topo` subcommand to `app`; `exit_code` receives the verb's result.
void add_topo_commands(CLI::App& app, int& exit_code);

}  // namespace lightpath::cli
