#include "simulator/trace/trace_writer.h"

#include <nlohmann/json.hpp>
#include <sstream>

namespace lightpath::trace {

// ordered_json keeps fields in the order written, so "type" leads every line.
using nlohmann::ordered_json;

void write_trace(const Trace& trace, std::ostream& out) {
  ordered_json header{{"type", "trace"}, {"version", 1}, {"name", trace.name}};
  if (!trace.topology.empty()) header["topology"] = trace.topology;
  out << header.dump() << "\n";
  for (const auto& job : trace.jobs) {
    out << ordered_json{{"type", "job"},
                        {"id", job.id},
                        {"arrival_ns", job.arrival.count_ns()},
                        {"iterations", job.iterations}}
               .dump()
        << "\n";
    for (const auto& gpu : job.gpus) {
      out << ordered_json{{"type", "gpu"},
                          {"job", job.id},
                          {"gpu", gpu.id},
                          {"endpoint", gpu.endpoint},
                          {"port_group", gpu.port_group}}
                 .dump()
          << "\n";
    }
    for (const auto& group : job.groups) {
      out << ordered_json{{"type", "group"},
                          {"job", job.id},
                          {"id", group.id},
                          {"members", group.members}}
                 .dump()
          << "\n";
    }
    for (const auto& op : job.ops) {
      ordered_json line{{"type", "op"},
                        {"job", job.id},
                        {"id", op.id},
                        {"kind", std::string(to_string(op.kind))},
                        {"group", job.groups.at(op.group).id}};
      if (op.kind == OpKind::kCompute) {
        line["duration_ns"] = op.duration.count_ns();
      } else {
        line["bytes"] = op.bytes.count();
        if (op.kind == OpKind::kBroadcast) line["root"] = op.root;
      }
      if (!op.deps.empty()) {
        auto deps = ordered_json::array();
        for (auto d : op.deps) deps.push_back(job.ops.at(d).id);
        line["deps"] = std::move(deps);
      }
      out << line.dump() << "\n";
    }
  }
}

std::string write_trace(const Trace& trace) {
  std::ostringstream out;
  write_trace(trace, out);
  return out.str();
}

}  // namespace lightpath::trace
