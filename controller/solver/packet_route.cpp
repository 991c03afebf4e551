#include "controller/solver/packet_route.h"

#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/property_map/function_property_map.hpp>
#include <limits>

namespace lightpath::solver {
namespace {

struct PacketEdgesOnly {
  const FabricGraph* g = nullptr;
  bool operator()(FabricGraph::edge_descriptor e) const {
    return (*g)[e].kind == EdgeKind::kPacketLink;
  }
};

}  // namespace

std::optional<PacketRoute> packet_route(const Fabric& fabric, EndpointId from, EndpointId to) {
  const FabricGraph& g = fabric.graph();
  const boost::filtered_graph<FabricGraph, PacketEdgesOnly> packet(g, PacketEdgesOnly{&g});
  const auto n = boost::num_vertices(g);
  std::vector<GraphVertexId> pred(n);
  std::vector<std::int64_t> dist(n);
  // Latency in ns, plus one per hop so equal-latency routes prefer fewer hops.
  auto weight = boost::make_function_property_map<FabricGraph::edge_descriptor, std::int64_t>(
      [&](FabricGraph::edge_descriptor e) {
        return fabric.packet_links[g[e].index].latency.count_ns() + 1;
      });
  const auto src = fabric.vertex({NodeKind::kEndpoint, from.value()});
  const auto dst = fabric.vertex({NodeKind::kEndpoint, to.value()});
  boost::dijkstra_shortest_paths(
      packet, src,
      boost::predecessor_map(pred.data())
          .distance_map(dist.data())
          .weight_map(weight)
          .distance_inf(std::numeric_limits<std::int64_t>::max()));
  if (dist[dst] == std::numeric_limits<std::int64_t>::max() || src == dst) return std::nullopt;

  PacketRoute route;
  route.bottleneck = DataRate::bps(std::numeric_limits<std::int64_t>::max());
  std::vector<GraphVertexId> path{dst};
  for (auto v = dst; v != src; v = pred[v]) path.push_back(pred[v]);
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    route.nodes.push_back(fabric.node_name(g[*it].node));
    if (it + 1 == path.rend()) break;
    // The cheapest packet edge between consecutive vertices is the one used.
    std::optional<std::uint32_t> best;
    for (auto [e, end] = boost::out_edges(*it, g); e != end; ++e) {
      if (g[*e].kind != EdgeKind::kPacketLink || boost::target(*e, g) != *(it + 1)) continue;
      const auto idx = g[*e].index;
      if (!best || fabric.packet_links[idx].latency < fabric.packet_links[*best].latency) best = idx;
    }
    const PacketLink& link = fabric.packet_links[*best];
    route.latency += link.latency;
    route.bottleneck = std::min(route.bottleneck, link.capacity);
  }
  return route;
}

}  // namespace lightpath::solver
