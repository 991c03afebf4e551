#pragma once
// `lightpathctl circuits list|get|release`: circuits of a running lightpathd.

#include <CLI/CLI.hpp>

namespace lightpath::cli {

void add_circuit_commands(CLI::App& app, int& exit_code);

}  // namespace lightpath::cli
