// LinkPlacer: improvement after placement by large-neighbourhood search
// (ruin and recreate); see link_placer.h and docs/topology-engineering.md.
#include <algorithm>
#include <utility>
#include <vector>

#include "controller/solver/link_placer.h"

namespace lightpath::solver::detail {

// Random orders tried for one ruin before the plan is restored.
constexpr int kOrdersPerRuin = 2;
// Draws of today's links looked at to find a moved one, before all are.
constexpr int kFocusDraws = 128;
// Rounds without a new best before a kick, and how many changes a kick may
// add: small fabrics stall in a local optimum within a few thousand rounds
// (8 seeds, changes summed: 16x12 430 -> 422, 24x16 854 -> 842, 32x24
// 1614 -> 1606 with kicks; tpuv4-pod about the same).
constexpr int kStallRounds = 500;
constexpr int kKickAllowance = 8;
// About one round in this many ruins the ends' links on every switch (only
// those away from today's place): slower, but it leaves the local optima of
// the three-switch rounds (24 blocks x 16 switches: 114/114/110 changes
// without these rounds, 106/104/110 with one in ten). Since repair got
// cheaper one in four (tpuv4-pod, same work: 858/866/864 changes with one
// in ten, 846/878/850 with one in four).
constexpr std::uint64_t kWideEvery = 4;

// Calls f(w) for every neighbour w of v on switch s, in ascending order; f
// may remove links of v on s (the word is read before f runs).
template <typename F>
void LinkPlacer::for_each_neighbour(int s, int v, F&& f) {
  for (int word = 0; word < words_; ++word)
    for (std::uint64_t bits = nbr(s, v)[word]; bits != 0; bits &= bits - 1)
      f(word * 64 + __builtin_ctzll(bits));
}

void LinkPlacer::save_best() {
  best_kept_ = kept_;
  best_fresh_ = fresh_;
  best_usage_ = usage_;
  best_nbr_ = nbr_;
  best_free_ = free_;
  best_deviation_ = deviation_;
}

void LinkPlacer::restore_best() {
  kept_ = best_kept_;
  fresh_ = best_fresh_;
  usage_ = best_usage_;
  nbr_ = best_nbr_;
  free_ = best_free_;
  deviation_ = best_deviation_;
}

void LinkPlacer::rollback(std::size_t mark) {
  const bool was = journaling_;
  journaling_ = false;
  while (journal_.size() > mark) {
    const Change c = journal_.back();
    journal_.pop_back();
    add(c.kept ? kept_ : fresh_, c.s, c.i, c.j, -c.delta);
  }
  journaling_ = was;
}

int LinkPlacer::place_cheapest(int i, int j, bool holes_only) {
  // A switch where the pair has fewer links than today takes it back (one
  // change fewer); anywhere else it is one change more.
  int best = -1, best_cost = 2, ties = 0;
  const std::uint64_t *free_i = free_at(i), *free_j = free_at(j);
  for (int word = 0; word < swords_; ++word)
    for (std::uint64_t bits = free_i[word] & free_j[word]; bits != 0; bits &= bits - 1) {
      const int s = word * 64 + __builtin_ctzll(bits);
      ++work_;
      const std::size_t k = at(s, i, j);
      const int cost = kept_[k] + fresh_[k] < current_[k] ? -1 : 1;
      if (cost < best_cost) {
        best = s, best_cost = cost, ties = 1;
      } else if (cost == best_cost && next_random() % ++ties == 0) {
        best = s;  // reservoir sampling: uniform among the cheapest
      }
    }
  if (best < 0 || (holes_only && best_cost > 0)) return -1;
  // Back on a switch where the pair had it today: a kept link again.
  add(best_cost < 0 ? kept_ : fresh_, best, i, j, 1);
  return best;
}

// A link of today that the plan lacks on its switch s while its pair has
// more links than today on another switch t: a moved link. Returns false
// when there is none.
bool LinkPlacer::find_moved(int& s, int& t, int& i, int& j) {
  std::vector<int> excess;
  auto excess_of = [&](int a, int b) {
    excess.clear();
    for (int u = 0; u < s_; ++u) {
      const std::size_t k = at(u, a, b);
      if (kept_[k] + fresh_[k] > current_[k]) excess.push_back(u);
    }
    return !excess.empty();
  };
  auto is_hole = [&](const std::array<int, 3>& l) {
    const std::size_t k = at(l[0], l[1], l[2]);
    return kept_[k] + fresh_[k] < current_[k];
  };
  const std::array<int, 3>* found = nullptr;
  work_ += kFocusDraws / 8;  // a draw is a few loads; most rounds need one
  for (int draw = 0; draw < kFocusDraws && !found; ++draw) {
    const auto& l = today_[next_random() % today_.size()];
    if (is_hole(l) && excess_of(l[1], l[2])) found = &l;
  }
  if (!found) {                  // unlucky draws (or few moved links left): look at them all
    work_ += today_.size() / 4;  // a hole test per link, a few loads each
    std::vector<const std::array<int, 3>*> moved;
    for (const auto& l : today_)
      if (is_hole(l) && excess_of(l[1], l[2])) moved.push_back(&l);
    if (moved.empty()) return false;
    found = moved[next_random() % moved.size()];
    excess_of((*found)[1], (*found)[2]);
  }
  s = (*found)[0], i = (*found)[1], j = (*found)[2];
  t = excess[next_random() % excess.size()];
  return true;
}

bool LinkPlacer::ruin_and_recreate(int allowance) {
  int fs = -1, ft = -1, fi = -1, fj = -1;
  if (!find_moved(fs, ft, fi, fj)) return false;

  // The neighbourhood: the pair's ends and the endpoints holding their ports
  // at s, on s, t and one more switch drawn at random (or, in wide rounds,
  // on every switch).
  std::vector<int> ends{fi, fj};
  for (int v : {fi, fj})
    for_each_neighbour(fs, v, [&](int w) {
      if (w != v && std::find(ends.begin(), ends.end(), w) == ends.end()) ends.push_back(w);
    });
  std::vector<int> switches{fs, ft};
  if (s_ > 2) {
    int extra = static_cast<int>(next_random() % s_);
    while (extra == fs || extra == ft) extra = (extra + 1) % s_;
    switches.push_back(extra);
  }
  std::vector<char> in_ends(n_, 0);
  for (int v : ends) in_ends[v] = 1;

  // Ruin: every link of the ends on those switches, kept or not; or, in
  // wide rounds, every link of the ends that is away from today's place, on
  // any switch.
  const int before = deviation_ + allowance;
  std::vector<std::pair<int, int>> taken;
  const bool wide = next_random() % kWideEvery == 0;
  if (wide) {
    for (int s = 0; s < s_; ++s)
      for (int v : ends)
        for_each_neighbour(s, v, [&](int w) {
          if (w == v || (in_ends[w] && w < v)) return;
          const std::size_t k = at(s, v, w);
          while (kept_[k] + fresh_[k] > current_[k]) {
            add(fresh_[k] > 0 ? fresh_ : kept_, s, v, w, -1);
            taken.emplace_back(v, w);
          }
        });
  } else {
    for (int s : switches)
      for (int v : ends)
        for_each_neighbour(s, v, [&](int w) {
          if (w == v || (in_ends[w] && w < v)) return;  // a link between two ends once
          const std::size_t k = at(s, v, w);
          while (fresh_[k] > 0) add(fresh_, s, v, w, -1), taken.emplace_back(v, w);
          while (kept_[k] > 0) add(kept_, s, v, w, -1), taken.emplace_back(v, w);
        });
  }
  work_ += static_cast<std::uint64_t>(wide ? s_ : 3) * ends.size();
  const std::size_t ruined = journal_.size();

  // Recreate, in a random order: first every link that can go back where its
  // pair had one today, then the cheapest switch with room, then repair.
  std::vector<std::pair<int, int>> rest, deferred;
  for (int order = 0; order < kOrdersPerRuin; ++order) {
    for (std::size_t a = taken.size(); a > 1; --a)
      std::swap(taken[a - 1], taken[next_random() % a]);
    rest.clear(), deferred.clear();
    for (auto [i, j] : taken)
      if (place_cheapest(i, j, true) < 0) rest.emplace_back(i, j);
    for (auto [i, j] : rest)
      if (place_cheapest(i, j, false) < 0) deferred.emplace_back(i, j);
    bool placed = true;
    for (std::size_t d = 0; d < deferred.size() && placed; ++d) {
      // Each link still to place saves at most one change, so a repair
      // path may cost no more than what is left above the old plan.
      const int left = static_cast<int>(deferred.size() - d);
      const int slack = before - (deviation_ - left);
      repair_cost_cap_ = slack;
      placed = slack >= 0 && place_with_repair(deferred[d].first, deferred[d].second);
    }
    repair_cost_cap_ = -1;
    if (placed && deviation_ <= before) {
      journal_.clear();  // equal plans are kept too: the search moves on
      return true;
    }
    rollback(ruined);
  }
  rollback(0);
  return true;
}

int LinkPlacer::improve(int rounds, std::uint64_t work, std::uint64_t seed) {
  today_.clear();
  for (int s = 0; s < s_; ++s)
    for (int i = 0; i < n_; ++i)
      for (int j = i + 1; j < n_; ++j)
        for (int c = 0; c < current_[at(s, i, j)]; ++c) today_.push_back({s, i, j});
  if (today_.empty()) return 0;
  const std::uint64_t saved_state = walk_state_;
  walk_state_ = seed;
  journaling_ = true;
  journal_.clear();
  random_walks_ = false;  // slow, and rarely cheap enough to keep
  landing_costs_ = true;
  int improved = 0;
  work_ = 0;
  // After kStallRounds rounds without a new best, one round may make the
  // plan a little worse (a kick out of the local optimum); the best plan
  // seen is saved before and restored at the end if nothing beat it.
  int best = deviation_, last_best = 0;
  bool saved = false;  // best_ holds a plan of `best` changes
  for (int round = 0; round < rounds && work_ < work; ++round) {
    const int before = deviation_;
    const bool kick = round - last_best >= kStallRounds;
    if (kick) {
      if (!saved) save_best(), saved = true;  // the plan is a best one here
      last_best = round;
    }
    if (!ruin_and_recreate(kick ? kKickAllowance : 0)) break;  // nothing moved is left
    if (deviation_ < before) ++improved;
    if (deviation_ < best) best = deviation_, last_best = round, saved = false;
  }
  if (deviation_ > best && saved) restore_best();
  journaling_ = false;
  journal_.clear();
  random_walks_ = true;
  landing_costs_ = false;
  walk_state_ = saved_state;
  return improved;
}

}  // namespace lightpath::solver::detail
