#include "controller/solver/link_placer.h"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <utility>

namespace lightpath::solver::detail {

constexpr int kWalkAttempts = 400;
constexpr int kMoveBackPasses = 8;

LinkPlacer::LinkPlacer(const std::vector<std::vector<int>>& capacity)
    : n_(static_cast<int>(capacity.size())),
      s_(capacity.empty() ? 0 : static_cast<int>(capacity[0].size())) {
  cap_.reserve(static_cast<std::size_t>(n_) * s_);
  for (const auto& row : capacity) cap_.insert(cap_.end(), row.begin(), row.end());
  usage_.assign(cap_.size(), 0);
  kept_.assign(static_cast<std::size_t>(s_) * n_ * n_, 0);
  fresh_.assign(kept_.size(), 0);
  current_.assign(kept_.size(), 0);
  words_ = std::max(1, (n_ + 63) / 64);
  nbr_.assign(static_cast<std::size_t>(s_) * n_ * words_, 0);
  swords_ = std::max(1, (s_ + 63) / 64);
  free_.assign(static_cast<std::size_t>(n_) * swords_, 0);
  for (int i = 0; i < n_; ++i)
    for (int s = 0; s < s_; ++s) note_room(i, s);
}

void LinkPlacer::add(std::vector<int>& counts, int s, int i, int j, int delta) {
  const std::size_t k = at(s, i, j);
  deviation_ -= cell_deviation(k);
  counts[k] += delta;
  counts[at(s, j, i)] += delta;
  deviation_ += cell_deviation(k);
  const bool linked = kept_[k] + fresh_[k] > 0;
  auto set = [&](int u, int w) {
    std::uint64_t& word = nbr_[(static_cast<std::size_t>(s) * n_ + u) * words_ + w / 64];
    const std::uint64_t bit = std::uint64_t{1} << (w % 64);
    word = linked ? word | bit : word & ~bit;
  };
  set(i, j);
  set(j, i);
  usage(i, s) += delta;
  usage(j, s) += delta;
  note_room(i, s);
  note_room(j, s);
  if (journaling_) journal_.push_back({&counts == &kept_, s, i, j, delta});
}

void LinkPlacer::note_current(int s, int i, int j) {
  const std::size_t k = at(s, i, j);
  deviation_ -= cell_deviation(k);
  ++current_[k];
  ++current_[at(s, j, i)];
  deviation_ += cell_deviation(k);
}

bool LinkPlacer::keep(int s, int i, int j) {
  if (room(i, s) <= 0 || room(j, s) <= 0) return false;
  add(kept_, s, i, j, 1);
  note_current(s, i, j);
  return true;
}

void LinkPlacer::note_dropped(int s, int i, int j) {
  note_current(s, i, j);
}

int LinkPlacer::move_cost(int from, int to, int u, int v) const {
  const std::size_t a = at(from, u, v), b = at(to, u, v);
  const int fa = kept_[a] + fresh_[a], ca = current_[a];
  const int fb = kept_[b] + fresh_[b], cb = current_[b];
  const int delta =
      std::abs(fa - 1 - ca) - std::abs(fa - ca) + std::abs(fb + 1 - cb) - std::abs(fb - cb);
  return delta > 0 ? 1 : 0;
}

int LinkPlacer::moved_kept() const {
  int per_switch = 0, per_pair = 0;
  for (int i = 0; i < n_; ++i)
    for (int j = i + 1; j < n_; ++j) {
      int f = 0, c = 0;
      for (int s = 0; s < s_; ++s) {
        const std::size_t k = at(s, i, j);
        f += kept_[k] + fresh_[k];
        c += current_[k];
        per_switch += std::max(0, current_[k] - kept_[k] - fresh_[k]);
      }
      per_pair += std::max(0, c - f);
    }
  return per_switch - per_pair;
}

bool LinkPlacer::place_at(int s, int i, int j) {
  if (room(i, s) <= 0 || room(j, s) <= 0) return false;
  add(fresh_, s, i, j, 1);
  return true;
}

bool LinkPlacer::place_greedy(int i, int j) {
  return place_greedy_at(i, j) >= 0;
}

int LinkPlacer::place_greedy_at(int i, int j) {
  // Most room at the scarcer end first keeps later links placeable; the
  // rotating start spreads ties over switches instead of filling switch 0.
  int best = -1, best_min = 0, best_sum = 0;
  const int start = (i * 31 + j * 17) % std::max(s_, 1);
  for (int k = 0; k < s_; ++k) {
    const int s = (start + k) % s_;
    const int a = room(i, s), b = room(j, s);
    if (a <= 0 || b <= 0) continue;
    const int lo = std::min(a, b);
    if (lo > best_min || (lo == best_min && a + b > best_sum)) {
      best = s;
      best_min = lo;
      best_sum = a + b;
    }
  }
  if (best >= 0) add(fresh_, best, i, j, 1);
  return best;
}

std::vector<std::pair<int, int>> LinkPlacer::place_all(
    const std::vector<std::pair<int, int>>& links) {
  // Greedy for all first, so that repair paths can run through every fresh
  // link. (Most-constrained-first order, as in DSatur, moved more kept links
  // in the incremental benchmarks than this plain order.)
  std::vector<std::pair<int, int>> deferred, unplaced;
  for (auto [i, j] : links)
    if (!place_greedy(i, j)) deferred.emplace_back(i, j);
  // Links a chain of fresh links can make room for cost nothing; the rest
  // are repaired in order, each told which links are still waiting.
  std::vector<std::pair<int, int>> still;
  for (auto [i, j] : deferred)
    if (!place_by_fresh_chain(i, j)) still.emplace_back(i, j);
  pending_.assign(static_cast<std::size_t>(n_) * n_, 0);
  for (auto [i, j] : still) ++pending_[i * n_ + j], ++pending_[j * n_ + i];
  for (auto [i, j] : still) {
    --pending_[i * n_ + j], --pending_[j * n_ + i];
    if (!place_with_repair(i, j)) unplaced.emplace_back(i, j);
  }
  helps_.clear();
  pending_.clear();
  return unplaced;
}

bool LinkPlacer::place_with_repair(int i, int j) {
  if (place_greedy(i, j)) return true;
  note_pending_help();
  // Try every pair of switches (s where x has room, t where y has room) in
  // both orientations and take the path that moves the fewest kept links.
  Path best;
  int bx = -1, by = -1, bs = -1, bt = -1, best_key = 0;
  // With landing costs, the new link's own switch counts too: back where
  // its pair had a link today is one change fewer, elsewhere one more.
  auto landing = [&](int s) {
    if (!landing_costs_) return 0;
    const std::size_t k = at(s, i, j);
    return kept_[k] + fresh_[k] < current_[k] ? -1 : 1;
  };
  const int help = helps_.empty() ? 0 : 1;
  for (auto [x, y] : {std::pair(i, j), std::pair(j, i)})
    for (int s = 0; s < s_; ++s) {
      if (room(x, s) <= 0) continue;
      for (int t = 0; t < s_; ++t) {
        if (t == s || room(y, t) <= 0) continue;
        // A path of cost d scores at least d - help, so its key is at least
        // 2 (d - help) + landing(s): beyond max_cost it cannot tie the best.
        int max_cost = 1 << 29;
        if (best.cost >= 0) {
          const int slack = best_key - landing(s);  // 2 (d - help) <= slack
          max_cost = help + (slack >= 0 ? slack / 2 : -((1 - slack) / 2));
          if (max_cost < 0) continue;
        }
        Path p = cheapest_path(x, y, s, t, max_cost);
        if (p.cost < 0) continue;
        const int key = 2 * p.score + landing(s);
        if (best.cost < 0 || key < best_key || (key == best_key && p.cost < best.cost) ||
            (key == best_key && p.cost == best.cost && p.moves.size() < best.moves.size())) {
          best = std::move(p);
          bx = x, by = y, bs = s, bt = t, best_key = key;
        }
      }
    }
  if (best.cost >= 0 && apply(best, bx, by, bs, bt)) {
    add(fresh_, bs, bx, by, 1);
    return true;
  }
  // The state graph allows each endpoint twice per path; when that is not
  // enough, seeded random alternating walks of any length still find a way.
  for (int attempt = 0; random_walks_ && attempt < kWalkAttempts; ++attempt) {
    const int x = (attempt % 2) ? j : i, y = (attempt % 2) ? i : j;
    std::vector<int> with_room_x, with_room_y;
    for (int s = 0; s < s_; ++s) {
      if (room(x, s) > 0) with_room_x.push_back(s);
      if (room(y, s) > 0) with_room_y.push_back(s);
    }
    if (with_room_x.empty() || with_room_y.empty()) return false;
    const int s = with_room_x[next_random() % with_room_x.size()];
    const int t = with_room_y[next_random() % with_room_y.size()];
    if (s != t && random_walk(x, y, s, t)) {
      add(fresh_, s, x, y, 1);
      return true;
    }
  }
  return false;
}

// Like cheapest_path, but one random path, preferring fresh links and links
// whose far end can take the color, and allowed to revisit endpoints freely.
bool LinkPlacer::random_walk(int x, int y, int s, int t) {
  auto reserved = [&](int v, int c) { return (c == s && (v == x || v == y)) ? 1 : 0; };
  auto absorbs = [&](int v, int c) { return usage(v, c) + 1 <= cap(v, c) - reserved(v, c); };
  std::vector<Recolor> done;
  int u = y, shed = s, gain = t, prev = -1;
  std::vector<int> options;
  for (int step = 0; step < 4 * n_ + 8; ++step) {
    int choice = -1;
    bool choice_kept = false;
    for (int pass = 0; pass < 4 && choice < 0; ++pass) {
      const bool use_kept = pass >= 2, must_end = pass % 2 == 0;
      const auto& counts = use_kept ? kept_ : fresh_;
      options.clear();
      for (int v = 0; v < n_; ++v)
        if (v != prev && counts[at(shed, u, v)] > 0 && (!must_end || absorbs(v, gain)))
          options.push_back(v);
      if (!options.empty()) {
        choice = options[next_random() % options.size()];
        choice_kept = use_kept;
      }
    }
    if (choice < 0) break;
    const bool ends = absorbs(choice, gain);
    done.push_back({shed, gain, u, choice, choice_kept});
    recolor(done.back(), false);
    if (ends) return true;
    prev = u;
    u = choice;
    std::swap(shed, gain);
  }
  for (auto it = done.rbegin(); it != done.rend(); ++it) recolor(*it, true);
  return false;
}

std::uint64_t LinkPlacer::next_random() {
  // splitmix64: tiny, and the same sequence on every platform.
  std::uint64_t z = (walk_state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

bool LinkPlacer::recolor(const Recolor& r, bool undo) {
  auto& from_counts = r.was_kept ? kept_ : fresh_;
  if (!undo) {
    if (from_counts[at(r.from, r.u, r.v)] <= 0) return false;
    add(from_counts, r.from, r.u, r.v, -1);
    add(fresh_, r.to, r.u, r.v, 1);
  } else {
    add(fresh_, r.to, r.u, r.v, -1);
    add(from_counts, r.from, r.u, r.v, 1);
  }
  return true;
}

// The path frees a port of y at switch s, where x has one, without using
// x's: y moves one of its s-links to t (where y has room); the far end v now
// has one t-link too many, so v moves one of its t-links to s, and so on,
// until the path reaches an endpoint with room for the color it gains.
// States are (endpoint, color it must shed); a kept link costs 1, a fresh 0.
LinkPlacer::Path LinkPlacer::cheapest_path(int x, int y, int s, int t, int max_cost) {
  auto reserved = [&](int v, int c) { return (c == s && (v == x || v == y)) ? 1 : 0; };
  auto absorbs = [&](int v, int c) { return usage(v, c) + 1 <= cap(v, c) - reserved(v, c); };
  const int states = 2 * n_;  // state v*2+k: v must shed s (k=0) or t (k=1)
  constexpr int kUnseen = 1 << 30;
  auto& dist = bfs_dist_;
  auto& pred = bfs_pred_;  // (previous state, the link moved was kept)
  dist.assign(states, kUnseen);
  pred.assign(states, {-1, false});
  int end_cost = kUnseen, end_score = kUnseen, end_from = -1, end_to = -1;
  bool end_kept = false;
  const int help = helps_.empty() ? 0 : 1;
  // The 0-1 BFS's deque, as a ring buffer that grows when full.
  auto& ring = bfs_queue_;
  if (ring.size() < 64) ring.assign(64, 0);
  std::size_t head = 0, size = 0;
  auto grow = [&] {
    std::vector<int> bigger(ring.size() * 2);
    for (std::size_t a = 0; a < size; ++a) bigger[a] = ring[(head + a) & (ring.size() - 1)];
    ring.swap(bigger);
    head = 0;
  };
  auto push_back = [&](int v) {
    if (size == ring.size()) grow();
    ring[(head + size++) & (ring.size() - 1)] = v;
  };
  auto push_front = [&](int v) {
    if (size == ring.size()) grow();
    head = (head + ring.size() - 1) & (ring.size() - 1);
    ring[head] = v;
    ++size;
  };
  dist[2 * y] = 0;
  push_back(2 * y);
  while (size > 0) {
    ++work_;
    const int st = ring[head];
    head = (head + 1) & (ring.size() - 1);
    --size;
    const int u = st / 2, k = st % 2, d = dist[st];
    // Nothing better can follow in a 0-1 BFS: later ends cost at least d and
    // score at least d less the help (an end scoring the same only wins by
    // costing less, which a later one cannot).
    if (d - help >= end_score) break;
    if (repair_cost_cap_ >= 0 && d > repair_cost_cap_) break;
    if (d > max_cost) break;
    const int shed = k == 0 ? s : t, gain = k == 0 ? t : s;
    const std::uint64_t* row = nbr(shed, u);
    for (int word = 0; word < words_; ++word)
      for (std::uint64_t bits = row[word]; bits != 0; bits &= bits - 1) {
        const int w = word * 64 + __builtin_ctzll(bits);
        ++work_;
        if (w == u) continue;
        const std::size_t e = at(shed, u, w);
        const bool kept = fresh_[e] == 0;  // recolor a fresh copy when there is one
        const int cost = move_cost(shed, gain, u, w);
        const int nd = d + cost;
        if (absorbs(w, gain)) {
          const int score = nd - (helps_.empty() ? 0 : helps_[w * s_ + shed]);
          if (score < end_score || (score == end_score && nd < end_cost))
            end_score = score, end_cost = nd, end_from = st, end_to = w, end_kept = kept;
          continue;
        }
        const int next = 2 * w + (1 - k);
        if (nd >= dist[next]) continue;
        dist[next] = nd;
        pred[next] = {st, kept};
        if (cost)
          push_back(next);
        else
          push_front(next);
      }
  }
  Path path;
  if (end_from < 0) return path;
  path.cost = end_cost;
  path.score = end_score;
  auto move_from = [&](int st, int to_vertex, bool kept) {
    const int u = st / 2, k = st % 2;
    return Recolor{k == 0 ? s : t, k == 0 ? t : s, u, to_vertex, kept};
  };
  path.moves.push_back(move_from(end_from, end_to, end_kept));
  for (int st = end_from; pred[st].first >= 0; st = pred[st].first)
    path.moves.push_back(move_from(pred[st].first, st / 2, pred[st].second));
  std::reverse(path.moves.begin(), path.moves.end());
  return path;
}

// Applies a path found on the state graph, which may visit an endpoint twice;
// checks the result and undoes it when a capacity or count would break.
bool LinkPlacer::apply(const Path& path, int x, int y, int s, int t, bool need_room) {
  std::size_t done = 0;
  bool ok = true;
  for (; done < path.moves.size(); ++done)
    if (!recolor(path.moves[done], false)) {
      ok = false;
      break;
    }
  if (ok)
    for (const auto& m : path.moves)
      for (int v : {m.u, m.v})
        for (int c : {s, t}) ok = ok && usage(v, c) <= cap(v, c);
  ok = ok && (!need_room || (room(x, s) > 0 && room(y, s) > 0));
  if (ok) return true;
  while (done-- > 0) recolor(path.moves[done], true);
  return false;
}

int LinkPlacer::cost_at(int a, int b) const {
  int cost = 0;
  for (int s : {a, b})
    for (int i = 0; i < n_; ++i)
      for (int j = i + 1; j < n_; ++j) {
        const std::size_t k = at(s, i, j);
        cost += std::abs(kept_[k] + fresh_[k] - current_[k]);
      }
  return cost;
}

// Takes one (i,j) link off a and puts it on b: i frees a port at b by an
// alternating b/a path (i has room at a now), then j does the same if that
// path did not free it already; kept only when switches a and b end with
// fewer changed cross-connects (exact, whatever the paths' estimated cost).
bool LinkPlacer::relocate(int i, int j, int a, int b) {
  const int before = cost_at(a, b);
  const bool was_kept = fresh_[at(a, i, j)] == 0;
  add(was_kept ? kept_ : fresh_, a, i, j, -1);
  Path first = cheapest_path(j, i, b, a);
  bool ok = first.cost >= 0 && apply(first, j, i, b, a, false);
  Path second;
  // On a full fabric the first path ends at j (the only endpoint with room at
  // a), which then has shed a b-link too, so the second is not needed.
  if (ok && (room(i, b) <= 0 || room(j, b) <= 0)) {
    second = cheapest_path(i, j, b, a);
    ok = second.cost >= 0 && apply(second, i, j, b, a);
    if (!ok)
      for (auto it = first.moves.rbegin(); it != first.moves.rend(); ++it) recolor(*it, true);
  }
  if (!ok) {
    add(was_kept ? kept_ : fresh_, a, i, j, 1);
    return false;
  }
  add(fresh_, b, i, j, 1);
  if (cost_at(a, b) < before) return true;
  add(fresh_, b, i, j, -1);
  for (auto it = second.moves.rbegin(); it != second.moves.rend(); ++it) recolor(*it, true);
  for (auto it = first.moves.rbegin(); it != first.moves.rend(); ++it) recolor(*it, true);
  add(was_kept ? kept_ : fresh_, a, i, j, 1);
  return false;
}

void LinkPlacer::move_back() {
  std::vector<int> short_at;  // switches where the pair has fewer links than today
  for (int pass = 0; pass < kMoveBackPasses; ++pass) {
    bool improved = false;
    for (int i = 0; i < n_; ++i)
      for (int j = i + 1; j < n_; ++j) {
        short_at.clear();
        for (int b = 0; b < s_; ++b) {
          const std::size_t kb = at(b, i, j);
          if (kept_[kb] + fresh_[kb] < current_[kb]) short_at.push_back(b);
        }
        if (short_at.empty()) continue;
        for (int a = 0; a < s_; ++a) {
          const std::size_t ka = at(a, i, j);
          if (kept_[ka] + fresh_[ka] <= current_[ka]) continue;
          for (int b : short_at) {
            const std::size_t kb = at(b, i, j);
            if (kept_[kb] + fresh_[kb] >= current_[kb]) continue;  // filled meanwhile
            if (relocate(i, j, a, b) || relocate(j, i, a, b)) {
              improved = true;
              break;
            }
          }
        }
      }
    if (!improved) break;
  }
}

}  // namespace lightpath::solver::detail
