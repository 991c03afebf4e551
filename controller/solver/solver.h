#pragma once
// Port and wavelength assignment: decides which endpoint ports, cross-connects
// and wavelengths serve a circuit request, or says precisely why not.
//
// Pure and deterministic: no I/O, clock or logging. A decision is computed
// against a state without changing it; `apply` commits it.

#include <optional>
#include <string>
#include <vector>

#include "controller/solver/allocation_state.h"
#include "controller/solver/fabric_index.h"
#include "controller/solver/packet_route.h"
#include "controller/solver/path_search.h"
#include "controller/solver/request.h"

namespace lightpath::solver {

// Machine-readable reasons. Requests that are malformed get INVALID_REQUEST
// (or a more specific code); requests that are fine but do not fit get one of
// the capacity reasons.
namespace reason {
inline constexpr const char* kInvalidRequest = "INVALID_REQUEST";
inline constexpr const char* kDuplicateRequestId = "DUPLICATE_REQUEST_ID";
inline constexpr const char* kUnknownEndpoint = "UNKNOWN_ENDPOINT";
inline constexpr const char* kUnknownPortGroup = "UNKNOWN_PORT_GROUP";
inline constexpr const char* kBandwidthUnsupported = "BANDWIDTH_UNSUPPORTED";
inline constexpr const char* kInsufficientPorts = "INSUFFICIENT_PORTS";
inline constexpr const char* kNoCommonWavelength = "NO_COMMON_WAVELENGTH";
inline constexpr const char* kLatencyUnsatisfiable = "LATENCY_UNSATISFIABLE";
inline constexpr const char* kLossBudget = "LOSS_BUDGET";
inline constexpr const char* kPreemptionNotAllowed = "PREEMPTION_NOT_ALLOWED";
inline constexpr const char* kNoPacketRoute = "NO_PACKET_ROUTE";
}  // namespace reason

struct Rejection {
  std::string reason;
  std::string message;
};

// How a batch of requests is decided. Arrival order is first come, first
// served, as a controller answering schedulers one by one must be. For
// planning, most-admitted reorders the batch (smallest demand first, then
// local improvement) to admit as many requests as it can.
enum class BatchPolicy { kArrivalOrder, kMostAdmitted };

struct SolverOptions {
  int max_switch_hops = 3;
  // Margin kept above receiver sensitivity when a request names none.
  Decibels default_margin = Decibels::db(3.0);
  bool allow_preemption = true;
  BatchPolicy batch = BatchPolicy::kArrivalOrder;
  // Local improvement in most-admitted batches costs a batch's worth of
  // solves per step; past this size only the demand ordering is used.
  std::size_t max_improved_batch = 64;
};

struct FlowDecision {
  Flow flow;
  std::optional<CircuitId> circuit;    // served by this new or groomed circuit
  std::optional<PacketRoute> packet;   // or carried by the packet fabric
  std::optional<Rejection> rejection;  // or not served
};

struct Decision {
  std::string request_id;
  bool accepted = false;
  std::optional<Rejection> rejection;  // set when not accepted
  std::vector<FlowDecision> flows;
  std::vector<Circuit> circuits;   // to add, ids already chosen
  std::vector<CircuitId> preempt;  // existing circuits to release first
  int new_cross_connects = 0;
};

class Solver {
 public:
  explicit Solver(const Fabric& fabric, SolverOptions options = {});

  const Fabric& fabric() const { return *fabric_; }

  // Checks a request against the fabric; nullopt when it is well formed.
  std::optional<Rejection> validate(const CircuitRequest& request) const;

  // Decides one request against `state`, leaving `state` unchanged.
  Decision solve(const AllocationState& state, const CircuitRequest& request) const;
  // The same without copying the state: circuits are tried on it and taken
  // off again, so on return it is as it was (only ids move on).
  Decision solve_in_place(AllocationState& state, const CircuitRequest& request) const;
  // The same for a request validate() has accepted already (a caller that
  // checks more between the two need not have it validated twice).
  Decision solve_validated_in_place(AllocationState& state, const CircuitRequest& request) const;
  // The same, but a request that fits without preempting anything is left
  // applied to `state` (accepted with an empty `preempt`): its circuits are
  // not taken off only to be added again. Otherwise `state` is unchanged.
  Decision solve_validated_and_apply(AllocationState& state, const CircuitRequest& request) const;

  // Decides requests in order; each sees the circuits of those accepted
  // before it. `state` is unchanged; apply the decisions to commit them.
  std::vector<Decision> solve_batch(const AllocationState& state,
                                    const std::vector<CircuitRequest>& requests) const;
  // The same, applying the accepted decisions to `state`.
  std::vector<Decision> solve_batch_into(AllocationState& state,
                                         const std::vector<CircuitRequest>& requests) const;

 private:
  struct Attempt {
    bool ok = false;
    std::vector<FlowDecision> flows;
    std::vector<Circuit> circuits;
    std::optional<Rejection> first_failure;
    int new_cross_connects = 0;
  };
  // Decides a validated request; `keep_fit`: see solve_validated_and_apply.
  Decision decide(AllocationState& state, const CircuitRequest& request, bool keep_fit) const;
  // Tries to place every flow on `scratch`, adding circuits to it as it goes.
  // An all-to-all request that runs out of ports this way is tried again
  // round by round, each round packed onto the first switches with room.
  Attempt attempt(AllocationState& scratch, const CircuitRequest& request) const;
  // One pass over `flows` (expand_flows(request)) in `order`.
  Attempt attempt_in_order(AllocationState& scratch, const CircuitRequest& request,
                           const std::vector<Flow>& flows, const std::vector<std::size_t>& order,
                           bool pack) const;
  // Decides requests in the given order on a copy of `state`.
  std::vector<Decision> run_in_order(AllocationState& scratch,
                                     const std::vector<CircuitRequest>& requests,
                                     const std::vector<std::size_t>& order) const;
  std::optional<std::vector<CircuitId>> find_preemption(const AllocationState& state,
                                                        const CircuitRequest& request,
                                                        Attempt& plan) const;

  const Fabric* fabric_;
  SolverOptions options_;
  FabricIndex index_;
};

// Commits a decision: releases the preempted circuits and adds the new ones.
Result<bool> apply(AllocationState& state, const Decision& decision);

}  // namespace lightpath::solver
