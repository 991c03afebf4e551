// How long loading a shipped topology takes, file read to indexed graph.
#include <benchmark/benchmark.h>

#include "controller/topology/topology_loader.h"

namespace {

void load(benchmark::State& state, const char* name) {
  const std::string path = std::string(LIGHTPATH_SOURCE_DIR) + "/topologies/" + name;
  for (auto _ : state) {
    auto r = lightpath::topology::load_topology_file(path);
    if (!r) state.SkipWithError("topology failed to load");
    benchmark::DoNotOptimize(r);
  }
}

BENCHMARK_CAPTURE(load, tiny, "tiny.yaml")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(load, tpuv4_pod, "tpuv4-pod.yaml")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(load, jupiter_spinefree, "jupiter-spinefree.yaml")->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
