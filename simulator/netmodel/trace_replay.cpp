#include "simulator/netmodel/trace_replay.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include "simulator/netmodel/fluid_model.h"
#include "simulator/netmodel/plan_runner.h"

namespace lightpath::netmodel {
namespace {

// One op on one member of its group, in one iteration.
struct Instance {
  std::size_t op = 0;
  int initial_waiting = 0;  // instances it depends on
  std::vector<std::uint32_t> dependents;
  std::vector<EndpointId> endpoints;     // the member's GPUs in member order
  std::shared_ptr<const FlowPlan> plan;  // null for compute
};

struct JobRun {
  const trace::Job* job = nullptr;
  std::vector<Instance> instances;
  std::vector<int> waiting;
  std::size_t finished = 0;
  TimePoint iteration_start;
};

class Replay {
 public:
  Replay(const Fabric& fabric, const ReplayOptions& options)
      : engine_(sim::Rng(0)),
        network_(fabric, options.network),
        model_(engine_, network_),
        options_(options) {}

  Network& network() { return network_; }

  // Resolves GPUs to endpoints, expands ops into instances and their plans,
  // and checks that every pair that exchanges data has a route.
  Result<bool> prepare(const trace::Job& job, JobRun& run) {
    run.job = &job;
    std::unordered_map<int, EndpointId> endpoint_of;
    for (const auto& gpu : job.gpus) {
      const auto e = network_.fabric().find_endpoint(gpu.endpoint);
      if (!e) {
        return unexpected(Error{"UNKNOWN_ENDPOINT", "job '" + job.id + "': GPU " +
                                                        std::to_string(gpu.id) + " is on '" +
                                                        gpu.endpoint + "', not in the fabric"});
      }
      endpoint_of[gpu.id] = *e;
    }
    // For each op, which member holds each GPU, and where its instances start.
    std::vector<std::unordered_map<int, std::uint32_t>> member_of(job.ops.size());
    std::vector<std::uint32_t> first(job.ops.size());
    for (std::size_t o = 0; o < job.ops.size(); ++o) {
      first[o] = static_cast<std::uint32_t>(run.instances.size());
      const auto& members = job.groups[job.ops[o].group].members;
      std::map<std::size_t, std::shared_ptr<const FlowPlan>> plans;  // by member size
      for (std::size_t m = 0; m < members.size(); ++m) {
        Instance inst;
        inst.op = o;
        for (const int g : members[m]) {
          member_of[o][g] = first[o] + static_cast<std::uint32_t>(m);
          inst.endpoints.push_back(endpoint_of.at(g));
        }
        const trace::Op& op = job.ops[o];
        if (op.kind != trace::OpKind::kCompute) {
          auto& p = plans[members[m].size()];
          if (!p) {
            p = std::make_shared<const FlowPlan>(plan(op.kind, static_cast<int>(members[m].size()),
                                                      op.bytes, options_.plan, op.root));
          }
          inst.plan = p;
          if (auto bad = unroutable(*p, inst.endpoints)) {
            return unexpected(
                Error{"NO_ROUTE", "job '" + job.id + "', op '" + op.id + "': " + *bad});
          }
        }
        run.instances.push_back(std::move(inst));
      }
    }
    // Per GPU dependencies: the instance of each dependency holding a GPU of ours.
    for (std::uint32_t i = 0; i < run.instances.size(); ++i) {
      Instance& inst = run.instances[i];
      const trace::Op& op = job.ops[inst.op];
      const auto& member = job.groups[op.group].members[i - first[inst.op]];
      std::set<std::uint32_t> deps;
      for (const std::size_t d : op.deps) {
        for (const int g : member) {
          if (auto it = member_of[d].find(g); it != member_of[d].end()) deps.insert(it->second);
        }
      }
      inst.initial_waiting = static_cast<int>(deps.size());
      for (const std::uint32_t d : deps) run.instances[d].dependents.push_back(i);
    }
    return true;
  }

  ReplayResult run(std::vector<JobRun>& runs) {
    ReplayResult result;
    for (std::size_t j = 0; j < runs.size(); ++j) {
      const trace::Job& job = *runs[j].job;
      result.jobs.push_back(JobReplay{job.id, TimePoint() + job.arrival, TimePoint(), {}});
      engine_.schedule_at(TimePoint() + job.arrival,
                          [this, &runs, &result, j] { start_iteration(runs[j], result.jobs[j]); });
    }
    engine_.run();
    for (const auto& job : result.jobs) result.end = std::max(result.end, job.finished);
    result.flows = model_.stats().flows_started;
    result.events = engine_.events_run();
    return result;
  }

 private:
  // A description of the first transfer of `p` with no route, if any.
  std::optional<std::string> unroutable(const FlowPlan& p, const std::vector<EndpointId>& eps) {
    std::set<std::pair<int, int>> pairs;
    for (const Transfer& t : p.transfers) pairs.insert({t.from, t.to});
    for (const auto& [from, to] : pairs) {
      if (!model_.can_route(eps[from], eps[to])) {
        const Fabric& f = network_.fabric();
        return "no circuit or packet path from '" + f.endpoint(eps[from]).name + "' to '" +
               f.endpoint(eps[to]).name + "'";
      }
    }
    return std::nullopt;
  }

  void start_iteration(JobRun& run, JobReplay& out) {
    run.iteration_start = engine_.now();
    run.finished = 0;
    run.waiting.resize(run.instances.size());
    for (std::size_t i = 0; i < run.instances.size(); ++i) {
      run.waiting[i] = run.instances[i].initial_waiting;
    }
    for (std::uint32_t i = 0; i < run.instances.size(); ++i) {
      if (run.waiting[i] == 0) launch(run, out, i);
    }
  }

  void launch(JobRun& run, JobReplay& out, std::uint32_t i) {
    const Instance& inst = run.instances[i];
    auto done = [this, &run, &out, i] { finish(run, out, i); };
    if (!inst.plan) {
      engine_.schedule_after(run.job->ops[inst.op].duration, done);
    } else {
      run_shared_plan(engine_, model_, inst.plan, inst.endpoints, done);
    }
  }

  void finish(JobRun& run, JobReplay& out, std::uint32_t i) {
    ++run.finished;
    for (const std::uint32_t d : run.instances[i].dependents) {
      if (--run.waiting[d] == 0) launch(run, out, d);
    }
    if (run.finished < run.instances.size()) return;
    out.iterations.push_back(engine_.now() - run.iteration_start);
    if (static_cast<std::int64_t>(out.iterations.size()) < run.job->iterations) {
      start_iteration(run, out);
    } else {
      out.finished = engine_.now();
    }
  }

  sim::EventEngine engine_;
  Network network_;
  FluidModel model_;
  ReplayOptions options_;
};

}  // namespace

Result<ReplayResult> replay_trace(const trace::Trace& trace, const Fabric& fabric,
                                  const std::vector<Circuit>& circuits,
                                  const ReplayOptions& options) {
  Replay replay(fabric, options);
  for (const Circuit& c : circuits) replay.network().add_circuit(c);
  std::vector<JobRun> runs(trace.jobs.size());
  for (std::size_t j = 0; j < trace.jobs.size(); ++j) {
    auto ok = replay.prepare(trace.jobs[j], runs[j]);
    if (!ok) return unexpected(ok.error());
  }
  return replay.run(runs);
}

}  // namespace lightpath::netmodel
