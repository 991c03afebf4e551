// lightpath-sim: the offline simulator's command line. This layer reads,
// writes and checks workload traces (docs/trace-format.md); replaying them on
// a fabric comes with the network model.

#include <CLI/CLI.hpp>

#include "simulator/sim_cli/gen_command.h"
#include "simulator/sim_cli/import_command.h"
#include "simulator/sim_cli/validate_command.h"

int main(int argc, char** argv) {
  CLI::App app{"lightpath-sim - workload traces for the lightpath fabric simulator"};
  app.require_subcommand(1);
  int exit_code = 0;
  lightpath::sim_cli::add_gen_command(app, exit_code);
  lightpath::sim_cli::add_validate_command(app, exit_code);
  lightpath::sim_cli::add_import_command(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
