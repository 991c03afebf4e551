// Topology engineering on tpuv4-pod: the full solve (traffic matrix to
// cross-connects on all 48 switches) and a 10% incremental change (on
// jupiter-spinefree and small full fabrics too), with the changes /
// lower-bound ratio reported as counters, with the improvement phase
// (rounds:-1) and without it (rounds:0).
#include <benchmark/benchmark.h>

#include <random>

#include "bench/engineering_cases.h"
#include "controller/solver/topology_engineering.h"
#include "controller/topology/topology_loader.h"

namespace {

using namespace lightpath;

Fabric load(const char* name) {
  auto r = topology::load_topology_file(std::string(LIGHTPATH_SOURCE_DIR) + "/topologies/" + name);
  return std::move(*r);
}

const Fabric& pod() {
  static const Fabric f = load("tpuv4-pod.yaml");
  return f;
}

const Fabric& jupiter() {
  static const Fabric f = load("jupiter-spinefree.yaml");
  return f;
}

void full_solve(benchmark::State& state) {
  const auto& f = pod();
  const auto m = bench::uniform_matrix(f);
  for (auto _ : state) {
    auto t = solver::logical_topology(f, m);
    auto plan = solver::engineer(f, *t, {});
    if (!plan || plan->unplaced_links != 0) state.SkipWithError("plan incomplete");
    benchmark::DoNotOptimize(plan);
  }
}
BENCHMARK(full_solve)->Unit(benchmark::kMillisecond);

// range(0): the rewiring's seed; range(1): the improvement phase's rounds
// (-1: the library's default, 0: without it).
void incremental(benchmark::State& state, const Fabric& f, std::int64_t seed, std::int64_t rounds) {
  const auto [t, current] = bench::uniform_baseline(f);
  const auto target = bench::rewire(t, 0.10, static_cast<std::uint32_t>(seed));
  solver::PlacementOptions options;
  if (rounds >= 0) options.improve_rounds = static_cast<int>(rounds);
  int changes = 0, bound = 0, pair_bound = 0, moved = 0;
  for (auto _ : state) {
    auto plan = solver::engineer(f, target, current, options);
    if (!plan || plan->unplaced_links != 0) state.SkipWithError("plan incomplete");
    changes = plan->changes();
    bound = plan->lower_bound_changes;
    pair_bound = plan->pair_bound_changes;
    moved = plan->moved_links;
    benchmark::DoNotOptimize(plan);
  }
  state.counters["changes"] = changes;
  state.counters["lower_bound"] = bound;
  state.counters["pair_bound"] = pair_bound;
  state.counters["ratio"] = bound ? static_cast<double>(changes) / bound : 1.0;
  state.counters["moved"] = moved;
}
void incremental_10pct(benchmark::State& state) {
  incremental(state, pod(), state.range(0), state.range(1));
}
BENCHMARK(incremental_10pct)
    ->ArgNames({"seed", "rounds"})
    ->ArgsProduct({{1, 2, 3}, {-1, 0}})
    ->Unit(benchmark::kMillisecond);

// The same on jupiter-spinefree (32 blocks, 4 ports on each of 32 switches).
void jupiter_incremental_10pct(benchmark::State& state) {
  incremental(state, jupiter(), state.range(0), state.range(1));
}
BENCHMARK(jupiter_incremental_10pct)
    ->ArgNames({"seed", "rounds"})
    ->ArgsProduct({{1, 2, 3}, {-1, 0}})
    ->Unit(benchmark::kMillisecond);

// The small full fabrics of docs/topology-engineering.md's tables (n blocks,
// 2 ports on each of S switches), where the optimum or the LP bound is known.
void small_incremental_10pct(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const int S = n == 12 ? 8 : n == 16 ? 12 : n == 24 ? 16 : 24;
  const auto f = bench::full_fabric(n, S);
  if (!f) {
    state.SkipWithError("fabric");
    return;
  }
  incremental(state, *f, state.range(1), state.range(2));
}
BENCHMARK(small_incremental_10pct)
    ->ArgNames({"blocks", "seed", "rounds"})
    ->ArgsProduct({{12, 16, 24, 32}, {1, 2, 3}, {-1}})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
