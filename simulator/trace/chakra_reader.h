#pragma once
// Imports a Chakra execution trace (one file per rank) as one job of a
// lightpath trace. Mapping (docs/trace-format.md, "Chakra"):
// - COMP_NODE: a compute op on that rank, duration_micros long;
// - COMM_COLL_NODE: the k-th collective of a process group (attribute
//   pg_name; none means all ranks) on every member rank is one op over the
//   group's ranks; comm_type and comm_size must agree across ranks;
// - COMM_SEND_NODE / COMM_RECV_NODE: matched by (comm_src, comm_dst,
//   comm_tag) in file order into one send op;
// - data_deps and ctrl_deps: dependencies; other node types are skipped and
//   their dependencies passed through.
// Every problem is reported as "file: node ID ('name'): message".

#include <string>
#include <vector>

#include "lightpath/result.h"
#include "simulator/trace/diagnostics.h"
#include "simulator/trace/trace.h"

namespace lightpath::trace {

struct ChakraImportOptions {
  std::int64_t iterations = 0;  // 0: the lightpath_iterations metadata, else 1
};

struct ChakraImport {
  Trace trace;  // one job; GPUs numbered by rank, not yet placed
  int skipped_nodes = 0;
};

Result<ChakraImport, std::vector<Diagnostic>> import_chakra(
    const std::vector<std::string>& rank_files, const ChakraImportOptions& options);

}  // namespace lightpath::trace
