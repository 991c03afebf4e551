#pragma once
// The workload a simulation replays: training jobs, where their GPUs sit in
// the fabric, and one iteration of each job as a graph of operations (compute,
// collectives, point-to-point sends) with dependencies. The file form is JSON
// Lines, documented in docs/trace-format.md; every record keeps the line it
// came from so that later stages can still point at the file.
//
// Units: bytes are bytes; times are integer nanoseconds (lightpath::Duration).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lightpath/units.h"

namespace lightpath::trace {

enum class OpKind {
  kCompute,
  kAllReduce,
  kAllGather,
  kReduceScatter,
  kAllToAll,
  kBroadcast,
  kSend,
};
std::string_view to_string(OpKind kind);  // the file's spelling: "all_reduce", ...
std::optional<OpKind> parse_op_kind(std::string_view text);
bool is_collective(OpKind kind);

// One GPU of a job and the endpoint port group its traffic enters the fabric by.
struct Gpu {
  int id = 0;  // the job's own GPU number (a rank), unique within the job
  std::string endpoint;
  std::string port_group;
  int line = 0;
};

// A named set of disjoint GPU lists. An op over a group runs once per member,
// all members alike (e.g. every tensor-parallel group of a stage at once).
// For a send, each member is an ordered pair [source, destination].
struct Group {
  std::string id;
  std::vector<std::vector<int>> members;
  int line = 0;
};

struct Op {
  std::string id;
  OpKind kind = OpKind::kCompute;
  std::size_t group = 0;          // index into Job::groups
  Duration duration;              // compute only
  Bytes bytes;                    // collectives and sends; meaning per kind in docs/trace-format.md
  int root = 0;                   // broadcast only: position of the root within each member
  std::vector<std::size_t> deps;  // indexes into Job::ops
  int line = 0;
};

struct Job {
  std::string id;
  Duration arrival;  // since the start of the trace
  std::int64_t iterations = 1;
  std::vector<Gpu> gpus;
  std::vector<Group> groups;
  std::vector<Op> ops;  // one iteration
  int line = 0;

  const Gpu* find_gpu(int id) const;
  std::optional<std::size_t> find_group(std::string_view group_id) const;
  std::optional<std::size_t> find_op(std::string_view op_id) const;
};

struct Trace {
  std::string name;
  std::string topology;  // the fabric it was placed on; empty when not stated
  std::vector<Job> jobs;

  const Job* find_job(std::string_view job_id) const;
};

// Ops in an order where every op comes after its dependencies; nullopt when
// the dependencies form a cycle (then `cycle` receives the ops on one cycle,
// each depending on the next and the last on the first).
std::optional<std::vector<std::size_t>> topological_order(
    const Job& job, std::vector<std::size_t>* cycle = nullptr);

}  // namespace lightpath::trace
