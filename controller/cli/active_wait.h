#pragma once
// Waiting until circuits are ACTIVE, for `lightpathctl request --wait-active`.
//
// List-then-watch: the circuits are listed, then WatchCircuits events update
// them. The watch is reopened every second, resuming after the last event
// seen, and every reopening lists again, so an event that slipped between a
// list and the start of a watch delays the answer by at most a second.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "controller/cli/daemon_client.h"

namespace lightpath::cli {

struct WaitOutcome {
  grpc::Status status;  // not OK: a call failed (other than by its own deadline)
  bool all_active = false;
  std::string why;  // when not all active: the circuit that gave up, or the timeout
};

// Waits up to `limit` for every circuit in `circuits` (by id) to be ACTIVE,
// keeping each entry up to date. Gives up early when one is released, failed
// or preempted: it will never be ACTIVE.
WaitOutcome wait_active(DaemonClient& client, std::map<std::uint64_t, v1::Circuit>& circuits,
                        std::chrono::duration<double> limit);

}  // namespace lightpath::cli
