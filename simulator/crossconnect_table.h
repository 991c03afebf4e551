#pragma once
// Which port of one switch is joined to which, and the rules a batch must
// follow against it. Shared by the simulated switch and the fake driver so
// both reject bad batches with the same words.

#include <string>
#include <vector>

#include "lightpath/result.h"
#include "lightpath/southbound.h"

namespace lightpath::sim {

class CrossConnectTable {
 public:
  explicit CrossConnectTable(int port_count);

  int port_count() const { return static_cast<int>(peer_.size()); }
  // The port joined to `port`, or -1.
  int peer(int port) const { return peer_[static_cast<std::size_t>(port)]; }
  bool busy(int port) const { return busy_[static_cast<std::size_t>(port)]; }
  void set_busy(int port, bool busy) { busy_[static_cast<std::size_t>(port)] = busy; }

  // Checks `batch` against the current state. On success returns the ports
  // whose mirror the batch moves, ascending. On failure the error is
  // kInvalidBatch and the message names the first offending port and why.
  Result<std::vector<int>> check(const southbound::Batch& batch) const;

  // Unchecked: the caller has validated the operation.
  void connect(int a, int b);
  void disconnect(int a, int b);

  // Every cross-connect, normalized and sorted.
  std::vector<southbound::CrossConnect> list() const;

 private:
  std::vector<int> peer_;
  std::vector<bool> busy_;  // moving in a batch that has not settled
};

}  // namespace lightpath::sim
