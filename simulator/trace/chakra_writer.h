#pragma once
// Writes one job of a trace as a Chakra execution trace: one file per GPU
// (rank = the job's GPU number), DIR/NAME.<rank>.et. Compute ops become
// COMP_NODEs (duration in whole microseconds), collectives COMM_COLL_NODEs
// with comm_type, comm_size and pg_name ("<group>/<member>", naming the
// GPUs it runs over), sends a COMM_SEND_NODE on the source and a
// COMM_RECV_NODE on the destination; dependencies become data_deps on each
// rank. The GlobalMetadata carries the job's id, iteration count and arrival
// as lightpath_* attributes.

#include <string>

#include "lightpath/result.h"
#include "simulator/trace/trace.h"

namespace lightpath::trace {

// Number of files written, or why the job cannot be written: Chakra's
// dependencies are per rank, so an op that depends on an op sharing none of
// its GPUs has no Chakra form.
Result<int, std::string> write_chakra(const Job& job, const std::string& trace_name,
                                      const std::string& dir);

}  // namespace lightpath::trace
