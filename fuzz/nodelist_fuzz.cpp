// Fuzzes the Slurm hostlist parser (scheduler/slurm/nodelist.h) that the
// PrologSlurmctld hook runs on SLURM_JOB_NODELIST.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "scheduler/slurm/nodelist.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view list(reinterpret_cast<const char*>(data), size);
  auto nodes = lightpath::slurm::expand_nodelist(list);
  if (!nodes) {
    if (nodes.error().code != "MALFORMED_NODELIST") std::abort();
    return 0;
  }
  // The documented bound holds, and no name is empty.
  if (nodes->size() > lightpath::slurm::kMaxNodes) {
    std::fprintf(stderr, "%zu nodes, over kMaxNodes\n", nodes->size());
    std::abort();
  }
  for (const auto& n : *nodes)
    if (n.empty()) std::abort();
  return 0;
}
