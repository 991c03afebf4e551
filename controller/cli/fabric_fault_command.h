#pragma once
// `lightpathctl fabric fault inject|clear|clear-all|list` and
// `lightpathctl fabric changes`: fault injection and change counters of a
// running lightpath-fabric, over its admin service (FabricAdminService).

#include <CLI/CLI.hpp>

namespace lightpath::cli {

void add_fabric_fault_commands(CLI::App& app, int& exit_code);

}  // namespace lightpath::cli
