#pragma once
// Internal to topology engineering: rewiring that stays on one switch.
//
// On a full fabric a port freed on switch s can only be used again on s, so a
// removal and an addition cost nothing beyond the pair-count bound only when
// they form, with others, a closed walk alternating between links the plan
// removes and links it adds, every removed one on the same switch s (then
// every endpoint on the walk frees and takes the same number of ports at s).
// Links to add may join links to remove of different rewirings: at an
// endpoint any removal can pair with any addition. This finds such walks,
// shortest first, before links are placed one by one.

#include <cstddef>
#include <vector>

namespace lightpath::solver::detail {

struct SwitchLink {
  int s, i, j;  // a link between endpoints i < j on switch s
};

struct SingleSwitchCycles {
  std::vector<std::size_t> dropped;  // indexes into `existing` that the walks remove
  std::vector<SwitchLink> added;     // links the walks add, on their walk's switch
};

// existing: today's links; x and current: target and today's link counts per
// pair (n x n, symmetric). Walks have at most max_links links.
SingleSwitchCycles single_switch_cycles(const std::vector<SwitchLink>& existing,
                                        const std::vector<std::vector<int>>& x,
                                        const std::vector<std::vector<int>>& current, int switches,
                                        int max_links);

}  // namespace lightpath::solver::detail
