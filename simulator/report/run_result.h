#pragma once
// What one `lightpath-sim run` found: a trace replayed on a fabric under one
// circuit policy. The policy runner (simulator/policy) fills it; the report
// writers (simulator/report) turn it into summary.json, CSV files and
// report.html. Everything here is virtual time and deterministic for a seed,
// so the files written from it are byte-identical run to run; wall-clock
// figures stay out of it on purpose.

#include <cstdint>
#include <string>
#include <vector>

#include "lightpath/units.h"

namespace lightpath::report {

struct JobResult {
  std::string id;
  int gpus = 0;
  Duration arrival;   // since the start of the trace
  Duration started;   // first iteration began (after any wait for circuits)
  Duration finished;  // last iteration ended; zero when the job never finished
  std::vector<Duration> iterations;  // each iteration's duration, in order
  int circuits_granted = 0;          // circuits the controller admitted for this job
  int circuits_refused = 0;          // circuits asked for and refused (traffic went packet)

  Duration completion() const { return finished - arrival; }
};

// One circuit's life, from the policy's request to its release.
struct CircuitSpan {
  std::uint64_t id = 0;  // the controller's circuit id
  std::string job;
  std::string a;  // endpoint names
  std::string b;
  double gbps = 0;        // capacity per direction, 10^9 bit/s
  Duration requested;     // asked for
  Duration active;        // cross-connects applied; negative when it never became active
  Duration released;      // released or failed; negative when still up at the end
  std::string end_state;  // RELEASED, FAILED, PREEMPTED, ACTIVE (still up at the end)
};

// The fabric sampled at a fixed step (docs/simulation.md).
struct UtilizationSample {
  Duration at;
  double packet = 0;   // bytes carried on packet links / their capacity, over the step, 0..1
  double circuit = 0;  // the same over the circuits that were up during the step
  int circuits_up = 0;
};

struct RunResult {
  std::string policy;  // packet-only, static, on-demand, per-phase, traffic-engineered
  std::uint64_t seed = 0;
  std::string topology;  // fabric name
  std::string trace;     // trace name
  std::vector<JobResult> jobs;  // in trace order
  std::vector<CircuitSpan> circuits;  // in request order
  std::vector<UtilizationSample> utilization;
  Duration end;                       // when the last job finished
  std::uint64_t reconfigurations = 0;  // cross-connects changed on the switches (connects + disconnects)
  Duration dark_time;                 // summed over circuits: requested → active
  std::uint64_t events = 0;           // discrete events run
  std::uint64_t flows = 0;            // flows the network model carried
};

}  // namespace lightpath::report
