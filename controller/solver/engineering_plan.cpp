// engineer(): from a logical topology and today's cross-connects to a plan.
#include <algorithm>
#include <map>
#include <set>

#include "controller/solver/alternating_cycles.h"
#include "controller/solver/change_bound.h"
#include "controller/solver/link_placer.h"
#include "controller/solver/topology_engineering.h"

namespace lightpath::solver {
namespace {

// Longer single-switch walks are rare and slow to search for.
constexpr int kMaxCycleLinks = 8;

Error invalid(std::string code, std::string message) {
  return Error{std::move(code), std::move(message)};
}

// An existing cross-connect that joins two endpoints' fibers on a MEMS switch.
struct ExistingLink {
  CrossConnect cross_connect;
  int s, i, j;  // i < j
};

// The target over all fabric endpoints, by fabric index.
Result<std::vector<std::vector<int>>> target_links(const Fabric& fabric, const LogicalTopology& t) {
  const std::size_t n = fabric.endpoints.size();
  const std::size_t m = t.endpoints.size();
  if (t.links.size() != m)
    return unexpected(invalid("INVALID_TOPOLOGY", "links needs one row per endpoint"));
  std::vector<int> ids;
  std::set<std::string> seen;
  for (const auto& name : t.endpoints) {
    auto id = fabric.find_endpoint(name);
    if (!id) return unexpected(invalid("UNKNOWN_ENDPOINT", "no endpoint named '" + name + "'"));
    if (!seen.insert(name).second)
      return unexpected(invalid("DUPLICATE_ENDPOINT", "endpoint '" + name + "' is listed twice"));
    ids.push_back(static_cast<int>(id->value()));
  }
  std::vector<std::vector<int>> x(n, std::vector<int>(n, 0));
  for (std::size_t a = 0; a < m; ++a) {
    if (t.links[a].size() != m)
      return unexpected(invalid(
          "INVALID_TOPOLOGY", "links row " + std::to_string(a) + " needs one column per endpoint"));
    for (std::size_t b = 0; b < m; ++b) {
      const int v = t.links[a][b];
      if (v < 0 || v != t.links[b][a] || (a == b && v != 0))
        return unexpected(invalid("INVALID_TOPOLOGY",
                                  "links must be non-negative, symmetric, with a zero diagonal"));
      x[ids[a]][ids[b]] = v;
    }
  }
  return x;
}

// Existing endpoint-to-endpoint links; anything else on the MEMS switches
// (a port without an endpoint fiber, an endpoint joined to itself) is foreign
// and goes, since the plan is the switches' whole desired state.
Result<std::vector<ExistingLink>> classify(const Fabric& fabric, const PortBudget& budget,
                                           const std::vector<CrossConnect>& current, int& foreign) {
  std::vector<ExistingLink> links;
  std::set<std::pair<std::uint32_t, int>> used;
  foreign = 0;
  for (const auto& xc : current) {
    const auto s = xc.optical_switch.value();
    if (!xc.optical_switch.valid() || s >= fabric.optical_switches.size())
      return unexpected(invalid("INVALID_CROSS_CONNECTS", "a cross-connect names no switch"));
    const auto& sw = fabric.optical_switches[s];
    const std::string where =
        sw.name + " " + std::to_string(xc.port_a) + "-" + std::to_string(xc.port_b);
    if (sw.kind != SwitchKind::kMems)
      return unexpected(invalid("INVALID_CROSS_CONNECTS", where + ": not a MEMS switch"));
    if (xc.port_a < 0 || xc.port_b < 0 || xc.port_a >= sw.port_count ||
        xc.port_b >= sw.port_count || xc.port_a == xc.port_b)
      return unexpected(invalid("INVALID_CROSS_CONNECTS", where + ": bad port"));
    if (!used.insert({s, xc.port_a}).second || !used.insert({s, xc.port_b}).second)
      return unexpected(invalid("INVALID_CROSS_CONNECTS", where + ": a port is used twice"));
    const int i = budget.owner[s][xc.port_a], j = budget.owner[s][xc.port_b];
    if (i < 0 || j < 0 || i == j) {
      ++foreign;
      continue;
    }
    links.push_back({xc, static_cast<int>(s), std::min(i, j), std::max(i, j)});
  }
  return links;
}

// Turns per-switch link counts into concrete port pairs, reusing existing
// cross-connects of the same pair on the same switch first.
std::vector<PlacedLink> concretize(const PortBudget& budget, const detail::LinkPlacer& placer,
                                   const std::vector<ExistingLink>& existing) {
  const int n = placer.endpoints(), S = placer.switches();
  std::map<std::tuple<int, int, int>, std::vector<CrossConnect>> by_pair;
  for (const auto& e : existing) by_pair[{e.s, e.i, e.j}].push_back(e.cross_connect);
  std::vector<PlacedLink> out;
  auto place = [&](const CrossConnect& xc, int s) {
    out.push_back(
        {xc, EndpointId(budget.owner[s][xc.port_a]), EndpointId(budget.owner[s][xc.port_b])});
  };
  for (int s = 0; s < S; ++s) {
    std::vector<char> used(budget.owner[s].size(), 0);
    std::vector<std::tuple<int, int, int>> missing;  // i, j, count
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j) {
        int want = placer.kept(s, i, j) + placer.fresh(s, i, j);
        if (want == 0) continue;
        if (auto it = by_pair.find({s, i, j}); it != by_pair.end())
          for (const auto& xc : it->second) {
            if (want == 0) break;
            used[xc.port_a] = used[xc.port_b] = 1;
            place(xc, s);
            --want;
          }
        if (want > 0) missing.emplace_back(i, j, want);
      }
    std::vector<std::size_t> next(n, 0);  // cursor into each endpoint's ports at s
    auto take = [&](int e) {
      const auto& ports = budget.ports[e][s];
      while (next[e] < ports.size() && used[ports[next[e]]]) ++next[e];
      const int p = ports[next[e]];  // the placer kept usage within the budget
      used[p] = 1;
      return p;
    };
    for (auto [i, j, count] : missing)
      for (int k = 0; k < count; ++k) {
        const int p = take(i), q = take(j);
        place(CrossConnect::make(SwitchId(s), p, q), s);
      }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Which existing links go. A pair with more links today than in the target
// drops its surplus; when it has a choice of copies, drop first the copy whose
// switch the freed ports are wanted at: at each end, a partner the endpoint
// must gain links with has a free port there too, so the new link can take
// the freed ports without moving anything. Greedy, one copy at a time.
// Links already chosen (by single-switch walks) are dropped first.
std::vector<char> choose_drops(const std::vector<ExistingLink>& existing,
                               const std::vector<std::vector<int>>& x,
                               const std::vector<std::vector<int>>& cur,
                               const std::vector<std::vector<int>>& capacity,
                               const std::vector<std::size_t>& chosen) {
  const int n = static_cast<int>(x.size());
  std::vector<char> drop(existing.size(), 0);
  std::vector<std::vector<int>> room = capacity;  // ports free once drops are made
  std::vector<std::vector<int>> surplus(n, std::vector<int>(n, 0));
  std::vector<std::vector<int>> partners(n);  // endpoints each must gain links with
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const int c = cur[std::min(i, j)][std::max(i, j)];  // cur is filled for i < j
      surplus[i][j] = std::max(0, c - x[i][j]);
      if (i != j && x[i][j] > c) partners[i].push_back(j);
    }
  for (const auto& e : existing) --room[e.i][e.s], --room[e.j][e.s];
  std::vector<std::size_t> choices;
  auto release = [&](std::size_t k) {
    const auto& e = existing[k];
    drop[k] = 1;
    ++room[e.i][e.s], ++room[e.j][e.s];
    --surplus[e.i][e.j], --surplus[e.j][e.i];
  };
  for (std::size_t k : chosen) release(k);
  for (std::size_t k = 0; k < existing.size(); ++k) {
    const auto& e = existing[k];
    if (drop[k]) continue;
    if (x[e.i][e.j] == 0)
      release(k);  // every copy goes: no choice
    else if (surplus[e.i][e.j] > 0)
      choices.push_back(k);
  }
  auto helps = [&](int v, int s) {
    int h = 0;
    for (int k : partners[v]) h += room[k][s] > 0 ? 1 : 0;
    return h;
  };
  for (;;) {
    std::size_t best = existing.size();
    int best_score = -1;
    for (std::size_t k : choices) {
      const auto& e = existing[k];
      if (drop[k] || surplus[e.i][e.j] == 0) continue;
      const int score = std::min(helps(e.i, e.s), 1) + std::min(helps(e.j, e.s), 1);
      if (score > best_score) best = k, best_score = score;
    }
    if (best == existing.size()) break;
    release(best);
  }
  return drop;
}

// The LP's plan rounded, as the doc's experiment with an LP solver did: a
// copy goes when the LP removes it at 0.5 or more (the k-th copy of a pair on
// a switch, from 0, when the LP keeps at most k + 0.5 there), and a link is
// added on a switch first for every 0.5 or more the LP adds there. The
// surplus the LP keeps is left to choose_drops, the links it does not place
// to greedy placement and repair.
struct LpStart {
  std::vector<std::size_t> dropped;  // indexes into `existing`
  std::vector<detail::SwitchLink> added;
};
LpStart rounded_lp_plan(const std::vector<ExistingLink>& existing,
                        const std::vector<double>& lp_plan, int n, int S) {
  auto share = [&](int s, int i, int j) {
    return lp_plan[(static_cast<std::size_t>(i) * n + j) * S + s];
  };
  LpStart out;
  std::map<std::tuple<int, int, int>, int> today;  // (i, j, s): copies seen so far
  for (std::size_t k = 0; k < existing.size(); ++k) {
    const auto& e = existing[k];
    int& before = today[{e.i, e.j, e.s}];
    if (share(e.s, e.i, e.j) <= before + 0.5) out.dropped.push_back(k);
    ++before;
  }
  // The averaged plan overfills some ports, so additions compete for them:
  // the surest (most of a link added) go first. In pair order instead,
  // tpuv4-pod ended at 816, 872, 820 instead of 792, 828, 814.
  std::vector<std::pair<double, detail::SwitchLink>> added;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      for (int s = 0; s < S; ++s) {
        const auto it = today.find({i, j, s});
        const int g = it == today.end() ? 0 : it->second;
        for (int a = g; share(s, i, j) >= a + 0.5; ++a)
          added.push_back({share(s, i, j) - a, {s, i, j}});
      }
  std::stable_sort(added.begin(), added.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [sure, link] : added) out.added.push_back(link);
  return out;
}

}  // namespace

Result<EngineeringPlan> engineer(const Fabric& fabric, const LogicalTopology& target,
                                 const std::vector<CrossConnect>& current,
                                 const PlacementOptions& options) {
  auto x = target_links(fabric, target);
  if (!x) return unexpected(x.error());
  const PortBudget budget = port_budget(fabric);
  int foreign = 0;
  auto existing = classify(fabric, budget, current, foreign);
  if (!existing) return unexpected(existing.error());
  const int n = static_cast<int>(fabric.endpoints.size());
  const int S = static_cast<int>(fabric.optical_switches.size());

  std::vector<std::vector<int>> capacity(n, std::vector<int>(S, 0));
  for (int i = 0; i < n; ++i)
    for (int s = 0; s < S; ++s) capacity[i][s] = budget.budget(i, s);

  std::vector<std::vector<int>> cur(n, std::vector<int>(n, 0));
  for (const auto& e : *existing) ++cur[e.i][e.j];
  EngineeringPlan plan;
  plan.topology = target;
  plan.pair_bound_changes = foreign;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j) plan.pair_bound_changes += std::abs((*x)[i][j] - cur[i][j]);
  plan.lower_bound_changes = plan.pair_bound_changes;

