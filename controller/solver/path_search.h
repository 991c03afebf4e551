#pragma once
// Finds the best optical path for one flow between two port groups, given
// what is already allocated. Pure: reads the state, never changes it.
//
// The search walks from each usable port of the source group through up to
// `max_switch_hops` switches. At a MEMS switch, a port that is already
// cross-connected forces the walk along that cross-connect (this is how free
// channels on an existing fiber path get reused); a free port may be joined to
// any free port. At a WSS, each wavelength is switched on its own. Candidates
// are ranked by: fewest new cross-connects, then the least-loaded switches,
// then the shortest fiber.

#include <optional>
#include <string>
#include <vector>

#include "controller/solver/allocation_state.h"
#include "controller/solver/fabric_index.h"

namespace lightpath::solver {

struct PathNeed {
  EndpointId a;
  int group_a = 0;
  EndpointId b;
  int group_b = 0;
  int channels = 1;  // wavelengths the bandwidth needs
  std::optional<Duration> latency_max;
  Decibels margin;  // required above receiver sensitivity
};

struct PathLimits {
  int max_switch_hops = 3;
};

// How far the best failing candidate got, in the order checks are made.
enum class Shortfall { kPorts, kWavelengths, kLatency, kLoss };

struct PathChoice {
  EndpointPortId a;
  EndpointPortId b;
  std::vector<Hop> hops;
  std::vector<int> wavelengths;
  int new_cross_connects = 0;
  Duration delay;
  Decibels loss;
};

struct PathSearchResult {
  std::optional<PathChoice> choice;
  Shortfall shortfall = Shortfall::kPorts;  // meaningful when there is no choice
  std::string detail;                       // a sentence about that shortfall
};

PathSearchResult find_path(const FabricIndex& index, const AllocationState& state,
                           const PathNeed& need, const PathLimits& limits);

}  // namespace lightpath::solver
