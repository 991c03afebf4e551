#pragma once
// Helpers for trace tests: a small valid trace to vary, and a check that
// reading some text fails with a given message on a given line.

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "simulator/trace/trace_reader.h"

namespace lightpath::testing {

// Two GPUs on tiny.yaml's rack1, one compute and one all-reduce. Lines 1-6.
inline std::vector<std::string> small_trace_lines() {
  return {
      R"({"type":"trace","version":1,"name":"small","topology":"tiny"})",
      R"({"type":"job","id":"j","arrival_ns":0,"iterations":2})",
      R"({"type":"gpu","job":"j","gpu":0,"endpoint":"rack1","port_group":"gpu-nic"})",
      R"({"type":"gpu","job":"j","gpu":1,"endpoint":"rack2","port_group":"gpu-nic"})",
      R"({"type":"group","job":"j","id":"all","members":[[0,1]]})",
      R"({"type":"op","job":"j","id":"c","kind":"compute","group":"all","duration_ns":1000})",
      R"({"type":"op","job":"j","id":"ar","kind":"all_reduce","group":"all","bytes":4096,"deps":["c"]})",
  };
}

inline std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  return text;
}

inline trace::ReadResult read_lines(const std::vector<std::string>& lines) {
  return trace::read_trace_text(join_lines(lines), "t.jsonl");
}

// True when some diagnostic is on `line` (0: any line) and contains `needle`.
inline bool has_error(const trace::ReadResult& r, int line, const std::string& needle) {
  if (r) return false;
  for (const auto& d : r.error())
    if ((line == 0 || d.line == line) && d.message.find(needle) != std::string::npos) return true;
  return false;
}

inline std::string all_errors(const trace::ReadResult& r) {
  std::string s;
  if (!r)
    for (const auto& d : r.error()) s += d.to_string() + "\n";
  return s;
}

}  // namespace lightpath::testing
