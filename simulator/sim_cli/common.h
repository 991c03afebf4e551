#pragma once
// Helpers the lightpath-sim subcommands share: loading a topology or a trace
// with every diagnostic printed to stderr.

#include <optional>
#include <string>

#include "lightpath/fabric.h"
#include "simulator/trace/trace.h"

namespace lightpath::sim_cli {

std::optional<Fabric> load_fabric_or_report(const std::string& file);
// Reads the trace and, when `fabric` is given, checks its placement on it.
std::optional<trace::Trace> load_trace_or_report(const std::string& file, const Fabric* fabric);

}  // namespace lightpath::sim_cli
