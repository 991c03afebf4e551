#pragma once
// What is allocated in a fabric: the circuits, and indexes of the resources
// they hold (cross-connect ports, per-fiber wavelengths) so the solver can ask
// "is this free?" in constant time. A value type: the solver works on copies.

#include <algorithm>
#include <bitset>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "controller/solver/cross_connect.h"
#include "lightpath/fabric.h"
#include "lightpath/result.h"

namespace lightpath::solver {

inline constexpr int kMaxWavelengths = 128;
using WavelengthSet = std::bitset<kMaxWavelengths>;

// One pass through an optical switch, in path order from end a to end b.
struct Hop {
  SwitchId optical_switch;
  int in_port = 0;
  int out_port = 0;
  bool operator==(const Hop&) const = default;
};

struct Circuit {
  CircuitId id;
  std::string request_id;
  int priority = 0;
  EndpointPortId a;
  EndpointPortId b;
  std::vector<Hop> hops;
  // The same channels on every fiber of the path: there are no converters.
  std::vector<int> wavelengths;
  DataRate bandwidth;
  // Constraints the circuit was admitted under, kept so a checker can re-verify.
  std::optional<Duration> latency_max;
  Decibels min_margin;
};

class AllocationState {
 public:
  explicit AllocationState(const Fabric& fabric);

  const Fabric& fabric() const { return *fabric_; }
  const std::map<CircuitId, Circuit>& circuits() const { return circuits_; }
  const Circuit* find(CircuitId id) const;

  // The port a MEMS port is cross-connected to, if any. A free port out of
  // service reports itself, so the search never takes it.
  // Inline: the path search asks this for every port it looks at.
  std::optional<int> mems_peer(SwitchId sw, int port) const {
    const int p = mems_peer_[sw.value()][static_cast<std::size_t>(port)];
    if (p < 0) return out_of_service(sw, port) ? std::optional<int>(port) : std::nullopt;
    return p;
  }
  // Whether a WSS port has `wavelength` switched somewhere (or is out of service).
  bool wss_busy(SwitchId sw, int port, int wavelength) const;

  // Ports that lost light, and switches that are down, are offered to no
  // new circuit until they recover. Circuits already on them stay recorded.
  // `port` -1 means the whole switch.
  void set_out_of_service(SwitchId sw, int port, bool out);
  bool out_of_service(SwitchId sw, int port) const {
    return switch_out_[sw.value()] || port_out_[sw.value()][static_cast<std::size_t>(port)];
  }
  const WavelengthSet& fiber_used(FiberId f) const { return fiber_used_[f.value()]; }
  // Ports of the switch in some cross-connect, for balancing load.
  int ports_in_use(SwitchId sw) const { return ports_in_use_[sw.value()]; }

  // Whether some circuit has a priority below `priority` (cheap: counted).
  bool has_priority_below(int priority) const {
    return !by_priority_.empty() && by_priority_.begin()->first < priority;
  }

  // Every cross-connect the circuits need, each once.
  std::vector<CrossConnect> cross_connects() const;

  // Adds a circuit whose resources are free (or shared compatibly: circuits
  // on one MEMS path share its cross-connects). Fails naming the conflict.
  Result<CircuitId> add(Circuit circuit);
  void remove(CircuitId id);
  CircuitId next_id() const { return CircuitId(next_id_); }
  // Never hand out ids below `next`: ids of released circuits stay retired.
  void reserve_ids_below(CircuitId next) { next_id_ = std::max(next_id_, next.value()); }
  // Hands out again, from `next`, the ids of circuits added and removed
  // since next_id() was `next` (a rejected request's trial circuits), so
  // that rejections, which a scheduler may retry for days, use up no ids.
  void reuse_ids_from(CircuitId next);

 private:
  const Fabric* fabric_;
  std::map<CircuitId, Circuit> circuits_;
  std::uint32_t next_id_ = 1;
  std::vector<std::vector<int>> mems_peer_;  // per switch, per port: peer or -1
  std::vector<std::vector<int>> mems_refs_;  // circuits using that cross-connect
  std::vector<int> ports_in_use_;
  std::vector<WavelengthSet> fiber_used_;
  std::unordered_map<std::uint64_t, int> wss_peer_;  // (switch, port, wavelength) -> peer
  std::map<int, int> by_priority_;                   // circuits per priority
  std::vector<std::vector<char>> port_out_;          // per switch, per port
  std::vector<char> switch_out_;                     // per switch
};

// The fibers a circuit runs over, from end a to end b.
std::vector<FiberId> circuit_fibers(const Fabric& fabric, const Circuit& c);

}  // namespace lightpath::solver
