#pragma once
// Loads a fabric from a topology YAML file (schema: docs/topology-format.md).
// On failure returns every problem found, each with file, line and column.

#include <string>
#include <string_view>
#include <vector>

#include "controller/topology/yaml_reader.h"
#include "lightpath/fabric.h"
#include "lightpath/result.h"

namespace lightpath::topology {

using LoadResult = Result<Fabric, std::vector<Diagnostic>>;

LoadResult load_topology_file(const std::string& path);
// `file_label` is the name used in diagnostics.
LoadResult load_topology_text(std::string_view yaml, const std::string& file_label);

}  // namespace lightpath::topology
