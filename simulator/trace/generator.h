#pragma once
// Generates traces of common training layouts (docs/trace-format.md,
// "Generator"): data parallel (optionally sharded, ZeRO/FSDP style), GPT-style
// tensor + pipeline + data parallel, and mixture-of-experts all-to-all, as one
// job or several arriving over time, placed on a fabric.
//
// Assumptions, stated once: gradients, parameters and activations are 2 bytes
// per value (fp16/bf16); a training step costs 6 FLOPs per parameter per token
// (2 forward, 4 backward) at `tflops` effective per GPU; compute times are
// rounded to whole microseconds so that they survive Chakra's microsecond field.

#include <cstdint>
#include <string>

#include "lightpath/fabric.h"
#include "lightpath/result.h"
#include "simulator/trace/placement.h"
#include "simulator/trace/trace.h"

namespace lightpath::trace {

enum class Layout { kDataParallel, kGpt, kMoe };

struct DataParallelOptions {
  std::int64_t params = 1'300'000'000;  // model parameters
  std::int64_t tokens = 8192;           // per GPU per iteration (batch x sequence)
  int buckets = 4;       // gradient buckets, each all-reduced after its backward part
  bool sharded = false;  // reduce-scatter gradients, all-gather parameters
};

struct GptOptions {
  int tp = 8;  // tensor-parallel group size
  int pp = 8;  // pipeline stages
  int dp = 16;
  int layers = 96;
  std::int64_t hidden = 12288;
  std::int64_t seq = 2048;
  int micro_batch = 1;  // sequences per microbatch
  int microbatches = 8;
};

struct MoeOptions {
  int ep = 0;  // expert-parallel (all-to-all) group size; 0: all GPUs of the job
  int layers = 24;
  std::int64_t hidden = 4096;
  std::int64_t tokens = 8192;  // per GPU per iteration
  int top_k = 2;
  int experts_per_gpu = 1;  // 8 h^2 parameters each; all-reduced across EP groups when ep < GPUs
};

struct GenOptions {
  Layout layout = Layout::kDataParallel;
  std::string name;  // trace name; empty gives one from the layout
  int gpus = 16;     // per job (GPT: must equal tp x pp x dp, or 0 to take that product)
  int iterations = 10;
  int jobs = 1;
  double arrival_mean_ms = 0;  // mean gap between job arrivals (exponential); 0: all at once
  std::uint64_t seed = 1;
  double tflops = 150;  // effective per GPU
  PlacementOptions placement;
  DataParallelOptions dp;
  GptOptions gpt;
  MoeOptions moe;
};

std::string_view to_string(Layout layout);

// The trace, or a sentence saying which option cannot work (e.g. more GPUs
// than the fabric has room for).
Result<Trace, std::string> generate(const Fabric& fabric, const GenOptions& options);

}  // namespace lightpath::trace
