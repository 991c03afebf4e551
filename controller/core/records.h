#pragma once
// What the controller remembers: circuits with their lifecycle state, the
// requests it answered (kept for idempotency), and the log of circuit state
// changes that the watch stream replays. Stored by controller/store.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/solver/allocation_state.h"
#include "controller/solver/request.h"

namespace lightpath::core {

enum class CircuitState : std::uint8_t {
  kPending = 1,      // decided and stored, not yet sent to the switches
  kProgramming = 2,  // cross-connects sent, not yet confirmed applied
  kActive = 3,       // the switches report the cross-connects applied
  kReleasing = 4,
  kReleased = 5,
  kFailed = 6,
  kPreempted = 7,
  kRestoring = 8,
};
std::string_view to_string(CircuitState s);
std::optional<CircuitState> parse_circuit_state(std::string_view s);
// Released, preempted and failed circuits hold no fabric resources.
bool holds_resources(CircuitState s);

struct CircuitRecord {
  solver::Circuit circuit;  // ports, hops, wavelengths, bandwidth, priority
  std::string job_id;
  std::string tenant;
  CircuitState state = CircuitState::kPending;
  std::string reason;                  // why it is in this state
  std::optional<TimePoint> lease_end;  // wall time (ns since the Unix epoch)
  TimePoint created;
  TimePoint updated;
};

// A request and the answer given to it. Answering the same request_id again
// returns this answer rather than allocating twice.
struct RequestRecord {
  solver::CircuitRequest request;
  bool accepted = false;
  std::string reason;   // when refused
  std::string message;
  std::vector<CircuitId> circuits;
  std::vector<CircuitId> preempted;
  std::string packet_flows_json;  // circuit_preferred flows placed on the packet fabric
  TimePoint created;
};

struct CircuitEvent {
  std::uint64_t sequence = 0;
  TimePoint at;
  CircuitState previous = CircuitState::kPending;
  CircuitRecord circuit;  // after the change
};

}  // namespace lightpath::core
