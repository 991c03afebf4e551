#pragma once
// Reads a lightpath trace (JSON Lines, docs/trace-format.md). Strict: an
// unknown or missing field, a wrong type, a negative size, an unknown job,
// GPU, group or op, a cycle in the dependencies — each is reported as
// `file:line:col: message`, and every problem of the file is reported, not
// only the first.

#include <string>
#include <string_view>
#include <vector>

#include "lightpath/result.h"
#include "simulator/trace/diagnostics.h"
#include "simulator/trace/trace.h"

namespace lightpath::trace {

inline constexpr int kTraceFormatVersion = 1;

using ReadResult = Result<Trace, std::vector<Diagnostic>>;

ReadResult read_trace_file(const std::string& path);
// `file_label` is the name used in diagnostics.
ReadResult read_trace_text(std::string_view text, const std::string& file_label);

}  // namespace lightpath::trace
