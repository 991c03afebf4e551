#include "simulator/trace/trace_check.h"

#include <unordered_set>

namespace lightpath::trace {

void check_cycles(const Job& job, DiagnosticList& diags) {
  std::vector<std::size_t> cycle;
  if (topological_order(job, &cycle)) return;
  std::string path;
  for (auto i : cycle) path += "'" + job.ops[i].id + "' -> ";
  path += "'" + job.ops[cycle.front()].id + "'";
  diags.add(
      job.ops[cycle.front()].line, 1,
      "job '" + job.id + "': dependencies form a cycle (each op depends on the next): " + path);
}

void check_job(const Job& job, DiagnosticList& diags) {
  const std::string in_job = "job '" + job.id + "': ";
  if (job.iterations < 1) diags.add(job.line, 1, in_job + "iterations must be at least 1");
  if (job.ops.empty()) diags.add(job.line, 1, in_job + "has no ops");
  std::unordered_set<int> gpu_ids;
  for (const auto& g : job.gpus)
    if (!gpu_ids.insert(g.id).second)
      diags.add(g.line, 1, in_job + "GPU " + std::to_string(g.id) + " is placed twice");
  for (const auto& group : job.groups) {
    std::unordered_set<int> seen;
    for (const auto& member : group.members) {
      for (int gpu : member) {
        if (!gpu_ids.count(gpu))
          diags.add(group.line, 1,
                    in_job + "group '" + group.id + "' names unknown GPU " + std::to_string(gpu));
        else if (!seen.insert(gpu).second)
          diags.add(
              group.line, 1,
              in_job + "group '" + group.id + "' names GPU " + std::to_string(gpu) + " twice");
      }
    }
  }
  for (const auto& op : job.ops) {
    const std::string in_op = in_job + "op '" + op.id + "': ";
    if (op.group >= job.groups.size()) {
      diags.add(op.line, 1, in_op + "names no group");
      continue;
    }
    const auto& group = job.groups[op.group];
    for (const auto& member : group.members) {
      if (op.kind == OpKind::kSend && member.size() != 2)
        diags.add(op.line, 1,
                  in_op + "a send needs [source, destination] pairs; group '" + group.id +
                      "' has a member of " + std::to_string(member.size()));
      if (op.kind == OpKind::kBroadcast && op.root >= static_cast<int>(member.size()))
        diags.add(op.line, 1,
                  in_op + "root " + std::to_string(op.root) + " is outside a member of " +
                      std::to_string(member.size()) + " GPUs");
    }
    if (op.bytes.count() < 0) diags.add(op.line, 1, in_op + "bytes must not be negative");
    if (op.duration.count_ns() < 0) diags.add(op.line, 1, in_op + "duration must not be negative");
    for (auto d : op.deps)
      if (d >= job.ops.size()) diags.add(op.line, 1, in_op + "depends on an unknown op");
  }
  check_cycles(job, diags);
}

std::vector<Diagnostic> check_placement(const Trace& trace, const Fabric& fabric,
                                        const std::string& file_label) {
  DiagnosticList diags(file_label);
  if (!trace.topology.empty() && trace.topology != fabric.name)
    diags.add(1, 1,
              "trace was placed on topology '" + trace.topology + "', not '" + fabric.name + "'");
  for (const auto& job : trace.jobs) {
    for (const auto& gpu : job.gpus) {
      const std::string where = "job '" + job.id + "': GPU " + std::to_string(gpu.id) + ": ";
      auto endpoint = fabric.find_endpoint(gpu.endpoint);
      if (!endpoint) {
        diags.add(
            gpu.line, 1,
            where + "endpoint '" + gpu.endpoint + "' is not in topology '" + fabric.name + "'");
        continue;
      }
      if (!fabric.endpoint(*endpoint).find_group(gpu.port_group))
        diags.add(
            gpu.line, 1,
            where + "endpoint '" + gpu.endpoint + "' has no port group '" + gpu.port_group + "'");
    }
  }
  return diags.take();
}

}  // namespace lightpath::trace
