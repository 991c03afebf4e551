// The generator: each layout gives a valid trace, placed on the fabric, whose
// collectives carry the sizes the layout's model says; same seed, same bytes.

#include "simulator/trace/generator.h"

#include <doctest/doctest.h>

#include <map>

#include "controller/topology/topology_loader.h"
#include "simulator/trace/trace_check.h"
#include "simulator/trace/trace_writer.h"
#include "trace_test_util.h"

using namespace lightpath;
using namespace lightpath::trace;

namespace {

Fabric load(const char* name) {
  auto f = topology::load_topology_file(std::string(LIGHTPATH_SOURCE_DIR "/topologies/") + name);
  REQUIRE(f);
  return std::move(*f);
}

// Total bytes and op count per kind over one iteration of a job.
struct KindTotals {
  std::map<OpKind, std::int64_t> bytes;
  std::map<OpKind, int> ops;
};
KindTotals totals(const Job& job) {
  KindTotals t;
  for (const auto& op : job.ops) {
    t.bytes[op.kind] += op.bytes.count();
    t.ops[op.kind] += 1;
  }
  return t;
}

// Written, read back and rewritten, the trace is unchanged, the reader finds
// nothing wrong and the placement fits the fabric.
void check_valid(const Trace& t, const Fabric& fabric) {
  const auto text = write_trace(t);
  auto back = read_trace_text(text, "gen.jsonl");
  REQUIRE_MESSAGE(back, testing::all_errors(back));
  CHECK(write_trace(*back) == text);
  CHECK(check_placement(*back, fabric, "gen.jsonl").empty());
  for (const auto& job : t.jobs) {
    DiagnosticList diags("gen");
    check_job(job, diags);
    CHECK(diags.ok());
  }
}

}  // namespace

