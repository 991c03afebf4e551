// Rewiring that stays on one switch: closed walks alternating removals and
// additions, every removal on the walk's switch, cost exactly the pair-count
// bound (docs/topology-engineering.md, step 2).
#include "controller/solver/alternating_cycles.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "tests/engineering/engineering_test_util.h"

namespace lightpath::solver {
namespace {

using detail::SwitchLink;

std::vector<std::vector<int>> counts(int n, const std::vector<SwitchLink>& links) {
  std::vector<std::vector<int>> c(n, std::vector<int>(n, 0));
  for (const auto& l : links) ++c[l.i][l.j], ++c[l.j][l.i];
  return c;
}

void rewire(std::vector<std::vector<int>>& x, int a, int b, int delta) {
  x[a][b] += delta, x[b][a] += delta;
}

TEST_CASE("walks join removals of different rewirings on one switch") {
  // Switch 0 holds (0,1), (2,3), (4,5); the target swaps them round into
  // (1,2), (3,4), (5,0): no two of the removals form a swap on their own.
  const std::vector<SwitchLink> existing = {{0, 0, 1}, {0, 2, 3}, {0, 4, 5}, {1, 0, 2}};
  const auto current = counts(6, existing);
  auto x = current;
  for (auto [a, b] : {std::pair(0, 1), std::pair(2, 3), std::pair(4, 5)}) rewire(x, a, b, -1);
  for (auto [a, b] : {std::pair(1, 2), std::pair(3, 4), std::pair(0, 5)}) rewire(x, a, b, 1);
  const auto walks = detail::single_switch_cycles(existing, x, current, 2, 8);
  auto dropped = walks.dropped;
  std::sort(dropped.begin(), dropped.end());
  CHECK(dropped == std::vector<std::size_t>{0, 1, 2});
  REQUIRE(walks.added.size() == 3);
  for (const auto& l : walks.added) CHECK(l.s == 0);
}

TEST_CASE("no walk when the removals lie on different switches") {
  const std::vector<SwitchLink> existing = {{0, 0, 1}, {1, 2, 3}};
  const auto current = counts(4, existing);
  auto x = current;
  rewire(x, 0, 1, -1), rewire(x, 2, 3, -1), rewire(x, 0, 2, 1), rewire(x, 1, 3, 1);
  const auto walks = detail::single_switch_cycles(existing, x, current, 2, 8);
  CHECK(walks.dropped.empty());
  CHECK(walks.added.empty());
  CHECK(detail::single_switch_cycles(existing, x, current, 2, 2).added.empty());
}

struct Pod {
  LogicalTopology topology;
  std::vector<PlacedLink> links;
  std::vector<CrossConnect> cross_connects;
};

const Pod& pod() {
  static const Pod p = [] {
    const auto& f = testing::shipped_fabric("tpuv4-pod.yaml");
    auto t = logical_topology(f, testing::uniform_matrix(f, 100), {});
    auto plan = engineer(f, *t, {});
    return Pod{*t, plan->cross_connects, testing::cross_connects_of(*plan)};
  }();
  return p;
}

// `count` links on one switch, of pairs with a single link, no endpoint twice.
std::vector<std::pair<int, int>> single_links_on_one_switch(std::size_t count) {
  const auto& p = pod();
  std::map<std::uint32_t, std::vector<std::pair<int, int>>> by_switch;
  for (const auto& l : p.links) {
    const int a = static_cast<int>(l.endpoint_a.value()),
              b = static_cast<int>(l.endpoint_b.value());
    if (p.topology.links[a][b] != 1) continue;
    auto& chosen = by_switch[l.cross_connect.optical_switch.value()];
    const bool seen = std::any_of(chosen.begin(), chosen.end(), [&](auto e) {
      return e.first == a || e.first == b || e.second == a || e.second == b;
    });
    if (!seen && chosen.size() < count) chosen.emplace_back(a, b);
    if (chosen.size() == count) return chosen;
  }
  return {};
}

TEST_CASE("an isolated swap whose two removed links share a switch costs exactly 4") {
  const auto& f = testing::shipped_fabric("tpuv4-pod.yaml");
  const auto chosen = single_links_on_one_switch(2);
  REQUIRE(chosen.size() == 2);
  const auto [a, b] = chosen[0];
  const auto [c, d] = chosen[1];
  auto target = pod().topology;
  rewire(target.links, a, b, -1), rewire(target.links, c, d, -1);
  rewire(target.links, a, c, 1), rewire(target.links, b, d, 1);
  auto plan = engineer(f, target, pod().cross_connects);
  REQUIRE(plan.has_value());
  CHECK(plan->lower_bound_changes == 4);
  CHECK(plan->changes() == 4);
  CHECK(plan->moved_links == 0);
  CHECK(check_engineering_plan(f, *plan).empty());
}

TEST_CASE("three rewirings that share a switch only as one walk reach the bound") {
  const auto& f = testing::shipped_fabric("tpuv4-pod.yaml");
  const auto chosen = single_links_on_one_switch(3);
  REQUIRE(chosen.size() == 3);
  auto target = pod().topology;
  for (auto [u, v] : chosen) rewire(target.links, u, v, -1);
  for (int k = 0; k < 3; ++k) rewire(target.links, chosen[k].second, chosen[(k + 1) % 3].first, 1);
  auto plan = engineer(f, target, pod().cross_connects);
  REQUIRE(plan.has_value());
  CHECK(plan->lower_bound_changes == 6);
  CHECK(plan->changes() == 6);
  CHECK(check_engineering_plan(f, *plan).empty());
  CHECK(check_plan_changes(pod().cross_connects, *plan).empty());
}

}  // namespace
}  // namespace lightpath::solver
