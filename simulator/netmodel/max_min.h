#pragma once
// Max-min fair rates by progressive filling (water-filling): every flow's
// rate rises together until some link is full; the flows on that link keep
// the rate they reached, the rest keep rising. A flow bottlenecked elsewhere
// therefore leaves its unused share on a link to the other flows there.
// Pure: no clock, no state; the fluid model calls it when flows start or end.

#include <cstdint>
#include <vector>

namespace lightpath::netmodel {

struct FlowPath {
  std::vector<std::uint32_t> links;  // the links the flow crosses
};

// Rates (same unit as `capacity`) for `flows` over links of `capacity`.
// A flow crossing a zero-capacity link gets zero. Deterministic: ties between
// equally loaded links are broken by link id.
std::vector<double> max_min_rates(const std::vector<double>& capacity,
                                  const std::vector<FlowPath>& flows);

}  // namespace lightpath::netmodel