  // The LP bound's prices, and with them an estimate of the LP's plan, which
  // gives the planner a second start. From scratch every link is an addition
  // wherever it goes: the pair bound is exact and there is nothing to guide.
  double dual = 0;
  std::vector<double> lp_plan;
  const bool priced = !existing->empty() && options.bound_iterations > 0;
  if (priced) {
    detail::ChangeBoundInput in{&*x, &capacity, {}};
    for (const auto& e : *existing) in.current.push_back({e.s, e.i, e.j});
    dual = detail::lagrangian_change_bound(in, options.bound_iterations, &lp_plan);
  }

  // A start: the copies in `chosen` go (then choose_drops picks the rest of
  // the surplus), the links in `first` take their switch if it has room, the
  // rest are placed by greedy, fresh chains and repair, then move_back.
  auto start = [&](const std::vector<std::size_t>& chosen,
                   const std::vector<detail::SwitchLink>& first,
                   std::vector<std::pair<int, int>>& left) {
    detail::LinkPlacer placer(capacity);
    const std::vector<char> dropped = choose_drops(*existing, *x, cur, capacity, chosen);
    std::vector<std::vector<int>> need = *x;
    for (std::size_t k = 0; k < existing->size(); ++k) {
      const auto& e = (*existing)[k];
      if (!dropped[k] && need[e.i][e.j] > 0 && placer.keep(e.s, e.i, e.j)) {
        --need[e.i][e.j];
        --need[e.j][e.i];
      } else {
        placer.note_dropped(e.s, e.i, e.j);
      }
    }
    for (const auto& l : first)
      if (need[l.i][l.j] > 0 && placer.place_at(l.s, l.i, l.j)) --need[l.i][l.j], --need[l.j][l.i];
    // Round-robin over pairs, so that no pair's copies crowd out the others
    // among equally constrained links.
    int rounds = 0;
    for (const auto& row : need)
      for (int v : row) rounds = std::max(rounds, v);
    std::vector<std::pair<int, int>> fresh;
    for (int r = 0; r < rounds; ++r)
      for (int i = 0; i < n; ++i)
        for (int j = i + 1; j < n; ++j)
          if (need[i][j] > r) fresh.emplace_back(i, j);
    left = placer.place_all(fresh);
    placer.move_back();
    return placer;
  };

