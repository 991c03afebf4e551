#pragma once
// Runs a collective's flow plan on the fluid model: each transfer starts as
// a flow once the transfers it depends on have arrived; `done` runs when the
// last one has arrived.

#include <functional>
#include <memory>
#include <vector>

#include "simulator/netmodel/collective_plan.h"
#include "simulator/netmodel/fluid_model.h"

namespace lightpath::netmodel {

// `endpoints[r]` is where rank r's traffic enters the fabric. False (and
// nothing started) when some transfer of the plan has no route; `done` then
// never runs. An empty plan is done at once (on the engine, not inside this call).
bool run_plan(sim::EventEngine& engine, FluidModel& model, const FlowPlan& plan,
              const std::vector<EndpointId>& endpoints, std::function<void()> done);
// The same for a plan shared between runs (a trace's op runs once per member
// and iteration), without copying it; the routes are the caller's to check.
void run_shared_plan(sim::EventEngine& engine, FluidModel& model,
                     std::shared_ptr<const FlowPlan> plan, std::vector<EndpointId> endpoints,
                     std::function<void()> done);

}  // namespace lightpath::netmodel
