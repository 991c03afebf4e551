#pragma once
// Internal to topology engineering: splits logical links among switches.
//
// Think of switches as colors: a link (i, j) gets a color s, and endpoint i
// may carry at most capacity[i][s] links of color s (its ports at switch s).
// This is edge coloring with capacities. Greedy placement handles most links;
// a link no switch has room for at both ends is placed by recoloring links
// along an alternating s/t path (a Kempe-chain move) until one end frees a
// port at a switch where the other end has one.
//
// Links are either kept (they exist today) or fresh (planned now). What a
// recoloring costs is judged against today's per-switch counts (note_current):
// moving a link of (u,v) from s to t costs one removal + one addition unless
// it goes back to a switch where (u,v) had a link today that the plan dropped,
// or leaves a switch where (u,v) already has more links than today. Repair
// takes the alternating path of least such cost, found by a 0-1 BFS over
// (endpoint, color to shed) states. Before repair, links are tried by chains
// that move only fresh links, over any number of switches, which cost nothing.
// After placement, improve() searches for plans with fewer changes by ruin
// and recreate, undoing through a journal of add() calls what it rejects.

#include <array>
#include <cstdint>
#include <cstdlib>
#include <utility>
#include <vector>

namespace lightpath::solver::detail {

class LinkPlacer {
 public:
  // capacity[i][s]: ports endpoint i has at switch s.
  explicit LinkPlacer(const std::vector<std::vector<int>>& capacity);

  // Records an existing link on switch s; false when s has no room left.
  bool keep(int s, int i, int j);
  // Records an existing link on switch s that the plan drops (a surplus copy):
  // it takes no port, but moving a link of (i,j) back to s costs nothing.
  void note_dropped(int s, int i, int j);
  // Places a fresh link on switch s; false when s has no room at both ends.
  bool place_at(int s, int i, int j);
  // Places a fresh link on the switch with the most room at both ends; false
  // when no switch has room at both ends.
  bool place_greedy(int i, int j);
  // Greedy first, then the cheapest alternating-path repair; false when no
  // path frees a common switch.
  bool place_with_repair(int i, int j);
  // Places many links greedily, then repairs those greedy could not place.
  // Returns the links left unplaced.
  std::vector<std::pair<int, int>> place_all(const std::vector<std::pair<int, int>>& links);

  // Moves links of pairs that sit on a switch beyond today's count back to a
  // switch where the pair lost a link today, by two alternating paths, when
  // that lowers the cross-connects changed; repeats while it helps.
  void move_back();

  // Large-neighbourhood search (link_improver.cpp): `rounds` times, takes
  // back every link of a moved link's pair ends and of the endpoints holding
  // their ports, on its two switches and one more (in one round of ten:
  // those links away from today's place, on every switch), and places them
  // again in a random order (back where today's links were first, then the
  // cheapest switch with room, then repair); keeps the result when it
  // changes no more cross-connects than before, else restores the plan.
  // Never makes the plan worse; deterministic for a given seed. Returns the
  // rounds that lowered the changes. Stops early when no link is moved.
  int improve(int rounds, std::uint64_t work, std::uint64_t seed);

  // Cross-connects changed so far: Σ_s Σ_{i<j} |planned − today|.
  int deviation() const { return deviation_; }
  int kept(int s, int i, int j) const { return kept_[at(s, i, j)]; }
  int fresh(int s, int i, int j) const { return fresh_[at(s, i, j)]; }
  // Links removed beyond each pair's surplus: existing links that left their
  // switch (each costs a removal and an addition the pair count does not).
  int moved_kept() const;
  int endpoints() const { return n_; }
  int switches() const { return s_; }

 private:
  struct Recolor {
    int from, to, u, v;
    bool was_kept;
  };
  struct Change {  // one add() while journaling, to be undone
    bool kept;
    int s, i, j, delta;
  };
  struct Path {
    int cost = -1;  // kept links moved; -1 when there is no path
    int score = 0;  // cost, less one when the path's last endpoint can then take a pending link
    std::vector<Recolor> moves;
  };

