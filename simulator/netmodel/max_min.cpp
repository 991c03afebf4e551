#include "simulator/netmodel/max_min.h"

#include <algorithm>

namespace lightpath::netmodel {
namespace {

// Min-heap order: smallest share first, then lowest link id.
bool later(const auto& a, const auto& b) {
  return a.share > b.share || (a.share == b.share && a.link > b.link) ||
         (a.share == b.share && a.link == b.link && a.version > b.version);
}

}  // namespace

std::vector<double> max_min_rates(const std::vector<double>& capacity,
                                  const std::vector<FlowPath>& flows) {
  std::vector<std::uint32_t> first{0};
  std::vector<std::uint32_t> links;
  for (const FlowPath& f : flows) {
    links.insert(links.end(), f.links.begin(), f.links.end());
    first.push_back(static_cast<std::uint32_t>(links.size()));
  }
  std::vector<double> rates;
  MaxMinSolver().solve(capacity, first, links, rates);
  return rates;
}

void MaxMinSolver::solve(std::span<const double> capacity, std::span<const std::uint32_t> first,
                         std::span<const std::uint32_t> links, std::vector<double>& rates) {
  const std::size_t flows = first.size() - 1;
  rates.assign(flows, 0.0);
  frozen_.assign(flows, 0);
  if (count_.size() < capacity.size()) {
    for (auto* v : {&count_, &offset_, &rising_, &version_, &round_}) v->resize(capacity.size(), 0);
    left_.resize(capacity.size(), 0.0);
  }
  // Only links some flow crosses take part; group the flows by link in flow
  // order (a counting sort), so each link's flows are a slice of on_link_.
  used_.clear();
  for (const std::uint32_t l : links) {
    if (count_[l]++ == 0) used_.push_back(l);
  }
  std::uint32_t at = 0;
  for (const std::uint32_t l : used_) {
    offset_[l] = at;
    rising_[l] = count_[l];
    at += count_[l];
  }
  on_link_.resize(links.size());
  for (std::uint32_t f = 0; f < flows; ++f) {
    for (std::uint32_t k = first[f]; k < first[f + 1]; ++k) on_link_[offset_[links[k]]++] = f;
  }
  // A link's fair share (left / rising) never falls while filling: flows are
  // frozen at the smallest share, at most this link's. So a heap with stale
  // entries skipped by version finds the next full link.
  heap_.clear();
  for (const std::uint32_t l : used_) {
    offset_[l] -= count_[l];
    left_[l] = capacity[l];
    version_[l] = 0;
    round_[l] = 0;
    heap_.push_back(Entry{left_[l] / rising_[l], l, 0});
  }
  const auto order = [](const Entry& a, const Entry& b) { return later(a, b); };
  std::make_heap(heap_.begin(), heap_.end(), order);
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), order);
    const Entry top = heap_.back();
    heap_.pop_back();
    const std::uint32_t l = top.link;
    if (top.version != version_[l] || rising_[l] == 0) continue;
    touched_.clear();
    for (std::uint32_t k = offset_[l]; k < offset_[l] + count_[l]; ++k) {
      const std::uint32_t f = on_link_[k];
      if (frozen_[f]) continue;
      frozen_[f] = 1;
      rates[f] = top.share;
      for (std::uint32_t j = first[f]; j < first[f + 1]; ++j) {
        const std::uint32_t m = links[j];
        left_[m] = std::max(0.0, left_[m] - top.share);
        --rising_[m];
        if (version_[m]++ == round_[m] && m != l) touched_.push_back(m);
      }
    }
    // Each link whose share moved goes back into the heap once, at its
    // share after the whole round (entries in between would be stale).
    round_[l] = version_[l];
    for (const std::uint32_t m : touched_) {
      round_[m] = version_[m];
      if (rising_[m] == 0) continue;
      heap_.push_back(Entry{left_[m] / rising_[m], m, version_[m]});
      std::push_heap(heap_.begin(), heap_.end(), order);
    }
  }
  // Leave the per-link arrays as they were found.
  for (const std::uint32_t l : used_) count_[l] = 0;
}

}  // namespace lightpath::netmodel
