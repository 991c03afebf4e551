#pragma once
// Which answered requests the controller keeps in memory. A request whose
// circuits are all released is kept a while, so that a scheduler retrying it
// gets its answer at once; past `keep` such requests the oldest are dropped,
// and only an 8-byte hash of each dropped id stays, so that a late retry is
// looked up in the store instead of being taken for a new request. Memory
// per dropped request: 8 bytes, against about 900 for the record.

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

namespace lightpath::core {

class RequestMemory {
 public:
  explicit RequestMemory(std::size_t keep) : keep_(keep) {}

  // `id` has no live circuit left. Returns the ids to drop from memory now.
  std::vector<std::string> finished(const std::string& id) {
    finished_.push_back(id);
    std::vector<std::string> drop;
    while (finished_.size() > keep_) {
      drop.push_back(std::move(finished_.front()));
      finished_.pop_front();
      remember(drop.back());
    }
    return drop;
  }

  // True when `id` (or an id with the same hash) was dropped: look in the store.
  bool maybe_dropped(const std::string& id) const {
    const std::uint64_t h = hash(id);
    return recent_.count(h) > 0 || std::binary_search(sorted_.begin(), sorted_.end(), h);
  }

 private:
  static std::uint64_t hash(const std::string& id) { return std::hash<std::string>{}(id); }

  void remember(const std::string& id) {
    recent_.insert(hash(id));
    // The recent set is merged into the sorted vector in batches, so a
    // dropped id costs 8 bytes for good and lookups stay logarithmic.
    if (recent_.size() < 4096) return;
    sorted_.insert(sorted_.end(), recent_.begin(), recent_.end());
    std::sort(sorted_.begin(), sorted_.end());
    sorted_.erase(std::unique(sorted_.begin(), sorted_.end()), sorted_.end());
    recent_.clear();
  }

  std::size_t keep_;
  std::deque<std::string> finished_;  // oldest first
  std::unordered_set<std::uint64_t> recent_;
  std::vector<std::uint64_t> sorted_;
};

}  // namespace lightpath::core
