// Fuzzes the topology YAML loader (controller/topology/topology_loader.h) the
// way `lightpathctl topo validate|show` and lightpathd use it: load the text;
// on success print the summaries (text and JSON) and build the solver's index
// over the fabric; on failure format every diagnostic.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "controller/solver/solver.h"
#include "controller/topology/fabric_report.h"
#include "controller/topology/topology_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lightpath;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto fabric = topology::load_topology_text(text, "fuzz.yaml");
  if (!fabric) {
    for (const auto& d : fabric.error()) (void)d.to_string();
    return 0;
  }
  (void)topology::summary_text(*fabric);
  (void)topology::summary_json(*fabric).dump(2);
  // The solver indexes every port; keep huge (valid) fabrics from timing out.
  if (fabric->endpoint_ports.size() <= 4096) solver::Solver solver(*fabric);
  return 0;
}
