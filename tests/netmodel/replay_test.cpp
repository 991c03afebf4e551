// Whole traces on the fluid model with fixed circuits or packet-only: an
// iteration of compute then all-reduce takes the compute time plus the ring
// closed form; errors name what is missing; same trace, same times.

#include <doctest/doctest.h>

#include <cmath>

#include "netmodel_test_util.h"
#include "simulator/netmodel/trace_replay.h"
#include "simulator/trace/generator.h"

using namespace lightpath;
using namespace lightpath::netmodel;
using namespace lightpath::netmodel::testing;

namespace {

// One job: compute `compute` on every GPU, then an all-reduce of `bytes`
// over all of them; GPU i on endpoint `prefix`{i+1 or i}.
trace::Trace compute_then_all_reduce(int n, const std::string& endpoint_prefix, int first_index,
                                     Duration compute, std::int64_t bytes, int iterations,
                                     Duration arrival) {
  trace::Job job;
  job.id = "j";
  job.arrival = arrival;
  job.iterations = iterations;
  std::vector<int> all;
  for (int i = 0; i < n; ++i) {
    job.gpus.push_back(trace::Gpu{i, endpoint_prefix + std::to_string(i + first_index), "nic", 0});
    all.push_back(i);
  }
  job.groups.push_back(trace::Group{"all", {all}, 0});
  trace::Op c;
  c.id = "c";
  c.kind = trace::OpKind::kCompute;
  c.duration = compute;
  trace::Op ar;
  ar.id = "ar";
  ar.kind = trace::OpKind::kAllReduce;
  ar.bytes = Bytes(bytes);
  ar.deps = {0};
  job.ops = {c, ar};
  trace::Trace t;
  t.name = "t";
  t.jobs.push_back(job);
  return t;
}

void check_close(double got_ns, double want_ns) {
  CAPTURE(got_ns);
  CAPTURE(want_ns);
  CHECK(std::abs(got_ns - want_ns) <= 1e-3 * want_ns);
}

std::vector<Circuit> mesh_circuits(int n, DataRate rate, Duration latency) {
  std::vector<Circuit> out;
  for (std::uint32_t a = 0; a < static_cast<std::uint32_t>(n); ++a) {
    for (std::uint32_t b = a + 1; b < static_cast<std::uint32_t>(n); ++b) {
      out.push_back(Circuit{EndpointId(a), EndpointId(b), rate, TimePoint(), latency});
    }
  }
  return out;
}

}  // namespace

TEST_CASE("replay on static circuits: iteration = compute + ring all-reduce closed form") {
  const Fabric fabric = endpoints_only(4);
  const std::int64_t s = 3LL << 25;  // 96 MiB: above the halving-doubling threshold, so ring
  const auto trace = compute_then_all_reduce(4, "gpu", 0, Duration::ms(1), s, 3, Duration::ms(5));
  auto r = replay_trace(trace, fabric,
                        mesh_circuits(4, DataRate::bps(100'000'000'000), Duration::us(1)));
  REQUIRE(r);
  REQUIRE(r->jobs.size() == 1);
  const JobReplay& job = r->jobs[0];
  // 100 Gb/s = 12.5 GB/s; 2(n−1)/n · S/B + 2(n−1) · 1 µs, after 1 ms of compute.
  const double iteration = 1e-3 + 2.0 * 3 / 4 * static_cast<double>(s) / 12.5e9 + 6e-6;
  REQUIRE(job.iterations.size() == 3);
  for (const Duration d : job.iterations)
    check_close(static_cast<double>(d.count_ns()), ns(iteration));
  check_close(static_cast<double>(job.finished.since_epoch_ns()), ns(5e-3 + 3 * iteration));
  CHECK(r->end == job.finished);
}

TEST_CASE("packet-only replay on tiny: the ring runs at link speed, paced by the longest hop") {
  const Fabric fabric = load_fabric_file(LIGHTPATH_SOURCE_DIR "/topologies/tiny.yaml");
  const std::int64_t s = 1LL << 30;
  const auto trace = compute_then_all_reduce(4, "rack", 1, Duration::ms(2), s, 2, Duration());
  auto r = replay_trace(trace, fabric, {});
  REQUIRE(r);
  // Ring rack1→rack2→rack3→rack4→rack1: every directed link carries one flow,
  // so each gets 400 Gb/s = 50 GB/s. Hops inside a leaf take 2 µs of link
  // latency, hops across the spine 4 µs, and a rank's sends follow each other,
  // so the ring is paced by the 4 µs hop: 2(n−1)/n · S/B + 2(n−1) · 4 µs.
  const double iteration = 2e-3 + 2.0 * 3 / 4 * static_cast<double>(s) / 50e9 + 6 * 4e-6;
  for (const Duration d : r->jobs[0].iterations) {
    check_close(static_cast<double>(d.count_ns()), ns(iteration));
  }
}

TEST_CASE("replay errors name the GPU's endpoint or the pair without a route") {
  const Fabric fabric = endpoints_only(4);
  auto missing = replay_trace(
      compute_then_all_reduce(2, "nowhere", 0, Duration::ms(1), 1000, 1, Duration()), fabric, {});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == "UNKNOWN_ENDPOINT");
  CHECK(missing.error().message.find("nowhere0") != std::string::npos);
  // No packet fabric and no circuits: the all-reduce cannot run.
  auto no_route = replay_trace(
      compute_then_all_reduce(4, "gpu", 0, Duration::ms(1), 1000, 1, Duration()), fabric, {});
  REQUIRE_FALSE(no_route);
  CHECK(no_route.error().code == "NO_ROUTE");
  CHECK(no_route.error().message.find("'gpu0' to 'gpu1'") != std::string::npos);
}

TEST_CASE("a generated trace replays the same to the nanosecond, packet-only and on circuits") {
  const Fabric fabric = load_fabric_file(LIGHTPATH_SOURCE_DIR "/topologies/tiny.yaml");
  trace::GenOptions gen;
  gen.gpus = 8;
  gen.jobs = 2;
  gen.iterations = 2;
  gen.arrival_mean_ms = 5;
  gen.dp.params = 50'000'000;
  auto t = trace::generate(fabric, gen);
  REQUIRE(t);
  const auto circuits = mesh_circuits(4, DataRate::bps(800'000'000'000), Duration::ns(98));
  for (const bool with_circuits : {false, true}) {
    CAPTURE(with_circuits);
    const std::vector<Circuit> use = with_circuits ? circuits : std::vector<Circuit>{};
    auto a = replay_trace(*t, fabric, use);
    auto b = replay_trace(*t, fabric, use);
    REQUIRE(a);
    REQUIRE(b);
    REQUIRE(a->jobs.size() == 2);
    for (std::size_t j = 0; j < 2; ++j) {
      CHECK(a->jobs[j].iterations.size() == 2);
      CHECK(a->jobs[j].iterations == b->jobs[j].iterations);
      CHECK(a->jobs[j].finished == b->jobs[j].finished);
    }
    CHECK(a->events == b->events);
  }
}
