// LinkPlacer: placement without cost before repair, and what repair should
// know about the links still waiting (link_placer.h).
#include <algorithm>
#include <deque>

#include "controller/solver/link_placer.h"

namespace lightpath::solver::detail {

// Zero-cost placement across any switches: (i,j) takes switch s where one end
// has room; the other end u vacates its s-port by moving one of its fresh
// links (u,z) to a switch where u has room; if z has no room there, z moves
// one of its fresh links on, and so on. Breadth-first over (endpoint, switch
// it must vacate) states; only fresh links move, so nothing costs.
bool LinkPlacer::place_by_fresh_chain(int i, int j) {
  const int states = n_ * s_;
  struct Pred {
    int state = -1;
    int partner = -1;  // the link (u, partner) moved off the state's switch
    int to = -1;
  };
  for (auto [x, y] : {std::pair(i, j), std::pair(j, i)})
    for (int s0 = 0; s0 < s_; ++s0) {
      if (room(x, s0) <= 0 || room(y, s0) > 0) continue;
      std::vector<Pred> pred(states);
      std::vector<char> seen(states, 0);
      std::deque<int> queue{y * s_ + s0};
      seen[y * s_ + s0] = 1;
      int end_state = -1, end_partner = -1, end_to = -1;
      auto free_at = [&](int v, int c) { return room(v, c) - ((v == x && c == s0) ? 1 : 0); };
      while (!queue.empty() && end_state < 0) {
        const int st = queue.front();
        queue.pop_front();
        const int u = st / s_, s = st % s_;
        for (int z = 0; z < n_ && end_state < 0; ++z) {
          if (z == u || fresh_[at(s, u, z)] == 0) continue;
          for (int t = 0; t < s_; ++t) {
            if (t == s || free_at(u, t) <= 0) continue;
            if (free_at(z, t) > 0) {
              end_state = st, end_partner = z, end_to = t;
              break;
            }
            const int next = z * s_ + t;
            if (seen[next]) continue;
            seen[next] = 1;
            pred[next] = {st, z, t};
            queue.push_back(next);
          }
        }
      }
      if (end_state < 0) continue;
      std::vector<Recolor> moves{{end_state % s_, end_to, end_state / s_, end_partner, false}};
      for (int st = end_state; pred[st].state >= 0; st = pred[st].state) {
        const int from = pred[st].state;
        moves.push_back({from % s_, pred[st].to, from / s_, pred[st].partner, false});
      }
      std::reverse(moves.begin(), moves.end());
      std::size_t done = 0;
      bool ok = true;
      for (; done < moves.size() && ok; ++done) ok = recolor(moves[done], false);
      if (!ok) --done;
      for (const auto& m : moves)
        for (int v : {m.u, m.v})
          for (int c : {m.from, m.to}) ok = ok && usage(v, c) <= cap(v, c);
      if (ok && room(x, s0) > 0 && room(y, s0) > 0) {
        add(fresh_, s0, x, y, 1);
        return true;
      }
      while (done-- > 0) recolor(moves[done], true);
    }
  return false;
}

// A repair path ending at w frees a port of w at its other color; when a link
// still waiting at w could go there, the path saves a later repair.
void LinkPlacer::note_pending_help() {
  if (pending_.empty()) {  // repair called outside place_all: nothing waits
    helps_.clear();
    return;
  }
  helps_.assign(static_cast<std::size_t>(n_) * s_, 0);
  for (int w = 0; w < n_; ++w)
    for (int r = 0; r < n_; ++r) {
      if (pending_[w * n_ + r] == 0) continue;
      for (int c = 0; c < s_; ++c)
        if (room(r, c) > 0) helps_[w * s_ + c] = 1;
    }
}

}  // namespace lightpath::solver::detail
