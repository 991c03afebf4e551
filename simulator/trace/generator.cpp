#include "simulator/trace/generator.h"

#include <cmath>

#include "simulator/rng.h"
#include "simulator/trace/layouts.h"

namespace lightpath::trace {
namespace {

// The first option that cannot work, or an empty string.
std::string check_options(GenOptions& o) {
  if (o.jobs < 1) return "--jobs must be at least 1";
  if (o.iterations < 1) return "--iterations must be at least 1";
  if (!(o.tflops > 0)) return "--tflops must be greater than zero";
  if (o.arrival_mean_ms < 0) return "--arrival-mean-ms must not be negative";
  switch (o.layout) {
    case Layout::kDataParallel:
      if (o.gpus < 1) return "--gpus must be at least 1";
      if (o.dp.params < 1) return "--params must be at least 1";
      if (o.dp.tokens < 1) return "--tokens must be at least 1";
      if (o.dp.buckets < 1 || o.dp.buckets > o.dp.params)
        return "--buckets must be between 1 and --params";
      break;
    case Layout::kGpt: {
      const auto& g = o.gpt;
      if (g.tp < 1 || g.pp < 1 || g.dp < 1) return "--tp, --pp and --dp must be at least 1";
      if (o.gpus == 0) o.gpus = g.tp * g.pp * g.dp;
      if (o.gpus != g.tp * g.pp * g.dp)
        return "--gpus " + std::to_string(o.gpus) +
               " is not --tp x --pp x --dp = " + std::to_string(g.tp * g.pp * g.dp);
      if (g.layers < 1 || g.layers % g.pp != 0)
        return "--layers must be a positive multiple of --pp";
      if (g.hidden < 1 || g.hidden % g.tp != 0)
        return "--hidden must be a positive multiple of --tp";
      if (g.seq < 1 || g.micro_batch < 1 || g.microbatches < 1)
        return "--seq, --micro-batch and --microbatches must be at least 1";
      break;
    }
    case Layout::kMoe: {
      const auto& m = o.moe;
      if (o.gpus < 1) return "--gpus must be at least 1";
      if (m.ep < 0 || (m.ep > 0 && o.gpus % m.ep != 0)) return "--ep must divide --gpus";
      if (m.layers < 1 || m.hidden < 1 || m.tokens < 1 || m.top_k < 1 || m.experts_per_gpu < 1)
        return "--layers, --hidden, --tokens, --top-k and --experts-per-gpu must be at least 1";
      break;
    }
  }
  return "";
}

}  // namespace

std::string_view to_string(Layout layout) {
  switch (layout) {
    case Layout::kDataParallel:
      return "dp";
    case Layout::kGpt:
      return "gpt";
    case Layout::kMoe:
      return "moe";
  }
  return "?";
}

Result<Trace, std::string> generate(const Fabric& fabric, const GenOptions& options) {
  GenOptions o = options;
  if (auto problem = check_options(o); !problem.empty()) return unexpected(problem);
  Placer placer(fabric, o.placement);
  sim::Rng rng(o.seed);
  Trace trace;
  trace.name =
      o.name.empty() ? std::string(to_string(o.layout)) + "-" + std::to_string(o.gpus) : o.name;
  trace.topology = fabric.name;
  Duration arrival;
  for (int j = 0; j < o.jobs; ++j) {
    if (j > 0 && o.arrival_mean_ms > 0)
      arrival += Duration::us(std::llround(rng.exponential(o.arrival_mean_ms * 1000.0)));
    auto gpus = placer.take(o.gpus);
    if (!gpus)
      return unexpected("job " + std::to_string(j) + " of " + std::to_string(o.jobs) + ": " +
                        gpus.error());
    Job job;
    job.id = "job" + std::to_string(j);
    job.arrival = arrival;
    job.iterations = o.iterations;
    job.gpus = std::move(*gpus);
    JobBuilder builder(job);
    switch (o.layout) {
      case Layout::kDataParallel:
        build_data_parallel(builder, o.gpus, o.tflops, o.dp);
        break;
      case Layout::kGpt:
        build_gpt(builder, o.tflops, o.gpt);
        break;
      case Layout::kMoe:
        build_moe(builder, o.gpus, o.tflops, o.moe);
        break;
    }
    trace.jobs.push_back(std::move(job));
  }
  return trace;
}

}  // namespace lightpath::trace
