#include "simulator/sim_cli/common.h"

#include <iostream>

#include "controller/topology/topology_loader.h"
#include "simulator/trace/trace_check.h"
#include "simulator/trace/trace_reader.h"

namespace lightpath::sim_cli {
namespace {

void report(const std::vector<topology::Diagnostic>& diags, const std::string& file) {
  for (const auto& d : diags) std::cerr << d.to_string() << "\n";
  std::cerr << file << ": " << diags.size() << " error(s)\n";
}

}  // namespace

std::optional<Fabric> load_fabric_or_report(const std::string& file) {
  auto loaded = topology::load_topology_file(file);
  if (loaded) return std::move(*loaded);
  report(loaded.error(), file);
  return std::nullopt;
}

std::optional<trace::Trace> load_trace_or_report(const std::string& file, const Fabric* fabric) {
  auto read = trace::read_trace_file(file);
  if (!read) {
    report(read.error(), file);
    return std::nullopt;
  }
  if (fabric) {
    auto problems = trace::check_placement(*read, *fabric, file);
    if (!problems.empty()) {
      report(problems, file);
      return std::nullopt;
    }
  }
  return std::move(*read);
}

}  // namespace lightpath::sim_cli
