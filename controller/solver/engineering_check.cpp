// check_engineering_plan() and check_plan_changes(): independent checks of a
// plan, written without the planner's data structures so that they can catch
// its mistakes.
#include <algorithm>
#include <map>
#include <set>

#include "controller/solver/topology_engineering.h"

namespace lightpath::solver {
namespace {

std::string describe(const Fabric& fabric, const CrossConnect& xc) {
  const auto s = xc.optical_switch.value();
  const std::string name = s < fabric.optical_switches.size() ? fabric.optical_switches[s].name
                                                              : "switch#" + std::to_string(s);
  return name + " " + std::to_string(xc.port_a) + "-" + std::to_string(xc.port_b);
}

// The endpoint cabled to `port` of switch `s` by a single endpoint fiber, or -1.
int cabled_endpoint(const Fabric& fabric, std::uint32_t s, int port) {
  const auto fid = fabric.optical_switches[s].port_fiber[port];
  if (!fid.valid()) return -1;
  const Fiber& f = fabric.fiber(fid);
  const FiberEnd& other =
      (!f.a.is_endpoint() && f.a.optical_switch.value() == s && f.a.port == port) ? f.b : f.a;
  if (!other.is_endpoint()) return -1;
  return static_cast<int>(fabric.port(other.endpoint_port).endpoint.value());
}

}  // namespace

std::vector<std::string> check_engineering_plan(const Fabric& fabric, const EngineeringPlan& plan) {
  std::vector<std::string> v;
  const std::size_t n = fabric.endpoints.size();
  const auto& t = plan.topology;
  // The topology itself: known endpoints, a symmetric matrix, zero diagonal.
  std::vector<int> ids;
  for (const auto& name : t.endpoints) {
    auto id = fabric.find_endpoint(name);
    if (!id) v.push_back("topology names unknown endpoint '" + name + "'");
    ids.push_back(id ? static_cast<int>(id->value()) : -1);
  }
  if (std::set<std::string>(t.endpoints.begin(), t.endpoints.end()).size() != t.endpoints.size())
    v.push_back("topology lists an endpoint twice");
  std::map<std::pair<int, int>, int> want;
  const std::size_t m = t.endpoints.size();
  bool square = t.links.size() == m;
  for (const auto& row : t.links) square = square && row.size() == m;
  if (!square) {
    v.push_back("topology links are not a square matrix over its endpoints");
  } else {
    for (std::size_t a = 0; a < m; ++a)
      for (std::size_t b = 0; b < m; ++b) {
        if (t.links[a][b] != t.links[b][a] || t.links[a][b] < 0 || (a == b && t.links[a][b] != 0))
          v.push_back("topology links are not symmetric, non-negative with a zero diagonal at " +
                      t.endpoints[a] + "/" + t.endpoints[b]);
        else if (a < b && t.links[a][b] > 0 && ids[a] >= 0 && ids[b] >= 0)
          want[{std::min(ids[a], ids[b]), std::max(ids[a], ids[b])}] = t.links[a][b];
      }
  }

  // Every cross-connect: a real MEMS port pair, each port once, each cabled
  // to the endpoint the plan claims, within each endpoint's ports per switch.
  std::set<std::pair<std::uint32_t, int>> used;
  std::map<std::pair<int, std::uint32_t>, int> per_switch;  // (endpoint, switch) -> ports used
  std::map<std::pair<int, int>, int> have;
  for (const auto& l : plan.cross_connects) {
    const auto& xc = l.cross_connect;
    const auto s = xc.optical_switch.value();
    const std::string what = describe(fabric, xc);
    if (!xc.optical_switch.valid() || s >= fabric.optical_switches.size()) {
      v.push_back(what + ": no such switch");
      continue;
    }
    const auto& sw = fabric.optical_switches[s];
    if (sw.kind != SwitchKind::kMems) v.push_back(what + ": not a MEMS switch");
    if (xc.wavelength != kAllWavelengths)
      v.push_back(what + ": a MEMS cross-connect has no wavelength");
    bool ports_ok = true;
    for (int p : {xc.port_a, xc.port_b})
      if (p < 0 || p >= sw.port_count) {
        v.push_back(what + ": port " + std::to_string(p) + " out of range");
        ports_ok = false;
      }
    if (!ports_ok) continue;
    if (xc.port_a == xc.port_b) v.push_back(what + ": joins a port to itself");
    for (int p : {xc.port_a, xc.port_b})
      if (!used.insert({s, p}).second)
        v.push_back(what + ": port " + std::to_string(p) + " is in two cross-connects");
    const int ea = static_cast<int>(l.endpoint_a.value()),
              eb = static_cast<int>(l.endpoint_b.value());
    const int ca = cabled_endpoint(fabric, s, xc.port_a),
              cb = cabled_endpoint(fabric, s, xc.port_b);
    if (!l.endpoint_a.valid() || static_cast<std::size_t>(ea) >= n || ca != ea)
      v.push_back(what + ": port " + std::to_string(xc.port_a) +
                  " is not cabled to the endpoint claimed");
    if (!l.endpoint_b.valid() || static_cast<std::size_t>(eb) >= n || cb != eb)
      v.push_back(what + ": port " + std::to_string(xc.port_b) +
                  " is not cabled to the endpoint claimed");
    if (ca < 0 || cb < 0) continue;
    if (ca == cb)
      v.push_back(what + ": joins endpoint " + fabric.endpoints[ca].name + " to itself");
    for (int e : {ca, cb}) ++per_switch[{e, s}];
    ++have[{std::min(ca, cb), std::max(ca, cb)}];
  }
  const PortBudget budget = port_budget(fabric);
  for (auto [key, count] : per_switch)
    if (count > budget.budget(key.first, key.second))
      v.push_back(fabric.endpoints[key.first].name + " uses " + std::to_string(count) +
                  " ports at " + fabric.optical_switches[key.second].name + ", budget " +
                  std::to_string(budget.budget(key.first, key.second)));

  // Realization: placed + unplaced = target, pair by pair.
  int unplaced_total = 0;
  for (const auto& u : plan.unplaced) {
    auto a = fabric.find_endpoint(u.endpoint_a), b = fabric.find_endpoint(u.endpoint_b);
    if (!a || !b) {
      v.push_back("unplaced link names an unknown endpoint");
      continue;
    }
    const int i = static_cast<int>(a->value()), j = static_cast<int>(b->value());
    have[{std::min(i, j), std::max(i, j)}] += u.count;
    unplaced_total += u.count;
  }
  if (unplaced_total != plan.unplaced_links)
    v.push_back("unplaced_links is " + std::to_string(plan.unplaced_links) + " but " +
                std::to_string(unplaced_total) + " are listed");
  std::set<std::pair<int, int>> pairs;
  for (const auto& [k, c] : want) pairs.insert(k);
  for (const auto& [k, c] : have) pairs.insert(k);
  for (const auto& k : pairs) {
    const int w = want.count(k) ? want.at(k) : 0, h = have.count(k) ? have.at(k) : 0;
    if (w != h)
      v.push_back("pair " + fabric.endpoints[k.first].name + "/" + fabric.endpoints[k.second].name +
                  ": topology wants " + std::to_string(w) + " links, plan has " +
                  std::to_string(h));
  }
  return v;
}

std::vector<std::string> check_plan_changes(const std::vector<CrossConnect>& current,
                                            const EngineeringPlan& plan) {
  std::vector<std::string> v;
  std::multiset<CrossConnect> state(current.begin(), current.end());
  for (const auto& r : plan.removed) {
    auto it = state.find(r);
    if (it == state.end())
      v.push_back("removes a cross-connect that does not exist");
    else
      state.erase(it);
  }
  for (const auto& a : plan.added) {
    if (state.count(a)) v.push_back("adds a cross-connect that already exists");
    state.insert(a);
  }
  std::multiset<CrossConnect> want;
  for (const auto& l : plan.cross_connects) want.insert(l.cross_connect);
  if (state != want)
    v.push_back("current - removed + added differs from the planned cross-connects");
  return v;
}

}  // namespace lightpath::solver