  // The first start: single-switch walks choose copies and place their
  // additions on the walk's switch.
  std::vector<detail::SwitchLink> links;
  std::vector<std::vector<int>> cur_both(n, std::vector<int>(n, 0));
  for (const auto& e : *existing) {
    links.push_back({e.s, e.i, e.j});
    ++cur_both[e.i][e.j], ++cur_both[e.j][e.i];
  }
  const auto cycles = detail::single_switch_cycles(links, *x, cur_both, S, kMaxCycleLinks);
  std::vector<std::pair<int, int>> left;
  detail::LinkPlacer placer = start(cycles.dropped, cycles.added, left);
  // The second, from the LP's plan rounded. The improvement phase searches
  // from the start that changes less; a start costs about 20 ms on tpuv4-pod,
  // far less than improving both.
  if (!lp_plan.empty()) {
    const LpStart lp = rounded_lp_plan(*existing, lp_plan, n, S);
    std::vector<std::pair<int, int>> lp_left;
    detail::LinkPlacer lp_placer = start(lp.dropped, lp.added, lp_left);
    if (lp_left.size() < left.size() ||
        (lp_left.size() == left.size() && lp_placer.deviation() < placer.deviation())) {
      placer = std::move(lp_placer);
      left = std::move(lp_left);
    }
  }
  std::map<std::pair<int, int>, int> unplaced;
  for (auto link : left) ++unplaced[link];
  for (auto [pair, count] : unplaced) {
    plan.unplaced.push_back(
        {fabric.endpoints[pair.first].name, fabric.endpoints[pair.second].name, count});
    plan.unplaced_links += count;
  }
  if (!existing->empty() && options.improve_rounds > 0)
    placer.improve(options.improve_rounds, options.improve_work, options.seed);
  plan.moved_links = placer.moved_kept();
  // The LP bound holds only for plans that place every link.
  if (priced && plan.unplaced_links == 0)
    plan.lower_bound_changes =
        foreign + detail::round_change_bound(dual, plan.pair_bound_changes - foreign);

  plan.cross_connects = concretize(budget, placer, *existing);
  std::vector<CrossConnect> final_set, now = current;
  for (const auto& l : plan.cross_connects) final_set.push_back(l.cross_connect);
  std::sort(final_set.begin(), final_set.end());
  std::sort(now.begin(), now.end());
  std::set_difference(now.begin(), now.end(), final_set.begin(), final_set.end(),
                      std::back_inserter(plan.removed));
  std::set_difference(final_set.begin(), final_set.end(), now.begin(), now.end(),
                      std::back_inserter(plan.added));
  return plan;
}

}  // namespace lightpath::solver
