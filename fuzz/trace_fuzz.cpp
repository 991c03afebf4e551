// Fuzzes the trace reader (simulator/trace/trace_reader.h) as `lightpath-sim
// validate` and the replay use it. A trace it accepts must also pass the
// checks the simulator runs on generated traces (trace_check.h).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "simulator/trace/trace_check.h"
#include "simulator/trace/trace_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lightpath::trace;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto trace = read_trace_text(text, "fuzz.jsonl");
  if (!trace) {
    for (const auto& d : trace.error()) (void)d.to_string();
    return 0;
  }
  DiagnosticList diags("fuzz.jsonl");
  for (const auto& job : trace->jobs) check_job(job, diags);
  auto found = diags.take();
  if (!found.empty()) {
    std::fprintf(stderr, "reader accepted a trace that check_job refuses: %s\n",
                 found.front().to_string().c_str());
    std::abort();
  }
  return 0;
}
