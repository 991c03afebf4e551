#include "simulator/sim_cli/validate_command.h"

#include <iostream>
#include <memory>

#include "simulator/sim_cli/common.h"

namespace lightpath::sim_cli {
namespace {

struct ValidateOptions {
  std::string trace;
  std::string topology;
};

}  // namespace

void add_validate_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<ValidateOptions>();
  auto* cmd = app.add_subcommand("validate", "Check a trace (and its placement on a topology)");
  cmd->add_option("--trace", opts->trace, "Trace file (JSON Lines)")->required();
  cmd->add_option("--topology", opts->topology, "Topology YAML file the GPUs are placed on");
  cmd->callback([opts, &exit_code] {
    std::optional<Fabric> fabric;
    if (!opts->topology.empty()) {
      fabric = load_fabric_or_report(opts->topology);
      if (!fabric) {
        exit_code = 1;
        return;
      }
    }
    auto trace = load_trace_or_report(opts->trace, fabric ? &*fabric : nullptr);
    if (!trace) {
      exit_code = 1;
      return;
    }
    std::size_t gpus = 0, ops = 0;
    for (const auto& job : trace->jobs) {
      gpus += job.gpus.size();
      ops += job.ops.size();
    }
    std::cout << opts->trace << ": OK (" << trace->jobs.size() << " jobs, " << gpus << " GPUs, "
              << ops << " ops per iteration)\n";
    exit_code = 0;
  });
}

}  // namespace lightpath::sim_cli
