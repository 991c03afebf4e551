#include "simulator/netmodel/plan_runner.h"

#include <memory>

namespace lightpath::netmodel {
namespace {

// Lives as long as some flow of the plan is in flight (each flow's callback
// holds it).
struct PlanRun : std::enable_shared_from_this<PlanRun> {
  FluidModel* model;
  std::shared_ptr<const FlowPlan> plan;
  std::vector<EndpointId> endpoints;
  std::function<void()> done;
  std::vector<int> waiting;  // deps not yet arrived, per transfer
  std::vector<std::vector<std::uint32_t>> dependents;
  std::size_t arrived = 0;

  void launch(std::uint32_t t) {
    const Transfer& x = plan->transfers[t];
    model->start(
        endpoints[x.from], endpoints[x.to], x.bytes,
        [self = shared_from_this(), t] { self->arrive(t); }, x.latency_times);
  }
  void arrive(std::uint32_t t) {
    ++arrived;
    for (const std::uint32_t d : dependents[t]) {
      if (--waiting[d] == 0) launch(d);
    }
    if (arrived == plan->transfers.size()) done();
  }
};

}  // namespace

bool run_plan(sim::EventEngine& engine, FluidModel& model, const FlowPlan& plan,
              const std::vector<EndpointId>& endpoints, std::function<void()> done) {
  for (const Transfer& x : plan.transfers) {
    if (!model.can_route(endpoints[x.from], endpoints[x.to])) return false;
  }
  run_shared_plan(engine, model, std::make_shared<const FlowPlan>(plan), endpoints,
                  std::move(done));
  return true;
}

void run_shared_plan(sim::EventEngine& engine, FluidModel& model,
                     std::shared_ptr<const FlowPlan> plan, std::vector<EndpointId> endpoints,
                     std::function<void()> done) {
  const std::size_t count = plan->transfers.size();
  if (count == 0) {
    engine.schedule_after(Duration(), std::move(done));
    return;
  }
  auto run = std::make_shared<PlanRun>();
  run->model = &model;
  run->endpoints = std::move(endpoints);
  run->done = std::move(done);
  run->waiting.resize(count);
  run->dependents.resize(count);
  for (std::uint32_t t = 0; t < count; ++t) {
    run->waiting[t] = static_cast<int>(plan->transfers[t].deps.size());
    for (const std::uint32_t d : plan->transfers[t].deps) run->dependents[d].push_back(t);
  }
  run->plan = std::move(plan);
  for (std::uint32_t t = 0; t < count; ++t) {
    if (run->waiting[t] == 0) run->launch(t);
  }
}

}  // namespace lightpath::netmodel
