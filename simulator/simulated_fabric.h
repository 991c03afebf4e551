#pragma once
// Every MEMS switch of a fabric, modeled on one event engine.

#include <memory>
#include <string_view>
#include <vector>

#include "lightpath/fabric.h"
#include "simulator/event_engine.h"
#include "simulator/mems_switch.h"

namespace lightpath::sim {

class SimulatedFabric {
 public:
  // Each switch draws from its own stream forked from the engine's source.
  SimulatedFabric(EventEngine& engine, const Fabric& fabric, const MemsOptions& options);

  MemsSwitch* find(std::string_view name) const;
  const std::vector<std::unique_ptr<MemsSwitch>>& switches() const { return switches_; }
  EventEngine& engine() const { return engine_; }

 private:
  EventEngine& engine_;
  std::vector<std::unique_ptr<MemsSwitch>> switches_;
};

}  // namespace lightpath::sim
