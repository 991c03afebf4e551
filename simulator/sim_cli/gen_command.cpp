#include "simulator/sim_cli/gen_command.h"

#include <cmath>
#include <fstream>
#include <iostream>
#include <memory>

#include "simulator/sim_cli/common.h"
#include "simulator/trace/chakra_writer.h"
#include "simulator/trace/generator.h"
#include "simulator/trace/trace_writer.h"

namespace lightpath::sim_cli {
namespace {

// Options shared by several layouts are read once; 0 keeps the layout's
// own default (generator.h).
struct GenFlags {
  std::string topology;
  std::string out;
  std::string format = "jsonl";
  trace::GenOptions gen;
  double params = 0;
  std::int64_t tokens = 0;
  int layers = 0;
  std::int64_t hidden = 0;
  int gpus = 0;
  std::string layout = "dp";
};

bool write_jsonl(const trace::Trace& t, const std::string& out) {
  if (out.empty() || out == "-") {
    trace::write_trace(t, std::cout);
    return true;
  }
  std::ofstream file(out, std::ios::binary);
  trace::write_trace(t, file);
  file.close();
  if (!file) {
    std::cerr << out << ": cannot write the file\n";
    return false;
  }
  return true;
}

int run_gen(GenFlags& f) {
  auto& g = f.gen;
  g.layout = f.layout == "gpt"   ? trace::Layout::kGpt
             : f.layout == "moe" ? trace::Layout::kMoe
                                 : trace::Layout::kDataParallel;
  // gpt's default size is the product of its parallel sizes (generate() fills it in).
  g.gpus = f.gpus ? f.gpus : (g.layout == trace::Layout::kGpt ? 0 : 16);
  if (f.params != 0) {
    if (f.params < 1 || f.params != std::floor(f.params) || f.params > 1e15) {
      std::cerr << "--params must be a whole number of parameters between 1 and 1e15\n";
      return 1;
    }
    g.dp.params = static_cast<std::int64_t>(f.params);
  }
  if (f.tokens) g.dp.tokens = g.moe.tokens = f.tokens;
  if (f.layers) g.gpt.layers = g.moe.layers = f.layers;
  if (f.hidden) g.gpt.hidden = g.moe.hidden = f.hidden;
  auto fabric = load_fabric_or_report(f.topology);
  if (!fabric) return 1;
  auto made = trace::generate(*fabric, g);
  if (!made) {
    std::cerr << "lightpath-sim gen: " << made.error() << "\n";
    return 1;
  }
  if (f.format == "jsonl") return write_jsonl(*made, f.out) ? 0 : 1;
  if (made->jobs.size() != 1 || f.out.empty()) {
    std::cerr << "lightpath-sim gen: --format chakra writes one job (--jobs 1) into the "
                 "directory given by --out\n";
    return 1;
  }
  auto files = trace::write_chakra(made->jobs[0], made->name, f.out);
  if (!files) {
    std::cerr << "lightpath-sim gen: " << files.error() << "\n";
    return 1;
  }
  std::cout << f.out << ": " << *files << " rank files (" << made->name << ".<rank>.et)\n";
  return 0;
}

}  // namespace

void add_gen_command(CLI::App& app, int& exit_code) {
  auto f = std::make_shared<GenFlags>();
  auto& g = f->gen;
  auto* cmd = app.add_subcommand("gen", "Generate a training trace placed on a topology");
  cmd->add_option("--topology", f->topology, "Topology YAML file to place GPUs on")->required();
  cmd->add_option("--layout", f->layout, "dp (data parallel), gpt (TP+PP+DP) or moe")
      ->check(CLI::IsMember({"dp", "gpt", "moe"}))
      ->capture_default_str();
  cmd->add_option("--out", f->out, "Output file (default: standard output); chakra: a directory");
  cmd->add_option("--format", f->format, "jsonl (lightpath trace) or chakra (one file per rank)")
      ->check(CLI::IsMember({"jsonl", "chakra"}))
      ->capture_default_str();
  cmd->add_option("--name", g.name, "Trace name (default: LAYOUT-GPUS)");
  cmd->add_option("--seed", g.seed, "Seed for job arrivals")->capture_default_str();
  cmd->add_option("--gpus", f->gpus, "GPUs per job (default 16; gpt: tp x pp x dp)");
  cmd->add_option("--iterations", g.iterations, "Iterations per job")->capture_default_str();
  cmd->add_option("--jobs", g.jobs, "Number of jobs, placed one after another")
      ->capture_default_str();
  cmd->add_option("--arrival-mean-ms", g.arrival_mean_ms,
                  "Mean gap between job arrivals, exponential (0: all at time 0)");
  cmd->add_option("--tflops", g.tflops, "Effective TFLOP/s per GPU (10^12 FLOP/s)")
      ->capture_default_str();
  cmd->add_option("--port-group", g.placement.port_group,
                  "Place GPUs only on port groups of this name");
  cmd->add_option("--gpus-per-group", g.placement.gpus_per_group,
                  "GPUs per endpoint port group (default: one per port)");
  cmd->add_option("--params", f->params, "dp: model parameters (e.g. 1.3e9)");
  cmd->add_option("--tokens", f->tokens, "dp, moe: tokens per GPU per iteration");
  cmd->add_option("--buckets", g.dp.buckets, "dp: gradient buckets")->capture_default_str();
  cmd->add_flag("--sharded", g.dp.sharded, "dp: reduce-scatter gradients, all-gather parameters");
  cmd->add_option("--tp", g.gpt.tp, "gpt: tensor-parallel size")->capture_default_str();
  cmd->add_option("--pp", g.gpt.pp, "gpt: pipeline stages")->capture_default_str();
  cmd->add_option("--dp", g.gpt.dp, "gpt: data-parallel size")->capture_default_str();
  cmd->add_option("--layers", f->layers, "gpt, moe: transformer layers");
  cmd->add_option("--hidden", f->hidden, "gpt, moe: hidden size");
  cmd->add_option("--seq", g.gpt.seq, "gpt: sequence length")->capture_default_str();
  cmd->add_option("--micro-batch", g.gpt.micro_batch, "gpt: sequences per microbatch")
      ->capture_default_str();
  cmd->add_option("--microbatches", g.gpt.microbatches, "gpt: microbatches per iteration")
      ->capture_default_str();
  cmd->add_option("--ep", g.moe.ep, "moe: expert-parallel group size (default: all GPUs)");
  cmd->add_option("--top-k", g.moe.top_k, "moe: experts per token")->capture_default_str();
  cmd->add_option("--experts-per-gpu", g.moe.experts_per_gpu, "moe: experts held by each GPU")
      ->capture_default_str();
  cmd->callback([f, &exit_code] { exit_code = run_gen(*f); });
}

}  // namespace lightpath::sim_cli
