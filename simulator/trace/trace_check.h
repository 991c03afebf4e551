#pragma once
// Rules a trace must keep beyond its syntax: the dependency graph has no
// cycle, groups name known GPUs once each, sends run over pairs, and (against
// a fabric) every GPU sits on an endpoint port group the fabric has.

#include <vector>

#include "lightpath/fabric.h"
#include "simulator/trace/diagnostics.h"
#include "simulator/trace/trace.h"

namespace lightpath::trace {

// One diagnostic per cycle found, at the line of an op on it, naming its ops.
void check_cycles(const Job& job, DiagnosticList& diags);

// Every rule of a job, for traces built in memory (the Chakra importer);
// the reader checks the same rules field by field as it reads.
void check_job(const Job& job, DiagnosticList& diags);

// GPUs placed on an endpoint or port group the fabric lacks, and a trace
// that names a different topology than `fabric`.
std::vector<Diagnostic> check_placement(const Trace& trace, const Fabric& fabric,
                                        const std::string& file_label);

}  // namespace lightpath::trace
