// The simulated drivers lightpathd uses with `--fabric sim`: the MEMS model
// of every switch on one event engine, paced to the daemon's clock.
#include <memory>

#include "lightpath/driver_set.h"
#include "simulator/realtime_pacer.h"
#include "simulator/sim_driver.h"
#include "simulator/simulated_fabric.h"

namespace lightpath::southbound {
namespace {

class SimulatedDriverSet final : public DriverSet {
 public:
  SimulatedDriverSet(const Fabric& fabric, Executor& executor, const SimulatedDriverOptions& o)
      : engine_(sim::Rng(o.seed), executor.now()),
        model_(engine_, fabric, options(o)),
        pacer_(engine_, executor, o.time_scale) {
    for (const auto& sw : model_.switches()) {
      const auto id = fabric.find_optical_switch(sw->name());
      drivers_.emplace(*id, std::make_unique<sim::SimDriver>(*sw, executor));
    }
    pacer_.start();
  }

  std::map<SwitchId, Driver*> drivers() override {
    std::map<SwitchId, Driver*> out;
    for (auto& [id, d] : drivers_) out[id] = d.get();
    return out;
  }

 private:
  static sim::MemsOptions options(const SimulatedDriverOptions& o) {
    sim::MemsOptions m;
    m.telemetry_interval = o.telemetry_interval;
    return m;
  }

  sim::EventEngine engine_;
  sim::SimulatedFabric model_;
  sim::RealtimePacer pacer_;
  std::map<SwitchId, std::unique_ptr<sim::SimDriver>> drivers_;
};

}  // namespace

std::unique_ptr<DriverSet> make_simulated_drivers(const Fabric& fabric, Executor& executor,
                                                  const SimulatedDriverOptions& options) {
  return std::make_unique<SimulatedDriverSet>(fabric, executor, options);
}

}  // namespace lightpath::southbound
