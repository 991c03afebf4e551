#pragma once
// Internal to topology engineering: a proved lower bound on the cross-connects
// any plan must change, tighter than the pair-count bound when a full fabric
// is rewired. It is the Lagrangian dual of the exact model's LP relaxation
// (docs/topology-engineering.md, "The lower bound on changes").

#include <array>
#include <cstdint>
#include <vector>

namespace lightpath::solver::detail {

struct ChangeBoundInput {
  // target[i][j]: links the plan must have between endpoints i and j (symmetric).
  const std::vector<std::vector<int>>* target = nullptr;
  // capacity[i][s]: ports endpoint i has at switch s.
  const std::vector<std::vector<int>>* capacity = nullptr;
  // Today's links between two endpoints, (switch, i, j) with i < j.
  std::vector<std::array<int, 3>> current;
};

// The best dual value found in `iterations` subgradient steps. Every value the
// dual takes is at most the LP optimum, itself at most the removals plus
// additions of any plan that places every target link (foreign cross-connects
// not counted). Deterministic: no randomness, a fixed step schedule.
//
// With `average`, also an estimate of the LP's optimal plan: the relaxed
// plans of the later steps averaged (ergodic primal recovery), as
// (*average)[(i * n + j) * S + s], the links of pair (i,j) on switch s, filled
// for both orders of i and j. A pair's entries sum to its target. When a
// relaxed plan fits every port with only full ports priced, it is optimal
// and is returned alone.
double lagrangian_change_bound(const ChangeBoundInput& in, int iterations,
                               std::vector<double>* average = nullptr);

// The bound as a count a plan can have: at least `pair_bound`, rounded up,
// and of the same parity as `pair_bound` (every plan's count is; see the doc).
int round_change_bound(double dual, int pair_bound);

}  // namespace lightpath::solver::detail