  // Pair-major: one pair's counts on every switch are adjacent, as repair
  // (two switches of one pair) and the cheapest-switch search read them.
  std::size_t at(int s, int i, int j) const {
    return (static_cast<std::size_t>(i) * n_ + j) * s_ + s;
  }
  int& usage(int i, int s) { return usage_[static_cast<std::size_t>(i) * s_ + s]; }
  int cap(int i, int s) const { return cap_[static_cast<std::size_t>(i) * s_ + s]; }
  int room(int i, int s) { return cap(i, s) - usage(i, s); }
  void add(std::vector<int>& counts, int s, int i, int j, int delta);
  // Neighbours of u on switch s (kept + fresh > 0), as a bitset of
  // words_ words: repair paths and ruins visit them instead of every
  // endpoint (in the same ascending order).
  const std::uint64_t* nbr(int s, int u) const {
    return &nbr_[(static_cast<std::size_t>(s) * n_ + u) * words_];
  }
  // Switches where endpoint i has a free port, as a bitset of swords_ words.
  const std::uint64_t* free_at(int i) const {
    return &free_[static_cast<std::size_t>(i) * swords_];
  }
  void note_room(int i, int s) {
    std::uint64_t& word = free_[static_cast<std::size_t>(i) * swords_ + s / 64];
    const std::uint64_t bit = std::uint64_t{1} << (s % 64);
    word = room(i, s) > 0 ? word | bit : word & ~bit;
  }
  template <typename F>
  void for_each_neighbour(int s, int v, F&& f);  // link_improver.cpp
  int cell_deviation(std::size_t k) const { return std::abs(kept_[k] + fresh_[k] - current_[k]); }
  void note_current(int s, int i, int j);  // one more link of (i,j) on s today
  // Undoes the journal back to `mark` entries (link_improver.cpp).
  void rollback(std::size_t mark);
  // Places (i,j) on the switch with room at both ends that changes the
  // fewest cross-connects (random among ties); the switch, or -1 (also when
  // holes_only and no such switch takes a link the pair had there today).
  int place_cheapest(int i, int j, bool holes_only);
  // One ruin-and-recreate step around a moved link; false when there is none.
  // allowance: the changes the round may add and still be kept.
  bool ruin_and_recreate(int allowance);
  // Copies the plan aside, and back (improve()'s best plan).
  void save_best();
  void restore_best();
  // Draws a moved link: today on s (where the plan lacks it), its pair with
  // more links than today on t; false when there is none.
  bool find_moved(int& s, int& t, int& i, int& j);
  bool recolor(const Recolor& r, bool undo);
  // 0 when recoloring a (u,v) link from `from` to `to` changes no more
  // cross-connects than it saves against today's counts, else 1.
  int move_cost(int from, int to, int u, int v) const;
  // max_cost: stop at paths costing more (the caller has a better one).
  Path cheapest_path(int x, int y, int s, int t, int max_cost = 1 << 29);
  bool apply(const Path& path, int x, int y, int s, int t, bool need_room = true);
  bool relocate(int i, int j, int a, int b);
  int cost_at(int a, int b) const;  // cross-connects changed on switches a and b
  bool random_walk(int x, int y, int s, int t);
  // Places (i,j) by moving only fresh links, over any switches; false when
  // no such chain frees a common switch (defined in fresh_chain.cpp).
  bool place_by_fresh_chain(int i, int j);
  // Fills helps_ from pending_ and today's room (fresh_chain.cpp).
  void note_pending_help();
  int place_greedy_at(int i, int j);  // the switch used, or -1
  std::uint64_t next_random();

  int n_ = 0;
  int s_ = 0;
  std::vector<int> cap_;
  std::vector<int> usage_;
  std::vector<int> kept_;     // [i][j][s] (see at()), symmetric
  std::vector<int> fresh_;    // [i][j][s], symmetric
  std::vector<int> current_;  // [i][j][s], symmetric: today's links, dropped ones too
  std::vector<int> pending_;  // [i][j]: links greedy could not place, not yet repaired
  std::vector<char> helps_;   // [w][c]: w freeing a port at c lets a pending link of w go there
  int words_ = 1;
  std::vector<std::uint64_t> nbr_;  // [s][u][word], see nbr()
  int swords_ = 1;
  std::vector<std::uint64_t> free_;  // [i][word], see free_at()
  // Scratch space of cheapest_path, kept between calls.
  std::vector<int> bfs_dist_;
  std::vector<std::pair<int, bool>> bfs_pred_;
  std::vector<int> bfs_queue_;
  int deviation_ = 0;  // cross-connects changed: Σ_s Σ_{i<j} |kept + fresh − current|
  std::vector<Change> journal_;
  std::vector<std::array<int, 3>> today_;  // (s, i, j) per link of today, for improve()
  std::vector<int> best_kept_, best_fresh_, best_usage_;
  std::vector<std::uint64_t> best_nbr_, best_free_;
  int best_deviation_ = 0;
  std::uint64_t work_ = 0;  // steps of improve(): repair states and links looked at
  bool journaling_ = false;
  int repair_cost_cap_ = -1;                          // when >= 0, repair paths cost at most this
  bool random_walks_ = true;                          // repair may fall back to random walks
  bool landing_costs_ = false;                        // repair counts the new link's own change
  std::uint64_t walk_state_ = 0x9e3779b97f4a7c15ull;  // fixed: plans are deterministic
};

}  // namespace lightpath::solver::detail
