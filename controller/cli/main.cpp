// lightpathctl: the operator's command line for lightpath.

#include <CLI/CLI.hpp>

#include "controller/cli/circuit_commands.h"
#include "controller/cli/engineer_command.h"
#include "controller/cli/fabric_commands.h"
#include "controller/cli/fabric_fault_command.h"
#include "controller/cli/request_command.h"
#include "controller/cli/solve_command.h"
#include "controller/cli/token_commands.h"
#include "controller/cli/topo_commands.h"
#include "controller/cli/watch_command.h"

int main(int argc, char** argv) {
  CLI::App app{"lightpathctl - operate a lightpath optical circuit fabric"};
  app.require_subcommand(1);
  int exit_code = 0;
  lightpath::cli::add_topo_commands(app, exit_code);
  lightpath::cli::add_solve_command(app, exit_code);
  lightpath::cli::add_engineer_command(app, exit_code);
  lightpath::cli::add_circuit_commands(app, exit_code);
  lightpath::cli::add_fabric_commands(app, exit_code);
  lightpath::cli::add_fabric_fault_commands(app, exit_code);
  lightpath::cli::add_request_command(app, exit_code);
  lightpath::cli::add_watch_command(app, exit_code);
  lightpath::cli::add_token_commands(app, exit_code);
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