TEST_CASE("data parallel: all-reduce bytes are 2 bytes per parameter, in buckets") {
  const auto fabric = load("tiny.yaml");
  GenOptions o;
  o.gpus = 16;
  o.dp.params = 1'000'000'003;  // not a multiple of the bucket count
  o.dp.buckets = 4;
  auto t = generate(fabric, o);
  REQUIRE_MESSAGE(t, t.error());
  check_valid(*t, fabric);
  const auto& job = t->jobs[0];
  CHECK(job.gpus.size() == 16);
  CHECK(job.gpus[15].endpoint == "rack4");
  auto sum = totals(job);
  CHECK(sum.bytes[OpKind::kAllReduce] == 2'000'000'006);
  CHECK(sum.ops[OpKind::kAllReduce] == 4);
  // 6 FLOPs per parameter per token at 150 TFLOP/s, forward a third of it.
  const double step_s = 6.0 * 1'000'000'003 * 8192 / 150e12;
  CHECK(job.ops[job.find_op("fwd").value()].duration.seconds() ==
        doctest::Approx(step_s / 3).epsilon(1e-5));
}

TEST_CASE("data parallel, sharded: reduce-scatter gradients and all-gather parameters") {
  const auto fabric = load("tiny.yaml");
  GenOptions o;
  o.gpus = 8;
  o.dp.params = 1'000'000;
  o.dp.sharded = true;
  auto t = generate(fabric, o);
  REQUIRE(t);
  check_valid(*t, fabric);
  auto sum = totals(t->jobs[0]);
  CHECK(sum.bytes[OpKind::kReduceScatter] == 2'000'000);
  CHECK(sum.bytes[OpKind::kAllGather] == 2'000'000);
  CHECK(sum.ops.count(OpKind::kAllReduce) == 0);
}

TEST_CASE("GPT-style TP+PP+DP on 1,024 GPUs of the TPU v4 pod") {
  const auto fabric = load("tpuv4-pod.yaml");
  GenOptions o;
  o.layout = Layout::kGpt;
  o.gpus = 0;  // tp x pp x dp = 8 x 8 x 16
  auto t = generate(fabric, o);
  REQUIRE_MESSAGE(t, t.error());
  check_valid(*t, fabric);
  const auto& job = t->jobs[0];
  REQUIRE(job.gpus.size() == 1024);
  CHECK(job.gpus[95].endpoint == "block00");
  CHECK(job.gpus[96].endpoint == "block01");
  auto sum = totals(job);
  const std::int64_t activations = 2LL * 1 * 2048 * 12288;  // fp16 micro_batch x seq x hidden
  // TP: 2 all-reduces forward and 2 backward per layer per microbatch.
  const int tp_ars = 8 * 96 * 4;
  // DP: one all-reduce per stage of that stage's TP shard of the gradients.
  const std::int64_t params = 12LL * 96 * 12288 * 12288;
  const std::int64_t dp_bytes = 2 * params / (8 * 8);
  CHECK(sum.ops[OpKind::kAllReduce] == tp_ars + 8);
  CHECK(sum.bytes[OpKind::kAllReduce] == tp_ars * activations + 8 * dp_bytes);
  // PP: each stage boundary, each microbatch, forward and backward; 1/tp slices.
  CHECK(sum.ops[OpKind::kSend] == 2 * 7 * 8);
  CHECK(sum.bytes[OpKind::kSend] == 2 * 7 * 8 * (activations / 8));
  // A DP all-reduce runs over all 16 data-parallel copies of each TP rank.
  const auto& dp_op = job.ops[job.find_op("dp.s0").value()];
  const auto& dp_group = job.groups[dp_op.group];
  CHECK(dp_group.members.size() == 8);
  CHECK(dp_group.members[0].size() == 16);
  CHECK(dp_group.members[0][1] == 8);
  // A pipeline send pairs the same (data, tensor) rank of neighbouring stages.
  const auto& send = job.ops[job.find_op("f0.s0.send").value()];
  CHECK(job.groups[send.group].members[0] == std::vector<int>{0, 128});
}

TEST_CASE("GPT options that cannot work are refused with a sentence") {
  const auto fabric = load("tiny.yaml");
  GenOptions o;
  o.layout = Layout::kGpt;
  o.gpus = 12;
  auto t = generate(fabric, o);
  REQUIRE(!t);
  CHECK(t.error() == "--gpus 12 is not --tp x --pp x --dp = 1024");
  o.gpus = 0;
  o.gpt = {.tp = 2, .pp = 2, .dp = 2, .layers = 4, .hidden = 64, .seq = 16};
  REQUIRE(generate(fabric, o));
  o.gpt.dp = 8;  // 32 GPUs: more than tiny's 16 ports
  t = generate(fabric, o);
  REQUIRE(!t);
  CHECK(t.error().find("has room for 16 GPUs") != std::string::npos);
}

TEST_CASE("mixture of experts: all-to-all of each token's hidden vector to top-k experts") {
  const auto fabric = load("tiny.yaml");
  GenOptions o;
  o.layout = Layout::kMoe;
  o.gpus = 16;
  o.moe = {.ep = 8, .layers = 4, .hidden = 1024, .tokens = 4096, .top_k = 2};
  auto t = generate(fabric, o);
  REQUIRE_MESSAGE(t, t.error());
  check_valid(*t, fabric);
  const auto& job = t->jobs[0];
  auto sum = totals(job);
  CHECK(sum.ops[OpKind::kAllToAll] == 4 * 4);
  CHECK(sum.bytes[OpKind::kAllToAll] == 16 * (2LL * 4096 * 2 * 1024));
  const auto& a2a = job.ops[job.find_op("f.l0.dispatch").value()];
  CHECK(job.groups[a2a.group].members.size() == 2);  // two EP groups of 8
  CHECK(job.find_op("experts.allreduce"));
}

TEST_CASE("several jobs arrive over time on separate GPUs, deterministic by seed") {
  const auto fabric = load("tiny.yaml");
  GenOptions o;
  o.gpus = 4;
  o.jobs = 4;
  o.arrival_mean_ms = 50;
  o.seed = 7;
  auto a = generate(fabric, o);
  REQUIRE(a);
  check_valid(*a, fabric);
  REQUIRE(a->jobs.size() == 4);
  CHECK(a->jobs[0].arrival == Duration());
  for (int j = 1; j < 4; ++j) {
    CHECK(a->jobs[j].arrival > a->jobs[j - 1].arrival);
    CHECK(a->jobs[j].gpus[0].endpoint == "rack" + std::to_string(j + 1));
  }
  auto b = generate(fabric, o);
  REQUIRE(b);
  CHECK(write_trace(*a) == write_trace(*b));
  o.seed = 8;
  auto c = generate(fabric, o);
  REQUIRE(c);
  CHECK(write_trace(*a) != write_trace(*c));
  o.jobs = 5;  // 20 GPUs on 16 ports
  auto d = generate(fabric, o);
  REQUIRE(!d);
  CHECK(d.error() == "job 4 of 5: topology 'tiny' has room for 16 GPUs (0 free), a job needs 4");
}

TEST_CASE("placement options: one port group name, GPUs per group") {
  const auto fabric = load("tpuv4-pod.yaml");
  GenOptions o;
  o.gpus = 128;
  o.placement.gpus_per_group = 64;  // a TPU v4 block holds 64 chips
  auto t = generate(fabric, o);
  REQUIRE(t);
  CHECK(t->jobs[0].gpus[64].endpoint == "block01");
  o.placement.port_group = "nope";
  t = generate(fabric, o);
  REQUIRE(!t);
  CHECK(t.error().find("has room for 0 GPUs") != std::string::npos);
}
