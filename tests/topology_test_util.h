#pragma once
// Helpers for topology tests: a small valid fabric to start from, and a way
// to check that loading some text fails with a given message at a given line.

#include <doctest/doctest.h>

#include <string>

#include "controller/topology/topology_loader.h"

namespace lightpath::testing {

// A valid two-rack fabric; tests append or substitute sections.
inline const std::string kBaseTransceivers = R"(lightpath_topology: 1
name: t
transceivers:
  - {name: x8, grid: cwdm, wavelengths: 8, channel_rate_gbps: 100, launch_power_dbm: 2, rx_sensitivity_dbm: -8}
)";

inline lightpath::topology::LoadResult load(const std::string& text) {
  return lightpath::topology::load_topology_text(text, "test.yaml");
}

// True when some diagnostic is on `line` and contains `needle`.
inline bool has_error(const lightpath::topology::LoadResult& r, int line, const std::string& needle) {
  if (r) return false;
  for (const auto& d : r.error())
    if ((line == 0 || d.line == line) && d.message.find(needle) != std::string::npos) return true;
  return false;
}

inline std::string all_errors(const lightpath::topology::LoadResult& r) {
  std::string s;
  if (!r)
    for (const auto& d : r.error()) s += d.to_string() + "\n";
  return s;
}

}  // namespace lightpath::testing
