#pragma once
#include <CLI/CLI.hpp>

namespace lightpath::sim_cli {

// `lightpath-sim gen --topology F --layout dp|gpt|moe ... [--out FILE]`.
void add_gen_command(CLI::App& app, int& exit_code);

}  // namespace lightpath::sim_cli
