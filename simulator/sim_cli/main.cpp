// lightpath-sim: the offline simulator's command line: workload traces
// (docs/trace-format.md) made, checked and imported, and replayed on a fabric
// under circuit policies (docs/simulation.md).

#include <CLI/CLI.hpp>

#include "simulator/sim_cli/gen_command.h"
#include "simulator/sim_cli/import_command.h"
#include "simulator/sim_cli/run_command.h"
#include "simulator/sim_cli/validate_command.h"

int main(int argc, char** argv) {
  CLI::App app{"lightpath-sim - replay AI-training traffic on a hybrid packet/OCS fabric"};
  app.require_subcommand(1);
  int exit_code = 0;
  lightpath::sim_cli::add_gen_command(app, exit_code);
  lightpath::sim_cli::add_validate_command(app, exit_code);
  lightpath::sim_cli::add_import_command(app, exit_code);
  lightpath::sim_cli::add_run_commands(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
