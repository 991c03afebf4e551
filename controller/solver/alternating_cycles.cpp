#include "controller/solver/alternating_cycles.h"

#include <algorithm>

namespace lightpath::solver::detail {
namespace {

// Depth-first search for closed alternating walks on one switch. The walk
// starts with a removal (u0, v), then alternates an addition leaving v and a
// removal on the same switch, and closes with an addition back to u0.
class CycleSearch {
 public:
  CycleSearch(const std::vector<SwitchLink>& existing, const std::vector<std::vector<int>>& x,
              const std::vector<std::vector<int>>& current, int switches)
      : existing_(existing), used_(existing.size(), 0) {
    const int n = static_cast<int>(x.size());
    surplus_.assign(n, std::vector<int>(n, 0));
    deficit_.assign(n, std::vector<int>(n, 0));
    partners_.resize(n);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        surplus_[i][j] = std::max(0, current[i][j] - x[i][j]);
        deficit_[i][j] = std::max(0, x[i][j] - current[i][j]);
        if (deficit_[i][j] > 0) partners_[i].push_back(j);
      }
    at_.assign(switches, std::vector<std::vector<std::size_t>>(n));
    for (std::size_t k = 0; k < existing.size(); ++k) {
      const auto& e = existing[k];
      if (surplus_[e.i][e.j] == 0) continue;
      at_[e.s][e.i].push_back(k);
      at_[e.s][e.j].push_back(k);
    }
  }

  // Commits every walk of exactly `links` links found on switch s.
  void find_all(int s, int links, SingleSwitchCycles& out) {
    for (int u = 0; u < static_cast<int>(at_[s].size()); ++u)
      for (std::size_t k : at_[s][u]) {
        const auto& e = existing_[k];
        if (e.i != u) continue;  // each link once, from its lower end
        while (!used_[k] && surplus_[e.i][e.j] > 0 && find_from(s, k, links / 2, out)) {
        }
      }
  }

 private:
  bool find_from(int s, std::size_t k, int removals, SingleSwitchCycles& out) {
    const auto& e = existing_[k];
    for (auto [u0, v] : {std::pair(e.i, e.j), std::pair(e.j, e.i)}) {
      take_removal(k, true);
      if (extend(s, u0, v, removals - 1)) {
        commit(s, out);
        return true;
      }
      take_removal(k, false);
    }
    return false;
  }

  // At v after a removal, with `left` removals still to take.
  bool extend(int s, int u0, int v, int left) {
    if (left == 0) {
      if (deficit_[v][u0] <= 0) return false;
      take_addition(v, u0, true);
      return true;
    }
    for (int w : partners_[v]) {
      if (w == u0 || deficit_[v][w] <= 0) continue;  // closing early: a shorter walk
      take_addition(v, w, true);
      for (std::size_t k : at_[s][w]) {
        const auto& e = existing_[k];
        if (used_[k] || surplus_[e.i][e.j] <= 0) continue;
        take_removal(k, true);
        if (extend(s, u0, e.i == w ? e.j : e.i, left - 1)) return true;
        take_removal(k, false);
      }
      take_addition(v, w, false);
    }
    return false;
  }

  void take_removal(std::size_t k, bool take) {
    const auto& e = existing_[k];
    const int d = take ? -1 : 1;
    used_[k] = take ? 1 : 0;
    surplus_[e.i][e.j] += d, surplus_[e.j][e.i] += d;
    if (take)
      removals_.push_back(k);
    else
      removals_.pop_back();
  }

  void take_addition(int a, int b, bool take) {
    const int d = take ? -1 : 1;
    deficit_[a][b] += d, deficit_[b][a] += d;
    if (take)
      additions_.emplace_back(a, b);
    else
      additions_.pop_back();
  }

  void commit(int s, SingleSwitchCycles& out) {
    out.dropped.insert(out.dropped.end(), removals_.begin(), removals_.end());
    for (auto [a, b] : additions_) out.added.push_back({s, std::min(a, b), std::max(a, b)});
    removals_.clear();
    additions_.clear();
  }

  const std::vector<SwitchLink>& existing_;
  std::vector<char> used_;
  std::vector<std::vector<int>> surplus_, deficit_;
  std::vector<std::vector<int>> partners_;                 // j with x_ij > current_ij
  std::vector<std::vector<std::vector<std::size_t>>> at_;  // [s][u]: surplus links at u on s
  std::vector<std::size_t> removals_;                      // the walk being built
  std::vector<std::pair<int, int>> additions_;
};

}  // namespace

SingleSwitchCycles single_switch_cycles(const std::vector<SwitchLink>& existing,
                                        const std::vector<std::vector<int>>& x,
                                        const std::vector<std::vector<int>>& current, int switches,
                                        int max_links) {
  CycleSearch search(existing, x, current, switches);
  SingleSwitchCycles out;
  // Shortest walks first: a short walk uses few of the removals and additions
  // that longer walks on other switches might need.
  for (int links = 4; links <= max_links; links += 2)
    for (int s = 0; s < switches; ++s) search.find_all(s, links, out);
  return out;
}

}  // namespace lightpath::solver::detail
