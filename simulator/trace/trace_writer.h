#pragma once
// Writes a trace as JSON Lines (docs/trace-format.md): the header, then per
// job its job record, GPUs, groups and ops in memory order. The output depends
// only on the trace, so equal traces give byte-identical files.

#include <ostream>
#include <string>

#include "simulator/trace/trace.h"

namespace lightpath::trace {

void write_trace(const Trace& trace, std::ostream& out);
std::string write_trace(const Trace& trace);

}  // namespace lightpath::trace
