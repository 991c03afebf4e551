#include "simulator/sim_cli/import_command.h"

#include <fstream>
#include <iostream>
#include <memory>

#include "simulator/sim_cli/common.h"
#include "simulator/trace/chakra_io.h"
#include "simulator/trace/chakra_reader.h"
#include "simulator/trace/placement.h"
#include "simulator/trace/trace_writer.h"

namespace lightpath::sim_cli {
namespace {

struct ImportOptions {
  std::string ranks;
  std::string topology;
  std::string out;
  trace::ChakraImportOptions chakra;
  trace::PlacementOptions placement;
};

int run_import(const ImportOptions& o) {
  auto fabric = load_fabric_or_report(o.topology);
  if (!fabric) return 1;
  auto files = trace::chakra::find_rank_files(o.ranks);
  if (!files) {
    std::cerr << files.error() << "\n";
    return 1;
  }
  auto imported = trace::import_chakra(*files, o.chakra);
  if (!imported) {
    for (const auto& d : imported.error()) std::cerr << d.to_string() << "\n";
    std::cerr << o.ranks << ": " << imported.error().size() << " error(s)\n";
    return 1;
  }
  auto& t = imported->trace;
  trace::Job& job = t.jobs[0];
  // Ranks take the generator's slots: port groups in topology order.
  trace::Placer placer(*fabric, o.placement);
  auto gpus = placer.take(static_cast<int>(job.gpus.size()));
  if (!gpus) {
    std::cerr << "lightpath-sim import-chakra: " << gpus.error() << "\n";
    return 1;
  }
  job.gpus = std::move(*gpus);
  t.topology = fabric->name;
  std::ofstream out(o.out, std::ios::binary);
  trace::write_trace(t, out);
  out.close();
  if (!out) {
    std::cerr << o.out << ": cannot write the file\n";
    return 1;
  }
  std::cout << o.out << ": " << job.gpus.size() << " ranks, " << job.ops.size()
            << " ops per iteration, " << job.iterations << " iterations";
  if (imported->skipped_nodes > 0)
    std::cout << " (" << imported->skipped_nodes << " memory/metadata nodes skipped)";
  std::cout << "\n";
  return 0;
}

}  // namespace

void add_import_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ImportOptions>();
  auto* cmd =
      app.add_subcommand("import-chakra", "Convert a Chakra execution trace (one file per rank)");
  cmd->add_option("--ranks", o->ranks, "Directory of NAME.<rank>.et files, or the prefix NAME path")
      ->required();
  cmd->add_option("--topology", o->topology, "Topology YAML file to place ranks on")->required();
  cmd->add_option("--out", o->out, "Trace file to write (JSON Lines)")->required();
  cmd->add_option("--iterations", o->chakra.iterations,
                  "Iterations of the imported graph (default: from the trace, else 1)");
  cmd->add_option("--port-group", o->placement.port_group,
                  "Place ranks only on port groups of this name");
  cmd->add_option("--gpus-per-group", o->placement.gpus_per_group,
                  "Ranks per endpoint port group (default: one per port)");
  cmd->callback([o, &exit_code] { exit_code = run_import(*o); });
}

}  // namespace lightpath::sim_cli
