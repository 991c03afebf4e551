#pragma once
// Samples how busy the packet links and the circuits were, over fixed steps
// of virtual time. The step starts small and doubles (merging samples
// pairwise) whenever the series grows past a limit, so short and long runs
// both get a few hundred points.

#include <functional>
#include <vector>

#include "simulator/netmodel/fluid_model.h"
#include "simulator/policy/circuit_bridge.h"
#include "simulator/report/run_result.h"

namespace lightpath::policy {

class UtilizationSampler {
 public:
  UtilizationSampler(sim::EventEngine& engine, netmodel::FluidModel& model,
                     const netmodel::Network& network, const CircuitBridge& bridge,
                     Duration first_step = Duration::ms(1), std::size_t limit = 512);

  // Samples every step from now until `finished` says so.
  void start(std::function<bool()> finished);
  // The series, with times relative to `origin`.
  std::vector<report::UtilizationSample> samples(TimePoint origin) const;

 private:
  void sample();

  sim::EventEngine& engine_;
  netmodel::FluidModel& model_;
  const netmodel::Network& network_;
  const CircuitBridge& bridge_;
  Duration step_;
  std::size_t limit_;
  std::function<bool()> finished_;
  std::vector<double> last_;                       // bytes carried per link at the previous sample
  std::vector<report::UtilizationSample> series_;  // `at` absolute (ns since engine start)
};

}  // namespace lightpath::policy
