#pragma once
// The links a flow can use, as the fluid model sees them (docs/network-model.md):
// every packet link of the fabric in each direction, circuits as dedicated
// pipes between two endpoints, and one local link per endpoint for transfers
// between GPUs that share it. A route is a list of directed link ids plus the
// fixed latency of the path.
//
// Rates are kept as bytes per nanosecond, which is numerically GB/s
// (10^9 bytes/s): the fluid arithmetic runs in doubles, time stays integer ns.

#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "lightpath/fabric.h"

namespace lightpath::netmodel {

// Bytes per nanosecond (= GB/s) of a DataRate in bits per second.
inline double bytes_per_ns(DataRate rate) {
  return static_cast<double>(rate.bits_per_second()) / 8e9;
}

enum class LinkKind : std::uint8_t { kPacket, kCircuit, kLocal };

struct Link {
  LinkKind kind = LinkKind::kPacket;
  double capacity = 0.0;     // bytes per ns
  TimePoint ready_at;        // a circuit carries nothing before it (switching time)
  std::uint32_t source = 0;  // index into Fabric::packet_links or the circuit list
  bool dead = false;         // a removed circuit: no new flow takes it, none stays on it
};

struct Route {
  std::vector<std::uint32_t> links;  // directed link ids, in path order
  Duration latency;                  // propagation and per-hop latency, paid once per flow
  bool uses_circuit = false;
};

struct Circuit {
  EndpointId a;
  EndpointId b;
  DataRate rate;  // per direction (a circuit's channels are full duplex)
  TimePoint ready_at;
  Duration latency;  // fiber propagation along the optical path
};

struct NetworkOptions {
  // GPUs on the same endpoint talk over its internal interconnect; the model
  // gives each endpoint one shared local link of this rate per GPU placed
  // there (each GPU brings its own NVLink-class ports: 300 GB/s here), and
  // of this rate once where no count is given.
  DataRate local_rate = DataRate::bps(2'400'000'000'000);
  std::vector<int> gpus_per_endpoint;  // by endpoint id; see local_gpus() in trace_runner.h
};

class Network {
 public:
  explicit Network(const Fabric& fabric, NetworkOptions options = {});

  // Adds a circuit; flows between its endpoints use it (or another circuit
  // on the same pair) instead of the packet fabric. Returns its index.
  std::size_t add_circuit(const Circuit& circuit);
  // Adds a circuit that is up now (a controller reported it ACTIVE). Such
  // circuits on one endpoint pair form one pipe whose rate is the sum of
  // theirs: traffic between two racks spreads over all the fibers joining
  // them, as over the members of a link aggregate. Call
  // FluidModel::reroute after adding or removing, so that the flows on the
  // pipe get the new rate. Returns its index, shared with add_circuit's.
  std::size_t add_live_circuit(EndpointId a, EndpointId b, DataRate rate, Duration latency);
  // Takes a circuit away (released, or its light lost): it carries nothing
  // from now; a pipe it shared keeps the others' rate, and links with no
  // circuit left go dead. FluidModel::reroute moves the flows off dead
  // links. Indexes of other circuits do not change.
  void remove_circuit(std::size_t index);
  bool circuit_up(std::size_t index) const { return up_[index]; }

  // The route a new flow from `from` to `to` takes: a circuit on the pair
  // if there is one (the one with the fewest flows at `load`, lowest index
  // on ties), else the lowest-latency packet path; nullopt when neither
  // exists. `load` gives the flows now on each link.
  std::optional<Route> route(EndpointId from, EndpointId to, const std::vector<int>& load) const;

  const std::vector<Link>& links() const { return links_; }
  const Link& link(std::uint32_t id) const { return links_[id]; }
  const std::vector<Circuit>& circuits() const { return circuits_; }
  const Fabric& fabric() const { return *fabric_; }

 private:
  std::optional<Route> packet_route(EndpointId from, EndpointId to) const;

  const Fabric* fabric_;
  std::vector<Link> links_;
  std::vector<Circuit> circuits_;
  // Circuits by (smaller, larger) endpoint id: (link a→b, link b→a, circuit) each.
  struct CircuitLinks {
    std::uint32_t forward;  // from the pair's smaller endpoint id
    std::uint32_t backward;
    std::size_t circuit;  // the first circuit of a pipe of live circuits
    bool pipe = false;
  };
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<CircuitLinks>> by_pair_;
  std::vector<std::uint32_t> local_link_;      // per endpoint
  std::vector<std::uint32_t> circuit_link_;    // per circuit: its a→b link (b→a is the next)
  std::vector<bool> up_;                       // per circuit
  std::map<std::uint32_t, int> pipe_members_;  // by a pipe's first link: circuits up in it
  // Packet adjacency over graph vertices: (neighbour vertex, directed link id, latency ns).
  struct Hop {
    std::size_t to;
    std::uint32_t link;
    std::int64_t latency_ns;
  };
  std::vector<std::vector<Hop>> adjacency_;
  mutable std::map<std::pair<std::uint32_t, std::uint32_t>, std::optional<Route>> packet_cache_;
};

}  // namespace lightpath::netmodel
