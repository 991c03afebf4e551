#pragma once
// Runs a trace's jobs on the fluid model over a network someone else may
// change while it runs (a circuit policy, simulator/policy). The policy sees
// the replay through ReplayHooks: when a job arrives, when a communication
// phase is about to start and when it is over, when a job is done; it can
// hold a job or a phase back until its circuits are up.
//
// Semantics follow docs/trace-format.md (see trace_replay.h). A phase is one
// communication op of one iteration, all members of its group together: it
// starts when its first instance is ready, and its instances are held until
// the hook lets them go.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lightpath/result.h"
#include "simulator/netmodel/collective_plan.h"
#include "simulator/netmodel/fluid_model.h"
#include "simulator/netmodel/trace_replay.h"

namespace lightpath::netmodel {

class ReplayHooks {
 public:
  virtual ~ReplayHooks() = default;
  // Call `go` (now or later, once) to start the job's first iteration.
  virtual void job_arrived(std::size_t /*job*/, std::function<void()> go) { go(); }
  // Call `go` (now or later, once) to let the op's instances run.
  virtual void phase_starting(std::size_t /*job*/, std::int64_t /*iteration*/, std::size_t /*op*/,
                              std::function<void()> go) {
    go();
  }
  virtual void phase_done(std::size_t /*job*/, std::int64_t /*iteration*/, std::size_t /*op*/) {}
  virtual void job_finished(std::size_t /*job*/) {}
};

// Bytes one iteration of an op sends between two endpoints, the smaller
// endpoint id first (traffic both ways is added up).
using PairTraffic = std::map<std::pair<std::uint32_t, std::uint32_t>, std::int64_t>;

// GPUs the trace places on each endpoint of `fabric` (all jobs together; a
// GPU on an unknown endpoint is not counted), for NetworkOptions.
std::vector<int> gpus_per_endpoint(const trace::Trace& trace, const Fabric& fabric);

class TraceRunner {
 public:
  // All must outlive the runner. `hooks` may be null (nothing held back).
  TraceRunner(sim::EventEngine& engine, FluidModel& model, const Network& network, PlanOptions plan,
              ReplayHooks* hooks);
  ~TraceRunner();
  TraceRunner(const TraceRunner&) = delete;
  TraceRunner& operator=(const TraceRunner&) = delete;

  // The policy may be made after the runner (it reads the runner's traffic).
  void set_hooks(ReplayHooks* hooks) { hooks_ = hooks; }
  // Resolves every job's GPUs and expands its ops. UNKNOWN_ENDPOINT when a
  // GPU's endpoint is not in the fabric. `need_routes`: NO_ROUTE when two
  // GPUs that exchange data have no route in the network as it is now.
  Result<bool> prepare(const trace::Trace& trace, bool need_routes);
  // Schedules each job's arrival; the caller runs the engine.
  void schedule(std::vector<JobReplay>& out);

  // Endpoint traffic of one iteration of an op (collectives and sends), and
  // of all of a job's ops together.
  const PairTraffic& op_traffic(std::size_t job, std::size_t op) const;
  PairTraffic job_traffic(std::size_t job) const;
  const trace::Job& job(std::size_t j) const;
  std::size_t jobs() const;
  std::size_t jobs_finished() const { return jobs_finished_; }
  std::int64_t iterations_done() const { return iterations_done_; }

 private:
  struct JobRun;
  std::optional<std::string> unroutable(const FlowPlan& p,
                                        const std::vector<EndpointId>& eps) const;
  void start_iteration(std::size_t j);
  void ready(std::size_t j, std::uint32_t i);
  void launch(std::size_t j, std::uint32_t i);
  void finish(std::size_t j, std::uint32_t i);

  sim::EventEngine* engine_;
  FluidModel* model_;
  const Network* network_;
  PlanOptions plan_;
  ReplayHooks* hooks_;
  std::vector<JobRun> runs_;
  std::vector<JobReplay>* out_ = nullptr;
  std::size_t jobs_finished_ = 0;
  std::int64_t iterations_done_ = 0;
};

}  // namespace lightpath::netmodel
