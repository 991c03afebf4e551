#include "simulator/sim_cli/import_command.h"

namespace lightpath::sim_cli {

void add_import_command(CLI::App&, int&) {}

}  // namespace lightpath::sim_cli
