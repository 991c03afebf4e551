#include "simulator/netmodel/trace_replay.h"

#include <algorithm>

#include "simulator/netmodel/trace_runner.h"

namespace lightpath::netmodel {

Result<ReplayResult> replay_trace(const trace::Trace& trace, const Fabric& fabric,
                                  const std::vector<Circuit>& circuits,
                                  const ReplayOptions& options) {
  sim::EventEngine engine(sim::Rng(0));
  NetworkOptions net = options.network;
  if (net.gpus_per_endpoint.empty()) net.gpus_per_endpoint = gpus_per_endpoint(trace, fabric);
  Network network(fabric, net);
  for (const Circuit& c : circuits) network.add_circuit(c);
  FluidModel model(engine, network);
  TraceRunner runner(engine, model, network, options.plan, nullptr);
  if (auto ok = runner.prepare(trace, true); !ok) return unexpected(ok.error());
  ReplayResult result;
  runner.schedule(result.jobs);
  engine.run();
  for (const auto& job : result.jobs) result.end = std::max(result.end, job.finished);
  result.flows = model.stats().flows_started;
  result.events = engine.events_run();
  return result;
}

}  // namespace lightpath::netmodel
