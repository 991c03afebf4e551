#include "simulator/trace/layouts.h"

#include <numeric>

namespace lightpath::trace {
namespace {

constexpr std::int64_t kBytesPerValue = 2;  // fp16 / bf16

std::vector<int> range(int first, int count) {
  std::vector<int> v(count);
  std::iota(v.begin(), v.end(), first);
  return v;
}

std::string id(std::string_view prefix, int a, std::string_view mid = "", int b = -1,
               std::string_view suffix = "") {
  std::string s(prefix);
  s += std::to_string(a);
  if (b >= 0) s.append(mid).append(std::to_string(b));
  s += suffix;
  return s;
}

}  // namespace

// Forward pass, then backward in `buckets` parts; each part's gradients are
// all-reduced (or reduce-scattered, when sharded) as soon as that part is
// done, overlapping the rest of the backward pass as DDP does. Sharded runs
// all-gather each bucket's parameters before the forward pass.
void build_data_parallel(JobBuilder& b, int gpus, double tflops, const DataParallelOptions& o) {
  const auto all = b.group("all", {range(0, gpus)});
  const double step_flops = 6.0 * static_cast<double>(o.params) * static_cast<double>(o.tokens);
  const auto sizes = split_evenly(kBytesPerValue * o.params, o.buckets);
  std::size_t before_fwd = kNoOp;
  if (o.sharded) {
    for (int k = 0; k < o.buckets; ++k)
      before_fwd = b.comm(id("gather", k), OpKind::kAllGather, all, sizes[k], {before_fwd});
  }
  const auto fwd = b.compute("fwd", all, compute_time(step_flops / 3, tflops), {before_fwd});
  std::size_t prev = fwd;
  const auto bwd_time = compute_time(step_flops * 2 / 3 / o.buckets, tflops);
  // Backward runs from the last layers to the first, so bucket 0 holds the
  // last layers' gradients.
  for (int k = 0; k < o.buckets; ++k) {
    prev = b.compute(id("bwd", k), all, bwd_time, {prev});
    b.comm(id(o.sharded ? "scatter" : "allreduce", k),
           o.sharded ? OpKind::kReduceScatter : OpKind::kAllReduce, all, sizes[k], {prev});
  }
}

// GPT-style Megatron layout. GPU numbering: tensor rank fastest, then data
// rank, then pipeline stage: gpu = (stage * dp + d) * tp + t, so a TP group is
// consecutive GPUs (placed together on one endpoint when it fits).
// Per layer and microbatch: forward is attention, TP all-reduce, MLP, TP
// all-reduce (and backward the same again at twice the compute). Stages pass
// activations forward and gradients backward, each TP rank its 1/tp slice of
// micro_batch x seq x hidden values. Schedule: GPipe, all forward microbatches
// then all backward; each stage then all-reduces its gradients over DP.
void build_gpt(JobBuilder& b, double tflops, const GptOptions& o) {
  const int per_stage = o.layers / o.pp;
  auto gpu = [&](int stage, int d, int t) { return (stage * o.dp + d) * o.tp + t; };
  std::vector<std::size_t> tp_group(o.pp), dp_group(o.pp), fwd_pairs(o.pp), bwd_pairs(o.pp);
  for (int s = 0; s < o.pp; ++s) {
    std::vector<std::vector<int>> tp, dp;
    for (int d = 0; d < o.dp; ++d) tp.push_back(range(gpu(s, d, 0), o.tp));
    tp_group[s] = b.group(id("s", s, "", -1, ".tp"), std::move(tp));
    for (int t = 0; t < o.tp; ++t) {
      std::vector<int> ranks;
      for (int d = 0; d < o.dp; ++d) ranks.push_back(gpu(s, d, t));
      dp.push_back(std::move(ranks));
    }
    if (o.dp > 1) dp_group[s] = b.group(id("s", s, "", -1, ".dp"), std::move(dp));
    if (s + 1 < o.pp) {
      std::vector<std::vector<int>> fwd, bwd;
      for (int d = 0; d < o.dp; ++d) {
        for (int t = 0; t < o.tp; ++t) {
          fwd.push_back({gpu(s, d, t), gpu(s + 1, d, t)});
          bwd.push_back({gpu(s + 1, d, t), gpu(s, d, t)});
        }
      }
      fwd_pairs[s] = b.group(id("s", s, "-", s + 1, ".fwd"), std::move(fwd));
      bwd_pairs[s] = b.group(id("s", s + 1, "-", s, ".bwd"), std::move(bwd));
    }
  }
  const std::int64_t activations = kBytesPerValue * o.micro_batch * o.seq * o.hidden;
  const double tokens = static_cast<double>(o.micro_batch) * static_cast<double>(o.seq);
  const double h2 = static_cast<double>(o.hidden) * static_cast<double>(o.hidden);
  // Forward FLOPs per token: 2 per parameter; attention 4 h^2 and MLP 8 h^2
  // parameters per layer, split over the TP group.
  const auto attn_fwd = compute_time(2 * 4 * h2 * tokens / o.tp, tflops);
  const auto mlp_fwd = compute_time(2 * 8 * h2 * tokens / o.tp, tflops);
  std::vector<std::size_t> last(o.pp, kNoOp);  // each stage's latest op, to run in order

  // One layer pass of one microbatch on one stage: compute, TP all-reduce, twice.
  auto layer_pass = [&](const std::string& prefix, int s, int scale, std::size_t incoming) {
    for (int l = 0; l < per_stage; ++l) {
      const std::string p = prefix + ".l" + std::to_string(s * per_stage + l);
      const bool first = l == 0;
      auto a = b.compute(p + ".attn", tp_group[s], attn_fwd * scale,
                         {last[s], first ? incoming : kNoOp});
      if (o.tp > 1) a = b.comm(p + ".ar1", OpKind::kAllReduce, tp_group[s], activations, {a});
      auto m = b.compute(p + ".mlp", tp_group[s], mlp_fwd * scale, {a});
      if (o.tp > 1) m = b.comm(p + ".ar2", OpKind::kAllReduce, tp_group[s], activations, {m});
      last[s] = m;
    }
  };
  const std::int64_t slice = activations / o.tp;
  for (int mb = 0; mb < o.microbatches; ++mb) {
    std::size_t incoming = kNoOp;
    for (int s = 0; s < o.pp; ++s) {
      layer_pass(id("f", mb, ".s", s), s, 1, incoming);
      if (s + 1 < o.pp)
        incoming =
            b.comm(id("f", mb, ".s", s, ".send"), OpKind::kSend, fwd_pairs[s], slice, {last[s]});
    }
  }
  for (int mb = 0; mb < o.microbatches; ++mb) {
    std::size_t incoming = kNoOp;
    for (int s = o.pp - 1; s >= 0; --s) {
      layer_pass(id("b", mb, ".s", s), s, 2, incoming);
      if (s > 0)
        incoming = b.comm(id("b", mb, ".s", s, ".send"), OpKind::kSend, bwd_pairs[s - 1], slice,
                          {last[s]});
    }
  }
  if (o.dp > 1) {
    const std::int64_t grads = kBytesPerValue * 12 * per_stage * o.hidden * o.hidden / o.tp;
    for (int s = 0; s < o.pp; ++s)
      b.comm(id("dp.s", s), OpKind::kAllReduce, dp_group[s], grads, {last[s]});
  }
}

// Mixture of experts with expert parallelism: every layer's MLP is a set of
// experts spread over an EP group. Per layer, forward: attention, all-to-all
// dispatch of each token's hidden vector to its top_k experts, expert MLP,
// all-to-all combine; backward mirrors it at twice the compute. Attention
// (4 h^2 per layer) is replicated and all-reduced over all GPUs at the end;
// experts are all-reduced between the EP groups that hold copies of them.
void build_moe(JobBuilder& b, int gpus, double tflops, const MoeOptions& o) {
  const int ep = o.ep > 0 ? o.ep : gpus;
  std::vector<std::vector<int>> ep_members;
  for (int first = 0; first < gpus; first += ep) ep_members.push_back(range(first, ep));
  const auto all = b.group("all", {range(0, gpus)});
  const auto ep_group = ep == gpus ? all : b.group("ep", std::move(ep_members));
  const double tokens = static_cast<double>(o.tokens);
  const double h2 = static_cast<double>(o.hidden) * static_cast<double>(o.hidden);
  const auto attn = compute_time(2 * 4 * h2 * tokens, tflops);
  const auto expert = compute_time(2 * 8 * h2 * tokens * o.top_k, tflops);
  const std::int64_t a2a = kBytesPerValue * o.tokens * o.top_k * o.hidden;
  std::size_t prev = kNoOp;
  for (int l = 0; l < o.layers; ++l) {
    const std::string p = id("f.l", l);
    prev = b.compute(p + ".attn", all, attn, {prev});
    prev = b.comm(p + ".dispatch", OpKind::kAllToAll, ep_group, a2a, {prev});
    prev = b.compute(p + ".experts", all, expert, {prev});
    prev = b.comm(p + ".combine", OpKind::kAllToAll, ep_group, a2a, {prev});
  }
  for (int l = o.layers - 1; l >= 0; --l) {
    const std::string p = id("b.l", l);
    prev = b.comm(p + ".combine", OpKind::kAllToAll, ep_group, a2a, {prev});
    prev = b.compute(p + ".experts", all, expert * 2, {prev});
    prev = b.comm(p + ".dispatch", OpKind::kAllToAll, ep_group, a2a, {prev});
    prev = b.compute(p + ".attn", all, attn * 2, {prev});
  }
  if (gpus > 1)
    b.comm("dense.allreduce", OpKind::kAllReduce, all,
           kBytesPerValue * 4 * o.layers * o.hidden * o.hidden, {prev});
  if (ep < gpus) {
    std::vector<std::vector<int>> replicas;
    for (int i = 0; i < ep; ++i) {
      std::vector<int> copies;
      for (int g = i; g < gpus; g += ep) copies.push_back(g);
      replicas.push_back(std::move(copies));
    }
    const auto replica_group = b.group("ep.replicas", std::move(replicas));
    b.comm("experts.allreduce", OpKind::kAllReduce, replica_group,
           kBytesPerValue * 8 * o.experts_per_gpu * o.layers * o.hidden * o.hidden, {prev});
  }
}

}  // namespace lightpath::trace
