#include "simulator/netmodel/trace_runner.h"

#include <algorithm>
#include <set>
#include <unordered_map>

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

enum class Phase : std::uint8_t { kIdle, kHeld, kRunning };

// Bytes each endpoint pair exchanges in `p` over `eps`.
void add_traffic(const FlowPlan& p, const std::vector<EndpointId>& eps, PairTraffic& out) {
  for (const Transfer& t : p.transfers) {
    const std::uint32_t a = eps[t.from].value();
    const std::uint32_t b = eps[t.to].value();
    if (a != b) out[{std::min(a, b), std::max(a, b)}] += t.bytes.count();
  }
}

}  // namespace

std::vector<int> gpus_per_endpoint(const trace::Trace& trace, const Fabric& fabric) {
  std::vector<int> out(fabric.endpoints.size(), 0);
  for (const trace::Job& job : trace.jobs) {
    for (const trace::Gpu& gpu : job.gpus) {
      if (auto e = fabric.find_endpoint(gpu.endpoint)) ++out[e->value()];
    }
  }
  return out;
}

struct TraceRunner::JobRun {
  const trace::Job* job = nullptr;
  std::vector<Instance> instances;
  std::vector<std::uint32_t> first;              // per op: its first instance
  std::vector<PairTraffic> traffic;              // per op
  std::vector<int> waiting;                      // per instance, this iteration
  std::vector<Phase> phase;                      // per op, this iteration
  std::vector<std::uint32_t> left;               // per op: instances not yet finished
  std::vector<std::vector<std::uint32_t>> held;  // per op: instances ready while held
  std::size_t finished = 0;
  std::int64_t iteration = 0;
  TimePoint iteration_start;
};

TraceRunner::TraceRunner(sim::EventEngine& engine, FluidModel& model, const Network& network,
                         PlanOptions plan, ReplayHooks* hooks)
    : engine_(&engine), model_(&model), network_(&network), plan_(plan), hooks_(hooks) {}

TraceRunner::~TraceRunner() = default;

const trace::Job& TraceRunner::job(std::size_t j) const {
  return *runs_[j].job;
}
std::size_t TraceRunner::jobs() const {
  return runs_.size();
}
const PairTraffic& TraceRunner::op_traffic(std::size_t j, std::size_t op) const {
  return runs_[j].traffic[op];
}

PairTraffic TraceRunner::job_traffic(std::size_t j) const {
  PairTraffic all;
  for (const PairTraffic& t : runs_[j].traffic) {
    for (const auto& [pair, bytes] : t) all[pair] += bytes;
  }
  return all;
}

