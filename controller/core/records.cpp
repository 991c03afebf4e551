#include "controller/core/records.h"

#include <array>
#include <utility>

namespace lightpath::core {
namespace {
constexpr std::array<std::pair<CircuitState, std::string_view>, 8> kStates{{
    {CircuitState::kPending, "PENDING"},
    {CircuitState::kProgramming, "PROGRAMMING"},
    {CircuitState::kActive, "ACTIVE"},
    {CircuitState::kReleasing, "RELEASING"},
    {CircuitState::kReleased, "RELEASED"},
    {CircuitState::kFailed, "FAILED"},
    {CircuitState::kPreempted, "PREEMPTED"},
    {CircuitState::kRestoring, "RESTORING"},
}};
}  // namespace

std::string_view to_string(CircuitState s) {
  for (const auto& [v, n] : kStates)
    if (v == s) return n;
  return "?";
}

std::optional<CircuitState> parse_circuit_state(std::string_view s) {
  for (const auto& [v, n] : kStates)
    if (n == s) return v;
  return std::nullopt;
}

bool holds_resources(CircuitState s) {
  return s != CircuitState::kReleased && s != CircuitState::kPreempted && s != CircuitState::kFailed;
}

}  // namespace lightpath::core
