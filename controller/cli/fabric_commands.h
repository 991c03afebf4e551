#pragma once
// `lightpathctl switches list`, `ports SWITCH`, `telemetry SWITCH PORT`,
// `alarms`: the optical fabric
// as a running lightpathd sees it.

#include <CLI/CLI.hpp>

namespace lightpath::cli {

void add_fabric_commands(CLI::App& app, int& exit_code);

}  // namespace lightpath::cli
