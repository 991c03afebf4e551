#include "simulator/trace/placement.h"

namespace lightpath::trace {

Placer::Placer(const Fabric& fabric, const PlacementOptions& options) : topology_(fabric.name) {
  for (const auto& endpoint : fabric.endpoints) {
    for (const auto& group : endpoint.groups) {
      if (!options.port_group.empty() && group.name != options.port_group) continue;
      const int n = options.gpus_per_group > 0 ? options.gpus_per_group : group.count;
      for (int i = 0; i < n; ++i) slots_.push_back({endpoint.name, group.name});
    }
  }
}

Result<std::vector<Gpu>, std::string> Placer::take(int count) {
  if (count < 1) return unexpected(std::string("a job needs at least one GPU"));
  if (static_cast<std::size_t>(count) > free_slots()) {
    return unexpected("topology '" + topology_ + "' has room for " + std::to_string(capacity()) +
                      " GPUs (" + std::to_string(free_slots()) + " free), a job needs " +
                      std::to_string(count));
  }
  std::vector<Gpu> gpus;
  gpus.reserve(count);
  for (int i = 0; i < count; ++i) {
    const auto& slot = slots_[next_++];
    gpus.push_back({i, slot.endpoint, slot.port_group, 0});
  }
  return gpus;
}

}  // namespace lightpath::trace
