#include "simulator/netmodel/network.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <queue>

namespace lightpath::netmodel {
namespace {

// Packet-graph vertex of a fabric node: endpoints first, then packet
// switches; optical switches carry no packet links.
std::optional<std::size_t> packet_vertex(const Fabric& fabric, NodeRef node) {
  switch (node.kind) {
    case NodeKind::kEndpoint:
      return node.index;
    case NodeKind::kPacketSwitch:
      return fabric.endpoints.size() + node.index;
    case NodeKind::kOpticalSwitch:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

Network::Network(const Fabric& fabric, NetworkOptions options) : fabric_(&fabric) {
  adjacency_.resize(fabric.endpoints.size() + fabric.packet_switches.size());
  // A packet link is full duplex: one directed link each way, each with the
  // link's whole capacity.
  for (std::uint32_t i = 0; i < fabric.packet_links.size(); ++i) {
    const PacketLink& pl = fabric.packet_links[i];
    const auto a = packet_vertex(fabric, pl.a);
    const auto b = packet_vertex(fabric, pl.b);
    if (!a || !b) continue;
    const auto ab = static_cast<std::uint32_t>(links_.size());
    links_.push_back(Link{LinkKind::kPacket, bytes_per_ns(pl.capacity), TimePoint(), i});
    links_.push_back(Link{LinkKind::kPacket, bytes_per_ns(pl.capacity), TimePoint(), i});
    adjacency_[*a].push_back(Hop{*b, ab, pl.latency.count_ns()});
    adjacency_[*b].push_back(Hop{*a, ab + 1, pl.latency.count_ns()});
  }
  for (std::uint32_t e = 0; e < fabric.endpoints.size(); ++e) {
    local_link_.push_back(static_cast<std::uint32_t>(links_.size()));
    const int gpus = e < options.gpus_per_endpoint.size() ? options.gpus_per_endpoint[e] : 1;
    links_.push_back(Link{LinkKind::kLocal, bytes_per_ns(options.local_rate) * std::max(gpus, 1),
                          TimePoint(), e});
  }
}

std::size_t Network::add_circuit(const Circuit& circuit) {
  const std::size_t index = circuits_.size();
  circuits_.push_back(circuit);
  const double cap = bytes_per_ns(circuit.rate);
  const auto first = static_cast<std::uint32_t>(links_.size());
  const auto source = static_cast<std::uint32_t>(index);
  circuit_link_.push_back(first);
  up_.push_back(true);
  links_.push_back(Link{LinkKind::kCircuit, cap, circuit.ready_at, source});
  links_.push_back(Link{LinkKind::kCircuit, cap, circuit.ready_at, source});
  const bool a_first = circuit.a.value() <= circuit.b.value();
  const auto key = a_first ? std::pair(circuit.a.value(), circuit.b.value())
                           : std::pair(circuit.b.value(), circuit.a.value());
  // links_[first] runs a→b; store it as "forward" when a is the smaller id.
  by_pair_[key].push_back(
      CircuitLinks{a_first ? first : first + 1, a_first ? first + 1 : first, index});
  return index;
}

std::size_t Network::add_live_circuit(EndpointId a, EndpointId b, DataRate rate, Duration latency) {
  const std::uint32_t lo = std::min(a.value(), b.value());
  const std::uint32_t hi = std::max(a.value(), b.value());
  auto& on_pair = by_pair_[{lo, hi}];
  auto pipe =
      std::find_if(on_pair.begin(), on_pair.end(), [](const CircuitLinks& l) { return l.pipe; });
  const std::size_t index = circuits_.size();
  circuits_.push_back(Circuit{a, b, rate, TimePoint(), latency});
  up_.push_back(true);
  const double cap = bytes_per_ns(rate);
  if (pipe == on_pair.end()) {
    // forward runs lo→hi; `first` is whichever of the two runs a→b.
    const auto forward = static_cast<std::uint32_t>(links_.size());
    const auto source = static_cast<std::uint32_t>(index);
    links_.push_back(Link{LinkKind::kCircuit, cap, TimePoint(), source});
    links_.push_back(Link{LinkKind::kCircuit, cap, TimePoint(), source});
    on_pair.push_back(CircuitLinks{forward, forward + 1, index, true});
    circuit_link_.push_back(forward);
    pipe_members_[forward] = 1;
    return index;
  }
  for (const std::uint32_t l : {pipe->forward, pipe->backward}) links_[l].capacity += cap;
  circuit_link_.push_back(pipe->forward);
  ++pipe_members_[pipe->forward];
  return index;
}

void Network::remove_circuit(std::size_t index) {
  if (!up_[index]) return;
  up_[index] = false;
  const std::uint32_t first = circuit_link_[index];
  const Circuit& c = circuits_[index];
  if (auto pipe = pipe_members_.find(first); pipe != pipe_members_.end()) {
    if (--pipe->second > 0) {
      const double cap = bytes_per_ns(c.rate);
      for (const std::uint32_t l : {first, first + 1}) {
        links_[l].capacity = std::max(0.0, links_[l].capacity - cap);
      }
      return;
    }
    pipe_members_.erase(pipe);
  }
  for (const std::uint32_t l : {first, first + 1}) {
    links_[l].dead = true;
    links_[l].capacity = 0.0;
  }
  const std::uint32_t a = c.a.value();
  const std::uint32_t b = c.b.value();
  auto it = by_pair_.find({std::min(a, b), std::max(a, b)});
  if (it == by_pair_.end()) return;
  std::erase_if(it->second,
                [&](const CircuitLinks& l) { return l.forward == first || l.backward == first; });
  if (it->second.empty()) by_pair_.erase(it);
}

std::optional<Route> Network::route(EndpointId from, EndpointId to,
                                    const std::vector<int>& load) const {
  if (from == to) {
    return Route{{local_link_[from.value()]}, Duration(), false};
  }
  const bool forward = from.value() < to.value();
  const auto key =
      forward ? std::pair(from.value(), to.value()) : std::pair(to.value(), from.value());
  if (auto it = by_pair_.find(key); it != by_pair_.end()) {
    const CircuitLinks* best = nullptr;
    int best_load = std::numeric_limits<int>::max();
    for (const CircuitLinks& c : it->second) {
      const std::uint32_t link = forward ? c.forward : c.backward;
      const int l = link < load.size() ? load[link] : 0;
      if (l < best_load) {
        best = &c;
        best_load = l;
      }
    }
    const std::uint32_t link = forward ? best->forward : best->backward;
    return Route{{link}, circuits_[best->circuit].latency, true};
  }
  const auto k = std::pair(from.value(), to.value());
  auto cached = packet_cache_.find(k);
  if (cached == packet_cache_.end())
    cached = packet_cache_.emplace(k, packet_route(from, to)).first;
  return cached->second;
}

// Dijkstra on latency plus one per hop, so equal-latency routes prefer fewer
// hops — the same choice controller/solver/packet_route makes. Ties go to the
// lower vertex and the earlier link, so the route is deterministic.
std::optional<Route> Network::packet_route(EndpointId from, EndpointId to) const {
  constexpr auto kInf = std::numeric_limits<std::int64_t>::max();
  const std::size_t n = adjacency_.size();
  std::vector<std::int64_t> dist(n, kInf);
  std::vector<const Hop*> via(n, nullptr);
  std::vector<std::size_t> prev(n, n);
  using Item = std::pair<std::int64_t, std::size_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  dist[from.value()] = 0;
  queue.push({0, from.value()});
  while (!queue.empty()) {
    const auto [d, v] = queue.top();
    queue.pop();
    if (d != dist[v]) continue;
    // Endpoints are sources and sinks, never transit nodes of the packet fabric.
    if (v != from.value() && v < fabric_->endpoints.size()) continue;
    for (const Hop& hop : adjacency_[v]) {
      const std::int64_t nd = d + hop.latency_ns + 1;
      if (nd < dist[hop.to]) {
        dist[hop.to] = nd;
        via[hop.to] = &hop;
        prev[hop.to] = v;
        queue.push({nd, hop.to});
      }
    }
  }
  if (dist[to.value()] == kInf) return std::nullopt;
  Route route;
  for (std::size_t v = to.value(); v != from.value(); v = prev[v]) {
    route.links.push_back(via[v]->link);
    route.latency += Duration::ns(via[v]->latency_ns);
  }
  std::reverse(route.links.begin(), route.links.end());
  return route;
}

}  // namespace lightpath::netmodel
