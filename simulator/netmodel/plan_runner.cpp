#include "simulator/netmodel/plan_runner.h"

#include <memory>

namespace lightpath::netmodel {
namespace {

// Lives as long as some flow of the plan is in flight (each flow's callback
// holds it).
struct PlanRun : std::enable_shared_from_this<PlanRun> {
  FluidModel* model = nullptr;
  std::shared_ptr<const FlowPlan> plan;
  std::vector<EndpointId> endpoints;
  std::function<void()> done;
  // One block per run: per transfer the deps not yet arrived, then where
  // its dependents start in the list that follows (one entry more than
  // there are transfers), then the dependents of each transfer in order.
  std::vector<std::uint32_t> counts;
  std::size_t arrived = 0;

  std::uint32_t* waiting() { return counts.data(); }
  std::uint32_t* first() { return counts.data() + plan->transfers.size(); }
  std::uint32_t* dependents() { return counts.data() + 2 * plan->transfers.size() + 1; }

  void launch(std::uint32_t t) {
    const Transfer& x = plan->transfers[t];
    model->start(
        endpoints[x.from], endpoints[x.to], x.bytes,
        [self = shared_from_this(), t] { self->arrive(t); }, x.latency_times);
  }
  void arrive(std::uint32_t t) {
    ++arrived;
    if (!counts.empty()) {
      std::uint32_t* wait = waiting();
      const std::uint32_t* list = dependents();
      for (std::uint32_t k = first()[t]; k < first()[t + 1]; ++k) {
        if (--wait[list[k]] == 0) launch(list[k]);
      }
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
  run->plan = std::move(plan);
  const auto& transfers = run->plan->transfers;
  std::size_t edges = 0;
  for (const Transfer& x : transfers) edges += x.deps.size();
  if (edges > 0) {
    // Dependents by counting sort, each transfer's in plan order.
    run->counts.assign(2 * count + 1 + edges, 0);
    std::uint32_t* waiting = run->waiting();
    std::uint32_t* first = run->first();
    std::uint32_t* dependents = run->dependents();
    for (std::uint32_t t = 0; t < count; ++t) {
      waiting[t] = static_cast<std::uint32_t>(transfers[t].deps.size());
      for (const std::uint32_t d : transfers[t].deps) ++first[d + 1];
    }
    for (std::size_t t = 0; t < count; ++t) first[t + 1] += first[t];
    std::vector<std::uint32_t> next(first, first + count);
    for (std::uint32_t t = 0; t < count; ++t) {
      for (const std::uint32_t d : transfers[t].deps) dependents[next[d]++] = t;
    }
  }
  for (std::uint32_t t = 0; t < count; ++t) {
    if (transfers[t].deps.empty()) run->launch(t);
  }
}

}  // namespace lightpath::netmodel
