#include "simulator/simulated_fabric.h"

namespace lightpath::sim {

SimulatedFabric::SimulatedFabric(EventEngine& engine, const Fabric& fabric,
                                 const MemsOptions& options)
    : engine_(engine) {
  for (std::uint32_t i = 0; i < fabric.optical_switches.size(); ++i) {
    if (fabric.optical_switches[i].kind != SwitchKind::kMems) continue;
    switches_.push_back(
        std::make_unique<MemsSwitch>(engine, MemsSpec::from_fabric(fabric, SwitchId(i), options),
                                     options, engine.rng().fork(i)));
  }
}

MemsSwitch* SimulatedFabric::find(std::string_view name) const {
  for (const auto& s : switches_)
    if (s->name() == name) return s.get();
  return nullptr;
}

}  // namespace lightpath::sim
