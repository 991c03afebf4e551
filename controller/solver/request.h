#pragma once
// A circuit request as a job scheduler states it (see docs/requests.md), and
// the flows it expands to. Plain data: parsing lives in request_file.h.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lightpath/units.h"

namespace lightpath::solver {

enum class FlowType { kDedicatedCircuit, kCircuitPreferred };
enum class Pattern { kPairwise, kAllToAll, kRing, kExplicit };

std::string_view to_string(FlowType t);
std::string_view to_string(Pattern p);
std::optional<FlowType> parse_flow_type(std::string_view s);
std::optional<Pattern> parse_pattern(std::string_view s);

// One side of a flow: an endpoint and which of its port groups to use.
struct EndpointRef {
  std::string endpoint;
  std::string port_group;
  bool operator==(const EndpointRef&) const = default;
};

// The longest lease a request may ask for: 100 years, so that a lease's end
// in nanoseconds since the Unix epoch stays well inside int64.
inline constexpr std::int64_t kMaxLeaseSeconds = 100LL * 365 * 24 * 60 * 60;

struct CircuitRequest {
  std::string request_id;  // idempotency key
  std::string job_id;
  std::string tenant;
  std::string application;
  int priority = 0;                   // higher may preempt lower
  std::int64_t duration_seconds = 0;  // lease; 0 = until released; at most kMaxLeaseSeconds
  DataRate bandwidth_per_flow;
  FlowType flow_type = FlowType::kDedicatedCircuit;
  std::vector<EndpointRef> sources;
  std::vector<EndpointRef> destinations;
  Pattern pattern = Pattern::kPairwise;
  std::vector<std::pair<int, int>> pairs;  // kExplicit: (source index, destination index)
  std::optional<Duration> latency_max;
  std::optional<Decibels> min_margin;  // optical margin wanted above receiver sensitivity
  bool atomic = true;                  // all flows or none
  // Re-solve a circuit onto other ports or switches when it loses light.
  bool restore = true;
};

struct Flow {
  EndpointRef a;
  EndpointRef b;
};

// The endpoint pairs a request's pattern asks to connect, in a stable order.
// Assumes the request passed validation.
std::vector<Flow> expand_flows(const CircuitRequest& request);
// How many flows expand_flows gives at most, without expanding them, so that
// a request too large for the limits is refused before it takes memory.
std::size_t max_flows(const CircuitRequest& request);

}  // namespace lightpath::solver
