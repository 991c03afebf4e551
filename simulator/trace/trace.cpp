#include "simulator/trace/trace.h"

#include <algorithm>
#include <array>
#include <utility>

namespace lightpath::trace {
namespace {

constexpr std::array<std::pair<OpKind, std::string_view>, 7> kKindNames{{
    {OpKind::kCompute, "compute"},
    {OpKind::kAllReduce, "all_reduce"},
    {OpKind::kAllGather, "all_gather"},
    {OpKind::kReduceScatter, "reduce_scatter"},
    {OpKind::kAllToAll, "all_to_all"},
    {OpKind::kBroadcast, "broadcast"},
    {OpKind::kSend, "send"},
}};

}  // namespace

std::string_view to_string(OpKind kind) {
  for (const auto& [k, name] : kKindNames)
    if (k == kind) return name;
  return "?";
}

std::optional<OpKind> parse_op_kind(std::string_view text) {
  for (const auto& [k, name] : kKindNames)
    if (name == text) return k;
  return std::nullopt;
}

bool is_collective(OpKind kind) {
  return kind != OpKind::kCompute && kind != OpKind::kSend;
}

const Gpu* Job::find_gpu(int gpu_id) const {
  for (const auto& g : gpus)
    if (g.id == gpu_id) return &g;
  return nullptr;
}

std::optional<std::size_t> Job::find_group(std::string_view group_id) const {
  for (std::size_t i = 0; i < groups.size(); ++i)
    if (groups[i].id == group_id) return i;
  return std::nullopt;
}

std::optional<std::size_t> Job::find_op(std::string_view op_id) const {
  for (std::size_t i = 0; i < ops.size(); ++i)
    if (ops[i].id == op_id) return i;
  return std::nullopt;
}

const Job* Trace::find_job(std::string_view job_id) const {
  for (const auto& j : jobs)
    if (j.id == job_id) return &j;
  return nullptr;
}

std::optional<std::vector<std::size_t>> topological_order(const Job& job,
                                                          std::vector<std::size_t>* cycle) {
  // Kahn's algorithm, taking ready ops lowest index first so that the order is
  // the file order wherever the dependencies allow it.
  const std::size_t n = job.ops.size();
  std::vector<std::vector<std::size_t>> users(n);
  std::vector<std::size_t> waiting(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (auto d : job.ops[i].deps) users[d].push_back(i);
    waiting[i] = job.ops[i].deps.size();
  }
  std::vector<std::size_t> ready;  // a min-heap of op indexes
  for (std::size_t i = 0; i < n; ++i)
    if (waiting[i] == 0) ready.push_back(i);
  std::make_heap(ready.begin(), ready.end(), std::greater<>());
  std::vector<std::size_t> order;
  order.reserve(n);
  while (!ready.empty()) {
    std::pop_heap(ready.begin(), ready.end(), std::greater<>());
    const auto i = ready.back();
    ready.pop_back();
    order.push_back(i);
    for (auto u : users[i]) {
      if (--waiting[u] == 0) {
        ready.push_back(u);
        std::push_heap(ready.begin(), ready.end(), std::greater<>());
      }
    }
  }
  if (order.size() == n) return order;
  if (cycle) {
    // Every op left waits on another op left, so walking dependencies among
    // them from any one must revisit an op: the walk from there is a cycle.
    std::vector<int> seen_at(n, -1);
    std::vector<std::size_t> walk;
    std::size_t at = 0;
    while (waiting[at] == 0) ++at;
    while (seen_at[at] < 0) {
      seen_at[at] = static_cast<int>(walk.size());
      walk.push_back(at);
      for (auto d : job.ops[at].deps) {
        if (waiting[d] != 0) {
          at = d;
          break;
        }
      }
    }
    cycle->assign(walk.begin() + seen_at[at], walk.end());
  }
  return std::nullopt;
}

}  // namespace lightpath::trace
