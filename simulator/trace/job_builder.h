#pragma once
// Appends groups and ops to a job, for the generator's layouts. Dependencies
// are op indexes; kNoOp entries are dropped, which keeps "depends on the
// previous op, if any" short to write.

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "simulator/trace/trace.h"

namespace lightpath::trace {

inline constexpr std::size_t kNoOp = std::numeric_limits<std::size_t>::max();

class JobBuilder {
 public:
  explicit JobBuilder(Job& job) : job_(job) {}

  std::size_t group(std::string id, std::vector<std::vector<int>> members) {
    job_.groups.push_back({std::move(id), std::move(members), 0});
    return job_.groups.size() - 1;
  }

  std::size_t compute(std::string id, std::size_t group, Duration time,
                      std::initializer_list<std::size_t> deps) {
    Op op;
    op.kind = OpKind::kCompute;
    op.duration = time;
    return add(std::move(id), group, std::move(op), deps);
  }

  std::size_t comm(std::string id, OpKind kind, std::size_t group, std::int64_t bytes,
                   std::initializer_list<std::size_t> deps) {
    Op op;
    op.kind = kind;
    op.bytes = Bytes(bytes);
    return add(std::move(id), group, std::move(op), deps);
  }

 private:
  std::size_t add(std::string id, std::size_t group, Op op,
                  std::initializer_list<std::size_t> deps) {
    op.id = std::move(id);
    op.group = group;
    for (auto d : deps)
      if (d != kNoOp) op.deps.push_back(d);
    job_.ops.push_back(std::move(op));
    return job_.ops.size() - 1;
  }

  Job& job_;
};

// Time for `flops` at `tflops` (10^12 FLOP/s), rounded to a whole microsecond.
inline Duration compute_time(double flops, double tflops) {
  return Duration::us(std::llround(flops / (tflops * 1e12) * 1e6));
}

// `total` split into `parts` sizes that differ by at most one and sum to it.
inline std::vector<std::int64_t> split_evenly(std::int64_t total, int parts) {
  std::vector<std::int64_t> out(parts, total / parts);
  for (std::int64_t i = 0; i < total % parts; ++i) ++out[i];
  return out;
}

}  // namespace lightpath::trace
