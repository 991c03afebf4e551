// Trace replay speed (docs/performance.md, "Trace replay"): a data-parallel
// job generated on topologies/tpuv4-pod.yaml, replayed packet-only and on a
// static ring of circuits between the blocks it uses. Prints wall time,
// events, events/s, flows and peak RSS. Each case runs in a child process so
// that its peak RSS is its own.
//
//   replay_bench                         1,024 GPUs x 100 and 4,096 GPUs x 100, both modes
//   replay_bench GPUS ITERATIONS [packet|circuits] [dp|gpt] [JOBS] [stepwise]
//       one case; gpt: tp 8, pp 8, dp = GPUS / 64; JOBS jobs of GPUS each, all at time 0
//       (circuits: one ring over the blocks of all jobs); stepwise: no pipelined rings
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "controller/topology/topology_loader.h"
#include "simulator/netmodel/trace_replay.h"
#include "simulator/trace/generator.h"

using namespace lightpath;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto s = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(usage.ru_utime) + s(usage.ru_stime);
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is KiB on Linux
}

// A ring of circuits over the endpoints the jobs use, in placement order:
// each block gives half of its 96 optical links (CWDM4, 4 x 50 Gb/s) to each
// ring neighbour, over 2 x 50 m of fiber through the OCS.
std::vector<netmodel::Circuit> block_ring(const Fabric& fabric, const trace::Trace& trace) {
  std::vector<EndpointId> blocks;
  for (const trace::Job& job : trace.jobs) {
    for (const trace::Gpu& gpu : job.gpus) {
      const EndpointId e = *fabric.find_endpoint(gpu.endpoint);
      if (blocks.empty() || blocks.back() != e) blocks.push_back(e);
    }
  }
  std::vector<netmodel::Circuit> circuits;
  if (blocks.size() < 2) return circuits;
  const DataRate rate = DataRate::bps(48LL * 4 * 50'000'000'000);
  const Duration latency = propagation_delay(Length::meters(100));
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const std::size_t next = (i + 1) % blocks.size();
    if (blocks.size() == 2 && next == 0) break;  // one circuit joins a pair of blocks
    circuits.push_back(netmodel::Circuit{blocks[i], blocks[next], rate, TimePoint(), latency});
  }
  return circuits;
}

int run_case(const Fabric& fabric, int gpus, int iterations, bool with_circuits,
             trace::Layout layout = trace::Layout::kDataParallel, int jobs = 1,
             bool stepwise = false) {
  trace::GenOptions gen;
  gen.layout = layout;
  gen.gpus = gpus;
  gen.jobs = jobs;
  gen.gpt.dp = std::max(1, gpus / (gen.gpt.tp * gen.gpt.pp));
  gen.iterations = iterations;
  const auto t_gen = std::chrono::steady_clock::now();
  auto made = trace::generate(fabric, gen);
  if (!made) {
    fmt::print(stderr, "generate: {}\n", made.error());
    return 1;
  }
  const double gen_s = seconds_since(t_gen);
  const auto circuits =
      with_circuits ? block_ring(fabric, *made) : std::vector<netmodel::Circuit>{};
  const auto t0 = std::chrono::steady_clock::now();
  const double cpu0 = cpu_seconds();
  netmodel::ReplayOptions options;
  if (stepwise) options.plan.stepwise_ring_max_ranks = std::numeric_limits<int>::max();
  auto result = netmodel::replay_trace(*made, fabric, circuits, options);
  const double wall = seconds_since(t0);
  const double cpu = cpu_seconds() - cpu0;
  if (!result) {
    fmt::print(stderr, "replay: {}: {}\n", result.error().code, result.error().message);
    return 1;
  }
  const auto& job = result->jobs[0];
  const double iteration_ms = job.iterations.empty() ? 0.0 : job.iterations.back().count_ns() / 1e6;
  // The simulated end to the nanosecond: a change that should not alter the
  // model's answers leaves it alone (or moves it by a few ns of rounding).
  fmt::print(
      "{:>5} {:>5} {:>9} {:>9.3f} {:>8.3f} {:>12} {:>12.3g} {:>11} {:>10.1f} {:>12.3f} {:>7.2f} "
      "{:>16}\n",
      gpus, iterations, with_circuits ? "circuits" : "packet", wall, cpu, result->events,
      static_cast<double>(result->events) / wall, result->flows, peak_rss_mib(), iteration_ms,
      gen_s, result->end.since_epoch_ns());
  std::fflush(stdout);
  return 0;
}

void print_header() {
  fmt::print("{:>5} {:>5} {:>9} {:>9} {:>8} {:>12} {:>12} {:>11} {:>10} {:>12} {:>7} {:>16}\n",
             "gpus", "iter", "mode", "wall_s", "cpu_s", "events", "events/s", "flows", "peak_MiB",
             "iter_ms(sim)", "gen_s", "end_ns(sim)");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  auto fabric = topology::load_topology_file(std::string(LIGHTPATH_SOURCE_DIR) +
                                             "/topologies/tpuv4-pod.yaml");
  if (!fabric) {
    fmt::print(stderr, "cannot load topologies/tpuv4-pod.yaml\n");
    return 1;
  }
  if (argc >= 3) {
    const int gpus = std::atoi(argv[1]);
    const int iterations = std::atoi(argv[2]);
    const std::string_view mode = argc >= 4 ? argv[3] : "packet";
    const std::string_view layout = argc >= 5 ? argv[4] : "dp";
    const int jobs = argc >= 6 ? std::atoi(argv[5]) : 1;
    const bool stepwise = argc >= 7 && std::string_view(argv[6]) == "stepwise";
    print_header();
    return run_case(*fabric, gpus, iterations, mode == "circuits",
                    layout == "gpt" ? trace::Layout::kGpt : trace::Layout::kDataParallel, jobs,
                    stepwise);
  }
  print_header();
  int status_all = 0;
  for (const int gpus : {1024, 4096}) {
    for (const bool with_circuits : {false, true}) {
      const pid_t child = fork();
      if (child == 0) std::_Exit(run_case(*fabric, gpus, 100, with_circuits));
      int status = 0;
      waitpid(child, &status, 0);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) status_all = 1;
    }
  }
  return status_all;
}
