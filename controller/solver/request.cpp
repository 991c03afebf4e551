#include "controller/solver/request.h"

#include <algorithm>
#include <array>

namespace lightpath::solver {
namespace {

constexpr std::array<std::pair<FlowType, std::string_view>, 2> kFlowTypes{{
    {FlowType::kDedicatedCircuit, "dedicated_circuit"},
    {FlowType::kCircuitPreferred, "circuit_preferred"},
}};
constexpr std::array<std::pair<Pattern, std::string_view>, 4> kPatterns{{
    {Pattern::kPairwise, "pairwise"},
    {Pattern::kAllToAll, "all_to_all"},
    {Pattern::kRing, "ring"},
    {Pattern::kExplicit, "explicit"},
}};

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E v) {
  for (const auto& [e, n] : table)
    if (e == v) return n;
  return "?";
}

template <class E, std::size_t N>
std::optional<E> parse(const std::array<std::pair<E, std::string_view>, N>& table,
                       std::string_view s) {
  for (const auto& [e, n] : table)
    if (n == s) return e;
  return std::nullopt;
}

}  // namespace

std::string_view to_string(FlowType t) {
  return name_of(kFlowTypes, t);
}
std::string_view to_string(Pattern p) {
  return name_of(kPatterns, p);
}
std::optional<FlowType> parse_flow_type(std::string_view s) {
  return parse(kFlowTypes, s);
}
std::optional<Pattern> parse_pattern(std::string_view s) {
  return parse(kPatterns, s);
}

std::size_t max_flows(const CircuitRequest& r) {
  const std::size_t ns = r.sources.size();
  const std::size_t nd = r.destinations.size();
  switch (r.pattern) {
    case Pattern::kPairwise:
      return std::min(ns, nd);
    case Pattern::kExplicit:
      return r.pairs.size();
    case Pattern::kRing:
      return ns == 2 ? 1 : ns;
    case Pattern::kAllToAll:
      return nd == 0 ? ns * (ns > 0 ? ns - 1 : 0) / 2 : ns * nd;
  }
  return 0;
}

std::vector<Flow> expand_flows(const CircuitRequest& r) {
  std::vector<Flow> flows;
  switch (r.pattern) {
    case Pattern::kPairwise:
      for (std::size_t i = 0; i < r.sources.size() && i < r.destinations.size(); ++i)
        flows.push_back({r.sources[i], r.destinations[i]});
      break;
    case Pattern::kExplicit:
      for (auto [s, d] : r.pairs)
        flows.push_back(
            {r.sources[static_cast<std::size_t>(s)], r.destinations[static_cast<std::size_t>(d)]});
      break;
    case Pattern::kRing: {
      const auto n = r.sources.size();
      // Two members make one link, not a doubled one.
      const std::size_t links = n == 2 ? 1 : n;
      for (std::size_t i = 0; i < links; ++i)
        flows.push_back({r.sources[i], r.sources[(i + 1) % n]});
      break;
    }
    case Pattern::kAllToAll:
      if (r.destinations.empty()) {
        for (std::size_t i = 0; i < r.sources.size(); ++i)
          for (std::size_t j = i + 1; j < r.sources.size(); ++j)
            flows.push_back({r.sources[i], r.sources[j]});
      } else {
        for (const auto& s : r.sources)
          for (const auto& d : r.destinations)
            if (!(s == d)) flows.push_back({s, d});
      }
      break;
  }
  return flows;
}

}  // namespace lightpath::solver
