#pragma once
// Circuit policies (docs/simulation.md): when a replay asks the controller
// for circuits, which, and when it gives them back. Every policy talks to
// the same controller core as lightpathd, through request_circuits and
// release, and sizes its circuits with the topology-engineering solver.
//
//   packet-only         never asks; everything rides the packet fabric
//   static              one uniform OCS topology before the trace starts
//   on-demand           a job's circuits at its arrival, released when it ends
//   per-phase           before each communication phase, the circuits that
//                       phase needs (kept while the next phase needs the same)
//   traffic-engineered  static to begin with, then every interval re-shaped
//                       to the traffic observed in the last one

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "simulator/netmodel/trace_runner.h"
#include "simulator/policy/sim_world.h"

namespace lightpath::policy {

// Circuits wanted per endpoint pair (smaller endpoint id first).
using LinkCounts = std::map<std::pair<std::uint32_t, std::uint32_t>, int>;

struct PolicyOptions {
  Duration te_interval = Duration::ms(500);  // traffic-engineered: re-planning period
};

struct JobCircuits {
  int granted = 0;
  int refused = 0;
};

class Policy : public netmodel::ReplayHooks {
 public:
  Policy(SimWorld& world, const netmodel::TraceRunner& runner, PolicyOptions options);
  ~Policy() override;

  // Before the trace starts (static and traffic-engineered set up their
  // topology here); call `ready` when it may start.
  virtual void setup(std::function<void()> ready) { ready(); }
  // Per job, in trace order.
  const std::vector<JobCircuits>& job_circuits() const { return per_job_; }

 protected:
  using Granted = std::function<void(std::vector<CircuitId>)>;
  // Asks for `links` on behalf of job `job` (-1: the fabric's own, not a
  // job's). `done` gets the circuits granted, once they are all up (or gone).
  void ask(int job, const LinkCounts& links, Granted done);
  void release(const std::vector<CircuitId>& ids);
  // Link counts in proportion to `traffic`, within every endpoint's ports.
  // `spread`: also one link between every pair sharing a switch, and the
  // ports left over spread over all pairs (a whole-fabric topology).
  LinkCounts size_links(const netmodel::PairTraffic& traffic, bool spread) const;
  // Every pair of endpoints on the optical fabric, equal traffic.
  netmodel::PairTraffic uniform_traffic() const;

  SimWorld& world_;
  const netmodel::TraceRunner& runner_;
  PolicyOptions options_;

 private:
  std::string port_group_of(std::uint32_t endpoint) const;

  std::vector<JobCircuits> per_job_;
  std::map<std::uint32_t, std::string> port_group_;  // from the trace's GPUs
  std::uint64_t requests_ = 0;
};

// The policy names above, in that order.
const std::vector<std::string>& policy_names();
// nullptr for an unknown name.
std::unique_ptr<Policy> make_policy(std::string_view name, SimWorld& world,
                                    const netmodel::TraceRunner& runner, PolicyOptions options);

}  // namespace lightpath::policy
