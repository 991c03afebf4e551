#pragma once
#include <CLI/CLI.hpp>

namespace lightpath::sim_cli {

// `lightpath-sim import-chakra --ranks DIR_OR_PREFIX --topology F --out T`.
void add_import_command(CLI::App& app, int& exit_code);

}  // namespace lightpath::sim_cli
