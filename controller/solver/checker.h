#pragma once
// An independent check of an allocation against the fabric. It shares no
// code with the solver's search or state indexes: it recomputes every
// constraint from the fabric and the circuits alone, so tests can trust it to
// catch a solver bug.

#include <string>
#include <vector>

#include "controller/solver/allocation_state.h"

namespace lightpath::solver {

struct Violation {
  std::string kind;  // path, port-conflict, wss-conflict, wavelength-conflict,
                     // wavelength-range, channel-plan, bandwidth, latency, loss
  std::string message;
};

std::vector<Violation> check_allocation(const Fabric& fabric, const std::vector<Circuit>& circuits);

}  // namespace lightpath::solver
