#include "simulator/netmodel/max_min.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <tuple>

namespace lightpath::netmodel {

std::vector<double> max_min_rates(const std::vector<double>& capacity,
                                  const std::vector<FlowPath>& flows) {
  std::vector<double> rate(flows.size(), 0.0);
  std::vector<bool> frozen(flows.size(), false);
  // Only links some flow crosses take part; `used` lists them once each.
  std::vector<std::vector<std::uint32_t>> on_link(capacity.size());
  std::vector<std::uint32_t> used;
  for (std::uint32_t f = 0; f < flows.size(); ++f) {
    for (const std::uint32_t l : flows[f].links) {
      if (on_link[l].empty()) used.push_back(l);
      on_link[l].push_back(f);
    }
  }
  std::vector<double> left(capacity.size(), 0.0);
  std::vector<int> rising(capacity.size(), 0);  // flows on the link not yet frozen
  std::vector<std::uint32_t> version(capacity.size(), 0);
  // A link's fair share (left / rising) never falls while filling: flows are
  // frozen at the smallest share, at most this link's. So a heap with stale
  // entries skipped by version finds the next full link.
  using Entry = std::tuple<double, std::uint32_t, std::uint32_t>;  // share, link, version
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
  for (const std::uint32_t l : used) {
    left[l] = capacity[l];
    rising[l] = static_cast<int>(on_link[l].size());
    heap.push({left[l] / rising[l], l, 0});
  }
  while (!heap.empty()) {
    const auto [share, l, v] = heap.top();
    heap.pop();
    if (v != version[l] || rising[l] == 0) continue;
    for (const std::uint32_t f : on_link[l]) {
      if (frozen[f]) continue;
      frozen[f] = true;
      rate[f] = share;
      for (const std::uint32_t m : flows[f].links) {
        left[m] = std::max(0.0, left[m] - share);
        --rising[m];
        ++version[m];
        if (m != l && rising[m] > 0) heap.push({left[m] / rising[m], m, version[m]});
      }
    }
  }
  return rate;
}

}  // namespace lightpath::netmodel
