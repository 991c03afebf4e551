#include "simulator/policy/run_policy.h"

#include <algorithm>

#include "simulator/policy/utilization_sampler.h"

namespace lightpath::policy {

Result<report::RunResult> run_policy(const trace::Trace& trace, const Fabric& fabric,
                                     const RunOptions& options) {
  if (std::find(policy_names().begin(), policy_names().end(), options.policy) ==
      policy_names().end()) {
    std::string known;
    for (const auto& n : policy_names()) known += (known.empty() ? "" : ", ") + n;
    return unexpected(
        Error{"UNKNOWN_POLICY", "no policy named '" + options.policy + "' (known: " + known + ")"});
  }
  WorldOptions world_options = options.world;
  if (world_options.network.gpus_per_endpoint.empty()) {
    world_options.network.gpus_per_endpoint = netmodel::gpus_per_endpoint(trace, fabric);
  }
  auto made = SimWorld::create(fabric, world_options);
  if (!made) return unexpected(made.error());
  SimWorld& world = **made;
  sim::EventEngine& engine = world.engine();
  netmodel::TraceRunner runner(engine, world.model(), world.network(), options.plan, nullptr);
  // Every pair that exchanges data needs a packet path: traffic waits there
  // while circuits are being switched, and goes there when they are refused.
  if (auto ok = runner.prepare(trace, true); !ok) return unexpected(ok.error());
  auto policy = make_policy(options.policy, world, runner, options.policy_options);
  runner.set_hooks(policy.get());

  std::vector<netmodel::JobReplay> jobs;
  TimePoint origin;
  bool started = false;
  UtilizationSampler sampler(engine, world.model(), world.network(), world.bridge());
  policy->setup([&] {
    origin = engine.now();
    started = true;
    runner.schedule(jobs);
    sampler.start([&] { return runner.jobs_finished() == runner.jobs(); });
  });

  std::int64_t total_iterations = 0;
  for (const auto& j : trace.jobs) total_iterations += j.iterations;
  const TimePoint stop_at = engine.now() + options.horizon;
  std::uint64_t steps = 0;
  while (!(started && runner.jobs_finished() == runner.jobs())) {
    if (engine.next_time() > stop_at || !engine.step()) break;
    if (options.progress && (++steps & 0xfff) == 0 && total_iterations > 0) {
      options.progress(static_cast<double>(runner.iterations_done()) /
                       static_cast<double>(total_iterations));
    }
  }
  // Circuits released at the end still have mirrors to move; let them, so
  // the timeline shows every release (bounded: a switch that never answers
  // must not hold the run).
  const TimePoint drain_until = std::min(stop_at, engine.now() + Duration::s(60));
  auto moving = [&] {
    if (world.bridge().in_transit() > 0) return true;
    for (const auto& [state, n] : world.controller().circuits_by_state()) {
      if (n > 0 && core::holds_resources(state) && state != core::CircuitState::kActive)
        return true;
    }
    return false;
  };
  while (moving() && engine.next_time() <= drain_until && engine.step()) {
  }
  if (options.progress) options.progress(1.0);

  report::RunResult r;
  r.policy = options.policy;
  r.seed = options.world.seed;
  r.topology = fabric.name;
  r.trace = trace.name;
  const auto& granted = policy->job_circuits();
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    const netmodel::JobReplay& in = jobs[j];
    report::JobResult out;
    out.id = in.id;
    out.gpus = static_cast<int>(trace.jobs[j].gpus.size());
    out.arrival = in.arrival - origin;
    out.started = in.started >= origin ? in.started - origin : Duration();
    const bool done = static_cast<std::int64_t>(in.iterations.size()) == trace.jobs[j].iterations;
    out.finished = done ? in.finished - origin : Duration();
    out.iterations = in.iterations;
    out.circuits_granted = granted[j].granted;
    out.circuits_refused = granted[j].refused;
    if (done) r.end = std::max(r.end, out.finished);
    r.jobs.push_back(std::move(out));
  }
  r.circuits = world.bridge().spans(origin);
  for (const auto& c : r.circuits) {
    // Setup before the trace starts counts too: those ports were dark then.
    if (c.active.count_ns() >= 0 || c.active > c.requested) r.dark_time += c.active - c.requested;
  }
  r.utilization = sampler.samples(origin);
  r.reconfigurations = world.bridge().reconfigurations();
  r.events = engine.events_run();
  r.flows = world.model().stats().flows_started;
  return r;
}

}  // namespace lightpath::policy
