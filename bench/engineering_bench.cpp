// Topology engineering on tpuv4-pod: the full solve (traffic matrix to
// cross-connects on all 48 switches) and a 10% incremental change (on
// jupiter-spinefree too), with the changes / lower-bound ratio reported as
// counters, with the improvement phase (rounds:-1) and without it (rounds:0).
#include <benchmark/benchmark.h>

#include <random>

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

solver::TrafficMatrix uniform(const Fabric& f) {
  solver::TrafficMatrix m;
  for (const auto& e : f.endpoints) m.endpoints.push_back(e.name);
  const std::size_t n = m.endpoints.size();
  m.demand_gbps.assign(n, std::vector<double>(n, 100.0));
  for (std::size_t i = 0; i < n; ++i) m.demand_gbps[i][i] = 0;
  return m;
}

// The same degree-preserving rewiring as tests/engineering: swaps
// (a,b)+(c,d) -> (a,c)+(b,d) until `fraction` of the links left their pairs.
solver::LogicalTopology perturb(solver::LogicalTopology t, double fraction, std::uint32_t seed) {
  std::mt19937 rng(seed);
  const int n = static_cast<int>(t.endpoints.size());
  const int wanted = static_cast<int>(fraction * t.total_links());
  auto& x = t.links;
  const auto original = x;
  for (int removed = 0; removed < wanted;) {
    const int a = rng() % n, b = rng() % n, c = rng() % n, d = rng() % n;
    if (a == b || a == c || a == d || b == c || b == d || c == d) continue;
    if (x[a][b] == 0 || x[c][d] == 0) continue;
    --x[a][b], --x[b][a], --x[c][d], --x[d][c];
    ++x[a][c], ++x[c][a], ++x[b][d], ++x[d][b];
    removed = 0;
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j) removed += std::max(0, original[i][j] - x[i][j]);
  }
  return t;
}

void full_solve(benchmark::State& state) {
  const auto& f = pod();
  const auto m = uniform(f);
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
void incremental(benchmark::State& state, const Fabric& f) {
  auto t = solver::logical_topology(f, uniform(f));
  auto base = solver::engineer(f, *t, {});
  std::vector<solver::CrossConnect> current;
  for (const auto& l : base->cross_connects) current.push_back(l.cross_connect);
  const auto target = perturb(*t, 0.10, static_cast<std::uint32_t>(state.range(0)));
  solver::PlacementOptions options;
  if (state.range(1) >= 0) options.improve_rounds = static_cast<int>(state.range(1));
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
  incremental(state, pod());
}
BENCHMARK(incremental_10pct)
    ->ArgNames({"seed", "rounds"})
    ->ArgsProduct({{1, 2, 3}, {-1, 0}})
    ->Unit(benchmark::kMillisecond);

// The same on jupiter-spinefree (32 blocks, 4 ports on each of 32 switches).
void jupiter_incremental_10pct(benchmark::State& state) {
  incremental(state, jupiter());
}
BENCHMARK(jupiter_incremental_10pct)
    ->ArgNames({"seed", "rounds"})
    ->ArgsProduct({{1, 2, 3}, {-1, 0}})
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
