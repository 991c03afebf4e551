#pragma once
// Max-min fair rates by progressive filling (water-filling): every flow's
// rate rises together until some link is full; the flows on that link keep
// the rate they reached, the rest keep rising. A flow bottlenecked elsewhere
// therefore leaves its unused share on a link to the other flows there.
// Pure: no clock, no state beyond reusable scratch space; the fluid model
// calls it when flows start or end.

#include <cstdint>
#include <span>
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

// The same computation with its scratch space kept between calls, for a
// caller that solves again and again (the fluid model): no allocation once
// warmed up, and work in proportion to the links the flows cross rather
// than to all links.
class MaxMinSolver {
 public:
  // Flow f crosses links[first[f]] .. links[first[f + 1] − 1] (first has one
  // entry more than there are flows). `capacity` is indexed by link id and
  // read only at the links some flow crosses. Writes one rate per flow.
  void solve(std::span<const double> capacity, std::span<const std::uint32_t> first,
             std::span<const std::uint32_t> links, std::vector<double>& rates);

 private:
  struct Entry {
    double share;
    std::uint32_t link;
    std::uint32_t version;
  };
  // Per link id, all zero between calls except where noted.
  std::vector<std::uint32_t> count_;    // flows on the link
  std::vector<std::uint32_t> offset_;   // start of its flows in on_link_ (valid for used_)
  std::vector<double> left_;            // capacity not yet handed out
  std::vector<std::uint32_t> rising_;   // flows on it not yet frozen
  std::vector<std::uint32_t> version_;  // bumped when its share changes
  std::vector<std::uint32_t> round_;    // its version when the current round began
  std::vector<std::uint32_t> used_;     // links some flow crosses, once each
  std::vector<std::uint32_t> on_link_;  // flows grouped by link, in flow order
  std::vector<std::uint8_t> frozen_;    // per flow
  std::vector<std::uint32_t> touched_;  // links whose share a round changed
  std::vector<Entry> heap_;
};

}  // namespace lightpath::netmodel