Result<bool> TraceRunner::prepare(const trace::Trace& trace, bool need_routes) {
  const Fabric& fabric = network_->fabric();
  runs_.resize(trace.jobs.size());
  for (std::size_t j = 0; j < trace.jobs.size(); ++j) {
    const trace::Job& job = trace.jobs[j];
    JobRun& run = runs_[j];
    run.job = &job;
    std::unordered_map<int, EndpointId> endpoint_of;
    for (const auto& gpu : job.gpus) {
      const auto e = fabric.find_endpoint(gpu.endpoint);
      if (!e) {
        return unexpected(Error{"UNKNOWN_ENDPOINT", "job '" + job.id + "': GPU " +
                                                        std::to_string(gpu.id) + " is on '" +
                                                        gpu.endpoint + "', not in the fabric"});
      }
      endpoint_of[gpu.id] = *e;
    }
    // For each op, which member holds each GPU, and where its instances start.
    std::vector<std::unordered_map<int, std::uint32_t>> member_of(job.ops.size());
    run.first.resize(job.ops.size());
    run.traffic.resize(job.ops.size());
    for (std::size_t o = 0; o < job.ops.size(); ++o) {
      run.first[o] = static_cast<std::uint32_t>(run.instances.size());
      const trace::Op& op = job.ops[o];
      const auto& members = job.groups[op.group].members;
      std::map<std::size_t, std::shared_ptr<const FlowPlan>> plans;  // by member size
      for (std::size_t m = 0; m < members.size(); ++m) {
        Instance inst;
        inst.op = o;
        for (const int g : members[m]) {
          member_of[o][g] = run.first[o] + static_cast<std::uint32_t>(m);
          inst.endpoints.push_back(endpoint_of.at(g));
        }
        if (op.kind != trace::OpKind::kCompute) {
          auto& p = plans[members[m].size()];
          if (!p) {
            p = std::make_shared<const FlowPlan>(
                plan(op.kind, static_cast<int>(members[m].size()), op.bytes, plan_, op.root));
          }
          inst.plan = p;
          add_traffic(*p, inst.endpoints, run.traffic[o]);
          if (auto bad = need_routes ? unroutable(*p, inst.endpoints) : std::nullopt) {
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
      const auto& member = job.groups[op.group].members[i - run.first[inst.op]];
      std::set<std::uint32_t> deps;
      for (const std::size_t d : op.deps) {
        for (const int g : member) {
          if (auto it = member_of[d].find(g); it != member_of[d].end()) deps.insert(it->second);
        }
      }
      inst.initial_waiting = static_cast<int>(deps.size());
      for (const std::uint32_t d : deps) run.instances[d].dependents.push_back(i);
    }
  }
  return true;
}

std::optional<std::string> TraceRunner::unroutable(const FlowPlan& p,
                                                   const std::vector<EndpointId>& eps) const {
  std::set<std::pair<int, int>> pairs;
  for (const Transfer& t : p.transfers) pairs.insert({t.from, t.to});
  for (const auto& [from, to] : pairs) {
    if (!model_->can_route(eps[from], eps[to])) {
      const Fabric& f = network_->fabric();
      return "no circuit or packet path from '" + f.endpoint(eps[from]).name + "' to '" +
             f.endpoint(eps[to]).name + "'";
    }
  }
  return std::nullopt;
}

void TraceRunner::schedule(std::vector<JobReplay>& out) {
  out_ = &out;
  out.clear();
  for (std::size_t j = 0; j < runs_.size(); ++j) {
    const trace::Job& job = *runs_[j].job;
    out.push_back(JobReplay{job.id, engine_->now() + job.arrival, TimePoint(), TimePoint(), {}});
    engine_->schedule_at(engine_->now() + job.arrival, [this, j] {
      if (hooks_ == nullptr) {
        start_iteration(j);
      } else {
        hooks_->job_arrived(j, [this, j] { start_iteration(j); });
      }
    });
  }
}

void TraceRunner::start_iteration(std::size_t j) {
  JobRun& run = runs_[j];
  run.iteration_start = engine_->now();
  if (run.iteration == 0) (*out_)[j].started = engine_->now();
  run.finished = 0;
  run.waiting.resize(run.instances.size());
  for (std::size_t i = 0; i < run.instances.size(); ++i) {
    run.waiting[i] = run.instances[i].initial_waiting;
  }
  const std::size_t ops = run.job->ops.size();
  run.phase.assign(ops, Phase::kIdle);
  run.held.assign(ops, {});
  run.left.resize(ops);
  for (std::size_t o = 0; o < ops; ++o) {
    const std::uint32_t end =
        o + 1 < ops ? run.first[o + 1] : static_cast<std::uint32_t>(run.instances.size());
    run.left[o] = end - run.first[o];
  }
  for (std::uint32_t i = 0; i < run.instances.size(); ++i) {
    if (run.waiting[i] == 0) ready(j, i);
  }
}

void TraceRunner::ready(std::size_t j, std::uint32_t i) {
  JobRun& run = runs_[j];
  const std::size_t op = run.instances[i].op;
  if (!run.instances[i].plan || hooks_ == nullptr || run.phase[op] == Phase::kRunning) {
    launch(j, i);
    return;
  }
  run.held[op].push_back(i);
  if (run.phase[op] == Phase::kHeld) return;
  run.phase[op] = Phase::kHeld;
  const std::int64_t iteration = run.iteration;
  hooks_->phase_starting(j, iteration, op, [this, j, op, iteration] {
    JobRun& r = runs_[j];
    if (r.iteration != iteration || r.phase[op] != Phase::kHeld) return;
    r.phase[op] = Phase::kRunning;
    const std::vector<std::uint32_t> go = std::move(r.held[op]);
    r.held[op].clear();
    for (const std::uint32_t x : go) launch(j, x);
  });
}

void TraceRunner::launch(std::size_t j, std::uint32_t i) {
  JobRun& run = runs_[j];
  const Instance& inst = run.instances[i];
  auto done = [this, j, i] { finish(j, i); };
  if (!inst.plan) {
    engine_->schedule_after(run.job->ops[inst.op].duration, done);
  } else {
    run_shared_plan(*engine_, *model_, inst.plan, inst.endpoints, done);
  }
}

void TraceRunner::finish(std::size_t j, std::uint32_t i) {
  JobRun& run = runs_[j];
  ++run.finished;
  const std::size_t op = run.instances[i].op;
  if (--run.left[op] == 0 && run.instances[i].plan && hooks_ != nullptr) {
    hooks_->phase_done(j, run.iteration, op);
  }
  for (const std::uint32_t d : run.instances[i].dependents) {
    if (--run.waiting[d] == 0) ready(j, d);
  }
  if (run.finished < run.instances.size()) return;
  JobReplay& out = (*out_)[j];
  out.iterations.push_back(engine_->now() - run.iteration_start);
  ++run.iteration;
  ++iterations_done_;
  if (run.iteration < run.job->iterations) {
    start_iteration(j);
  } else {
    out.finished = engine_->now();
    ++jobs_finished_;
    if (hooks_ != nullptr) hooks_->job_finished(j);
  }
}

}  // namespace lightpath::netmodel
