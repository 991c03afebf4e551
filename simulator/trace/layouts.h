#pragma once
// One iteration of each generated layout, added to a job whose GPUs are
// already placed. Options are checked by generate() before these run.

#include "simulator/trace/generator.h"
#include "simulator/trace/job_builder.h"

namespace lightpath::trace {

void build_data_parallel(JobBuilder& b, int gpus, double tflops, const DataParallelOptions& o);
void build_gpt(JobBuilder& b, double tflops, const GptOptions& o);
void build_moe(JobBuilder& b, int gpus, double tflops, const MoeOptions& o);

// Parameters of the GPT-style model: 12 h^2 per layer (attention 4 h^2,
// MLP 8 h^2); embeddings are left out.
inline std::int64_t gpt_params(const GptOptions& o) {
  return 12 * o.layers * o.hidden * o.hidden;
}

}  // namespace lightpath::trace
