#pragma once
// Helpers every fuzz target may use; no dependency beyond the topology loader.

#include <cstdio>
#include <cstdlib>
#include <string>

#include "controller/topology/topology_loader.h"

namespace lightpath::fuzzing {

// Ends the run as a crash the fuzzer reports and keeps the input of: a
// property of the code under test broke, or the harness could not set up.
[[noreturn]] inline void fail(const std::string& why) {
  std::fprintf(stderr, "fuzz: %s\n", why.c_str());
  std::abort();
}

inline Fabric tiny_fabric() {
  auto f = topology::load_topology_file(LIGHTPATH_SOURCE_DIR "/topologies/tiny.yaml");
  if (!f) fail("cannot load topologies/tiny.yaml");
  return std::move(*f);
}

}  // namespace lightpath::fuzzing
