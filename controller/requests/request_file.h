#pragma once
// Request files and state files for offline what-if solving
// (formats: docs/requests.md). YAML or JSON; every error names line and column.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "controller/solver/allocation_state.h"
#include "controller/solver/checker.h"
#include "controller/solver/request.h"
#include "controller/solver/solver.h"
#include "controller/topology/yaml_reader.h"

namespace lightpath::requests {

using topology::Diagnostic;

Result<std::vector<solver::CircuitRequest>, std::vector<Diagnostic>> parse_requests(
    std::string_view text, const std::string& file_label);
Result<std::vector<solver::CircuitRequest>, std::vector<Diagnostic>> load_requests(
    const std::string& path);

// A state file lists circuits already allocated; they are checked against
// the fabric and against each other before use.
Result<solver::AllocationState, std::vector<Diagnostic>> parse_state(
    std::string_view text, const std::string& file_label, const Fabric& fabric);
Result<solver::AllocationState, std::vector<Diagnostic>> load_state(const std::string& path,
                                                                   const Fabric& fabric);

// The JSON form of circuits and decisions; `state_json` output is a valid state file.
nlohmann::json circuit_json(const Fabric& fabric, const solver::Circuit& c);
nlohmann::json decision_json(const Fabric& fabric, const solver::Decision& d);
nlohmann::json state_json(const solver::AllocationState& state);

// Reads a whole file, or explains why not.
Result<std::string, std::vector<Diagnostic>> read_text_file(const std::string& path);

}  // namespace lightpath::requests
