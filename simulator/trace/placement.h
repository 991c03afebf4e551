#pragma once
// Places a job's GPUs on a fabric: endpoints in topology order, each
// endpoint's port groups in order, a fixed number of GPUs per port group
// (by default one per optical port, i.e. one NIC port per GPU). Jobs placed
// one after another never share a slot.

#include <string>
#include <vector>

#include "lightpath/fabric.h"
#include "lightpath/result.h"
#include "simulator/trace/trace.h"

namespace lightpath::trace {

struct PlacementOptions {
  std::string port_group;  // use only port groups of this name; empty for all
  int gpus_per_group = 0;  // 0: as many as the group has ports
};

class Placer {
 public:
  Placer(const Fabric& fabric, const PlacementOptions& options);

  std::size_t capacity() const { return slots_.size(); }
  std::size_t free_slots() const { return slots_.size() - next_; }
  const std::string& topology() const { return topology_; }

  // The next `count` slots as GPUs 0..count-1 of a job; an error sentence
  // when the fabric has fewer free slots.
  Result<std::vector<Gpu>, std::string> take(int count);

 private:
  struct Slot {
    std::string endpoint;
    std::string port_group;
  };
  std::string topology_;
  std::vector<Slot> slots_;
  std::size_t next_ = 0;
};

}  // namespace lightpath::trace
