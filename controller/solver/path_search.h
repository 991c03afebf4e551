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
  // Rank equal paths by the lowest switch index instead of the least-loaded
  // switch: fills switches one after another, which keeps a round of
  // disjoint pairs on one switch (see Solver::attempt).
  bool pack = false;
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

// Buffers a search needs, kept between searches of one caller (the flows
// of a request) so that each search allocates nothing. Holds no result
// between searches; its members are find_path's own.
struct PathSearchScratch {
  std::vector<char> visited;                    // per switch: on the current walk
  std::vector<char> ingress_seen;               // per switch: a free port of group a tried
  std::vector<std::vector<char>> remote_tried;  // per walk depth, per switch
  std::vector<int> egress_head;                 // per switch: first of group b's ports there, or -1
  std::vector<int> egress_tail;                 // per switch: last of them
  std::vector<int> egress_next;  // per port of group b: the next on its switch, or -1
  std::vector<Hop> hops;         // the current walk
  std::vector<Hop> best_hops;
};

PathSearchResult find_path(const FabricIndex& index, const AllocationState& state,
                           const PathNeed& need, const PathLimits& limits);
PathSearchResult find_path(const FabricIndex& index, const AllocationState& state,
                           const PathNeed& need, const PathLimits& limits,
                           PathSearchScratch& scratch);

}  // namespace lightpath::solver
