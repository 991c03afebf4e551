#pragma once
// Everything a policy run needs, on one event engine in virtual time: the
// simulated MEMS switches with their drivers, the controller core that
// lightpathd runs (over a scratch SQLite file, committing inline so the run
// is deterministic), the network model, and the bridge between the two.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "controller/core/controller.h"
#include "simulator/fault_injector.h"
#include "simulator/netmodel/fluid_model.h"
#include "simulator/policy/circuit_bridge.h"
#include "simulator/sim_driver.h"
#include "simulator/sim_executor.h"
#include "simulator/simulated_fabric.h"

namespace lightpath::policy {

struct WorldOptions {
  std::uint64_t seed = 1;
  // Every mirror move takes exactly this (settling included) instead of the
  // topology's [min, max] range.
  std::optional<Duration> switching;
  netmodel::NetworkOptions network;
  std::string store_path;  // the controller's database; removed with the world
  // A fault script (docs/fault-script.md), times from the simulation's start.
  std::string faults_path;
};

class SimWorld {
 public:
  // STORE_OPEN_FAILED and the like when the database cannot be made;
  // CONTROLLER_START when the controller refuses to start; BAD_FAULT_SCRIPT
  // with every problem as file:line:col.
  static Result<std::unique_ptr<SimWorld>> create(const Fabric& fabric, WorldOptions options);
  ~SimWorld();
  SimWorld(const SimWorld&) = delete;
  SimWorld& operator=(const SimWorld&) = delete;

  sim::EventEngine& engine() { return engine_; }
  core::Controller& controller() { return *controller_; }
  netmodel::Network& network() { return network_; }
  netmodel::FluidModel& model() { return model_; }
  CircuitBridge& bridge() { return *bridge_; }
  const Fabric& fabric() const { return fabric_; }

 private:
  SimWorld(const Fabric& fabric, WorldOptions options);

  const Fabric& fabric_;
  WorldOptions options_;
  sim::EventEngine engine_;
  sim::SimExecutor executor_;
  sim::SimulatedFabric switches_;
  std::vector<std::unique_ptr<sim::SimDriver>> drivers_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<core::Controller> controller_;
  netmodel::Network network_;
  netmodel::FluidModel model_;
  std::unique_ptr<CircuitBridge> bridge_;
  std::unique_ptr<sim::FaultInjector> faults_;
};

}  // namespace lightpath::policy
