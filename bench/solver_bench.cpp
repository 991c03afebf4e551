// How long the solver takes to decide (and commit) one request.
//
// The target (docs/performance.md, "Solver"): on the TPU v4 pod shape,
// admitting one request of 64 circuits takes under 1 ms (median). Each
// benchmark also reports `median_us`, the median of the single timed calls.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "controller/solver/solver.h"
#include "controller/topology/topology_loader.h"

namespace {

namespace sv = lightpath::solver;
using lightpath::DataRate;
using lightpath::Fabric;

const Fabric& shipped(const std::string& name) {
  static std::vector<std::pair<std::string, std::unique_ptr<Fabric>>> cache;
  for (const auto& [n, f] : cache)
    if (n == name) return *f;
  auto r = lightpath::topology::load_topology_file(std::string(LIGHTPATH_SOURCE_DIR) +
                                                   "/topologies/" + name);
  if (!r) std::abort();
  cache.emplace_back(name, std::make_unique<Fabric>(std::move(*r)));
  return *cache.back().second;
}

std::string block(int i) {
  return (i < 10 ? "block0" : "block") + std::to_string(i);
}

// Block i to block (i + stride) mod 64, for every i: 64 flows.
sv::CircuitRequest tpu_stride(const std::string& id, int stride, double gbps) {
  sv::CircuitRequest r;
  r.request_id = id;
  r.bandwidth_per_flow = DataRate::gbps(gbps);
  r.pattern = sv::Pattern::kPairwise;
  for (int i = 0; i < 64; ++i) {
    r.sources.push_back({block(i), "ocs-uplinks"});
    r.destinations.push_back({block((i + stride) % 64), "ocs-uplinks"});
  }
  return r;
}

// The ring over the 64 blocks: 64 flows.
sv::CircuitRequest tpu_ring(double gbps) {
  sv::CircuitRequest r;
  r.request_id = "ring";
  r.bandwidth_per_flow = DataRate::gbps(gbps);
  r.pattern = sv::Pattern::kRing;
  for (int i = 0; i < 64; ++i) r.sources.push_back({block(i), "ocs-uplinks"});
  return r;
}

// Half the pod's ports in use: 24 requests of 64 full-fiber circuits, block i
// to block i + k for k = 2..25 (48 of every block's 96 ports).
sv::AllocationState half_full(const sv::Solver& solver, const Fabric& f) {
  sv::AllocationState st(f);
  for (int k = 2; k <= 25; ++k) {
    auto d = solver.solve(st, tpu_stride("fill-" + std::to_string(k), k, 200));
    if (!d.accepted || !sv::apply(st, d)) std::abort();
  }
  return st;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Decides `request` against `base` (the state left unchanged) and, when
// `commit`, applies it to a copy made outside the timed region.
void run(benchmark::State& state, const Fabric& f, const sv::Solver& solver,
         const sv::AllocationState& base, const sv::CircuitRequest& request, bool commit) {
  std::vector<double> samples;
  int circuits = 0;
  for (auto _ : state) {
    std::optional<sv::AllocationState> copy;
    if (commit) copy.emplace(base);
    const auto t0 = std::chrono::steady_clock::now();
    auto d = solver.solve(base, request);
    if (commit && d.accepted) (void)sv::apply(*copy, d);
    const auto t1 = std::chrono::steady_clock::now();
    if (!d.accepted) {
      state.SkipWithError("request rejected");
      break;
    }
    circuits = static_cast<int>(d.circuits.size());
    const double secs = std::chrono::duration<double>(t1 - t0).count();
    state.SetIterationTime(secs);
    samples.push_back(secs * 1e6);
    benchmark::DoNotOptimize(d);
  }
  (void)f;
  state.counters["circuits"] = circuits;
  state.counters["median_us"] = median(samples);
}

void BM_TpuRing64_Empty(benchmark::State& state) {
  const Fabric& f = shipped("tpuv4-pod.yaml");
  const sv::Solver solver(f);
  const sv::AllocationState empty(f);
  run(state, f, solver, empty, tpu_ring(200), state.range(0) != 0);
}

void BM_TpuRing64_HalfFull(benchmark::State& state) {
  const Fabric& f = shipped("tpuv4-pod.yaml");
  const sv::Solver solver(f);
  const sv::AllocationState st = half_full(solver, f);
  run(state, f, solver, st, tpu_ring(200), state.range(0) != 0);
}

// 100G flows (2 of 4 channels) block i to block i + 32: the second flow of
// each pair grooms onto the first one's fiber path.
void BM_TpuPairwise64Groom_HalfFull(benchmark::State& state) {
  const Fabric& f = shipped("tpuv4-pod.yaml");
  const sv::Solver solver(f);
  const sv::AllocationState st = half_full(solver, f);
  run(state, f, solver, st, tpu_stride("pairs", 32, 100), state.range(0) != 0);
}

void BM_TinyRing4_Empty(benchmark::State& state) {
  const Fabric& f = shipped("tiny.yaml");
  const sv::Solver solver(f);
  const sv::AllocationState empty(f);
  sv::CircuitRequest r;
  r.request_id = "ring";
  r.bandwidth_per_flow = DataRate::gbps(400);
  r.pattern = sv::Pattern::kRing;
  for (int i = 1; i <= 4; ++i) r.sources.push_back({"rack" + std::to_string(i), "gpu-nic"});
  run(state, f, solver, empty, r, state.range(0) != 0);
}

// Arg 0: decide only (Solver::solve). Arg 1: decide and commit (solve + apply).
BENCHMARK(BM_TpuRing64_Empty)
    ->ArgName("commit")
    ->Arg(0)
    ->Arg(1)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TpuRing64_HalfFull)
    ->ArgName("commit")
    ->Arg(0)
    ->Arg(1)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TpuPairwise64Groom_HalfFull)
    ->ArgName("commit")
    ->Arg(0)
    ->Arg(1)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_TinyRing4_Empty)
    ->ArgName("commit")
    ->Arg(0)
    ->Arg(1)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
