#pragma once
// The inputs of topology engineering, read from YAML or JSON text (yaml-cpp
// reads both): a traffic matrix between endpoints, and the cross-connects the
// MEMS switches hold now. Format: docs/topology-engineering.md.
//
// Parsing is pure: the caller reads the file and passes its text, so that the
// solver library does no I/O. Every problem is reported with line and column.

#include <string>
#include <string_view>
#include <vector>

#include "controller/solver/cross_connect.h"
#include "controller/topology/yaml_reader.h"
#include "lightpath/fabric.h"
#include "lightpath/result.h"

namespace lightpath::solver {

// Demands between endpoints in Gb/s; demand_gbps[i][j] flows from
// endpoints[i] to endpoints[j]. Always square, non-negative and finite.
struct TrafficMatrix {
  std::vector<std::string> endpoints;
  std::vector<std::vector<double>> demand_gbps;

  std::size_t size() const { return endpoints.size(); }
};

template <class T>
using ParseResult = Result<T, std::vector<topology::Diagnostic>>;

// `file_label` names the input in diagnostics. Endpoint names are checked
// against `fabric`.
ParseResult<TrafficMatrix> parse_traffic_matrix(std::string_view text,
                                                const std::string& file_label,
                                                const Fabric& fabric);

// A list of {switch: NAME, a: PORT, b: PORT}, or a map {cross_connects: [...]}.
// Rejects unknown or WSS switches, ports out of range, and a port used twice.
ParseResult<std::vector<CrossConnect>> parse_cross_connects(std::string_view text,
                                                            const std::string& file_label,
                                                            const Fabric& fabric);

}  // namespace lightpath::solver
