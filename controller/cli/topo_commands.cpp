#include "controller/cli/topo_commands.h"

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "controller/topology/fabric_report.h"
#include "controller/topology/topology_loader.h"

namespace lightpath::cli {
namespace {

struct TopoOptions {
  std::string file;
  bool json = false;
};

// Loads the file, printing every diagnostic to stderr on failure.
std::optional<Fabric> load_or_report(const std::string& file) {
  auto loaded = topology::load_topology_file(file);
  if (loaded) return std::move(*loaded);
  for (const auto& d : loaded.error()) std::cerr << d.to_string() << "\n";
  std::cerr << fmt::format("{}: {} error(s)\n", file, loaded.error().size());
  return std::nullopt;
}

}  // namespace

void add_topo_commands(CLI::App& app, int& exit_code) {
  auto* topo = app.add_subcommand("topo", "Check and describe topology files");
  topo->require_subcommand(1);
  auto opts = std::make_shared<TopoOptions>();

  auto* validate = topo->add_subcommand("validate", "Print OK, or every error in the file");
  validate->add_option("file", opts->file, "Topology YAML file")->required();
  validate->callback([opts, &exit_code] {
    if (!load_or_report(opts->file)) {
      exit_code = 1;
      return;
    }
    std::cout << opts->file << ": OK\n";
    exit_code = 0;
  });

  auto* show = topo->add_subcommand("show", "Summarize the fabric a topology file describes");
  show->add_option("file", opts->file, "Topology YAML file")->required();
  show->add_flag("--json", opts->json, "Print JSON for scripts");
  show->callback([opts, &exit_code] {
    auto fabric = load_or_report(opts->file);
    if (!fabric) {
      exit_code = 1;
      return;
    }
    if (opts->json) {
      std::cout << topology::summary_json(*fabric).dump(2) << "\n";
    } else {
      std::cout << topology::summary_text(*fabric);
    }
    exit_code = 0;
  });
}

}  // namespace lightpath::cli
