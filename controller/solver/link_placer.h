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

#include <cstdint>
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
  struct Path {
    int cost = -1;  // kept links moved; -1 when there is no path
    int score = 0;  // cost, less one when the path's last endpoint can then take a pending link
    std::vector<Recolor> moves;
  };

  std::size_t at(int s, int i, int j) const {
    return (static_cast<std::size_t>(s) * n_ + i) * n_ + j;
  }
  int& usage(int i, int s) { return usage_[static_cast<std::size_t>(i) * s_ + s]; }
  int cap(int i, int s) const { return cap_[static_cast<std::size_t>(i) * s_ + s]; }
  int room(int i, int s) { return cap(i, s) - usage(i, s); }
  void add(std::vector<int>& counts, int s, int i, int j, int delta);
  bool recolor(const Recolor& r, bool undo);
  // 0 when recoloring a (u,v) link from `from` to `to` changes no more
  // cross-connects than it saves against today's counts, else 1.
  int move_cost(int from, int to, int u, int v) const;
  Path cheapest_path(int x, int y, int s, int t);
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
  std::vector<int> kept_;     // [s][i][j], symmetric
  std::vector<int> fresh_;    // [s][i][j], symmetric
  std::vector<int> current_;  // [s][i][j], symmetric: today's links, dropped ones too
  std::vector<int> pending_;  // [i][j]: links greedy could not place, not yet repaired
  std::vector<char> helps_;   // [w][c]: w freeing a port at c lets a pending link of w go there
  std::uint64_t walk_state_ = 0x9e3779b97f4a7c15ull;  // fixed: plans are deterministic
};

}  // namespace lightpath::solver::detail
