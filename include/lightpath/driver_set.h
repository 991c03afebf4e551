#pragma once
// A set of southbound drivers, one per optical switch, together with
// whatever keeps them working (a simulated fabric and its clock, or
// connections to devices). The daemon picks one at start and hands the
// drivers to the controller core, which sees only the Driver interface.

#include <map>
#include <memory>

#include "lightpath/executor.h"
#include "lightpath/fabric.h"
#include "lightpath/southbound.h"

namespace lightpath::southbound {

class DriverSet {
 public:
  virtual ~DriverSet() = default;
  virtual std::map<SwitchId, Driver*> drivers() = 0;
};

struct SimulatedDriverOptions {
  std::uint64_t seed = 1;
  double time_scale = 1.0;  // simulated seconds per real second
  Duration telemetry_interval = Duration::s(1);
};

// Every MEMS switch of `fabric` as an in-process model running in (scaled)
// real time on `executor`. Implemented by the simulator library.
std::unique_ptr<DriverSet> make_simulated_drivers(const Fabric& fabric, Executor& executor,
                                                  const SimulatedDriverOptions& options);

}  // namespace lightpath::southbound
