#include "lightpath/fabric.h"

#include <array>
#include <utility>

namespace lightpath {
namespace {

struct GridInfo {
  WavelengthGrid grid;
  std::string_view name;
  int capacity;
};

// Channel counts of the common plans: CWDM has 18 channels 1271-1611 nm at
// 20 nm; the C band holds 48 channels at 100 GHz, 64 at 75 GHz, 96 at 50 GHz.
constexpr std::array<GridInfo, 5> kGrids{{
    {WavelengthGrid::kGrey, "grey", 1},
    {WavelengthGrid::kCwdm, "cwdm", 18},
    {WavelengthGrid::kDwdm100GHz, "dwdm-100ghz", 48},
    {WavelengthGrid::kDwdm75GHz, "dwdm-75ghz", 64},
    {WavelengthGrid::kDwdm50GHz, "dwdm-50ghz", 96},
}};

template <class Map>
std::optional<std::uint32_t> lookup(const Map& map, std::string_view n) {
  auto it = map.find(std::string(n));
  if (it == map.end()) return std::nullopt;
  return it->second;
}

}  // namespace

int grid_capacity(WavelengthGrid grid) {
  for (const auto& g : kGrids)
    if (g.grid == grid) return g.capacity;
  return 0;
}

std::string_view to_string(WavelengthGrid grid) {
  for (const auto& g : kGrids)
    if (g.grid == grid) return g.name;
  return "?";
}

std::optional<WavelengthGrid> parse_wavelength_grid(std::string_view text) {
  for (const auto& g : kGrids)
    if (g.name == text) return g.grid;
  return std::nullopt;
}

std::string_view to_string(SwitchKind kind) { return kind == SwitchKind::kMems ? "mems" : "wss"; }

std::string_view to_string(PacketRole role) { return role == PacketRole::kLeaf ? "leaf" : "spine"; }

const PortGroup* Endpoint::find_group(std::string_view group_name) const {
  for (const auto& g : groups)
    if (g.name == group_name) return &g;
  return nullptr;
}

void Fabric::index() {
  endpoint_by_name_.clear();
  switch_by_name_.clear();
  packet_by_name_.clear();
  transceiver_by_name_.clear();
  for (std::uint32_t i = 0; i < endpoints.size(); ++i) endpoint_by_name_[endpoints[i].name] = i;
  for (std::uint32_t i = 0; i < optical_switches.size(); ++i)
    switch_by_name_[optical_switches[i].name] = i;
  for (std::uint32_t i = 0; i < packet_switches.size(); ++i)
    packet_by_name_[packet_switches[i].name] = i;
  for (std::uint32_t i = 0; i < transceivers.size(); ++i)
    transceiver_by_name_[transceivers[i].name] = i;

  const auto vertex_count = endpoints.size() + optical_switches.size() + packet_switches.size();
  graph_ = FabricGraph(vertex_count);
  for (std::uint32_t i = 0; i < endpoints.size(); ++i)
    graph_[vertex({NodeKind::kEndpoint, i})].node = {NodeKind::kEndpoint, i};
  for (std::uint32_t i = 0; i < optical_switches.size(); ++i)
    graph_[vertex({NodeKind::kOpticalSwitch, i})].node = {NodeKind::kOpticalSwitch, i};
  for (std::uint32_t i = 0; i < packet_switches.size(); ++i)
    graph_[vertex({NodeKind::kPacketSwitch, i})].node = {NodeKind::kPacketSwitch, i};

  auto node_of = [&](const FiberEnd& end) -> NodeRef {
    if (end.is_endpoint())
      return {NodeKind::kEndpoint, port(end.endpoint_port).endpoint.value()};
    return {NodeKind::kOpticalSwitch, end.optical_switch.value()};
  };
  for (std::uint32_t i = 0; i < fibers.size(); ++i) {
    boost::add_edge(vertex(node_of(fibers[i].a)), vertex(node_of(fibers[i].b)),
                    GraphEdge{EdgeKind::kFiber, i}, graph_);
  }
  for (std::uint32_t i = 0; i < packet_links.size(); ++i) {
    boost::add_edge(vertex(packet_links[i].a), vertex(packet_links[i].b),
                    GraphEdge{EdgeKind::kPacketLink, i}, graph_);
  }
}

GraphVertexId Fabric::vertex(NodeRef node) const {
  switch (node.kind) {
    case NodeKind::kEndpoint:
      return node.index;
    case NodeKind::kOpticalSwitch:
      return endpoints.size() + node.index;
    case NodeKind::kPacketSwitch:
      return endpoints.size() + optical_switches.size() + node.index;
  }
  return 0;
}

std::optional<EndpointId> Fabric::find_endpoint(std::string_view n) const {
  if (auto i = lookup(endpoint_by_name_, n)) return EndpointId(*i);
  return std::nullopt;
}
std::optional<SwitchId> Fabric::find_optical_switch(std::string_view n) const {
  if (auto i = lookup(switch_by_name_, n)) return SwitchId(*i);
  return std::nullopt;
}
std::optional<PacketNodeId> Fabric::find_packet_switch(std::string_view n) const {
  if (auto i = lookup(packet_by_name_, n)) return PacketNodeId(*i);
  return std::nullopt;
}
std::optional<TransceiverId> Fabric::find_transceiver(std::string_view n) const {
  if (auto i = lookup(transceiver_by_name_, n)) return TransceiverId(*i);
  return std::nullopt;
}

std::string Fabric::port_name(EndpointPortId id) const {
  const auto& p = port(id);
  const auto& ep = endpoint(p.endpoint);
  return ep.name + "/" + ep.groups[p.group].name + "/" + std::to_string(p.index);
}

std::string Fabric::node_name(NodeRef node) const {
  switch (node.kind) {
    case NodeKind::kEndpoint:
      return endpoints[node.index].name;
    case NodeKind::kOpticalSwitch:
      return optical_switches[node.index].name;
    case NodeKind::kPacketSwitch:
      return packet_switches[node.index].name;
  }
  return {};
}

FabricSummary Fabric::summary() const {
  FabricSummary s;
  s.endpoints = endpoints.size();
  s.endpoint_ports = endpoint_ports.size();
  for (const auto& p : endpoint_ports) {
    if (!p.fiber.valid()) continue;
    const auto& t = transceiver(p.transceiver);
    ++s.cabled_endpoint_ports;
    s.wavelength_channels += static_cast<std::size_t>(t.wavelengths);
    s.optical_capacity += t.capacity();
  }
  for (const auto& sw : optical_switches) {
    (sw.kind == SwitchKind::kMems ? s.mems_switches : s.wss_switches) += 1;
    s.switch_ports += static_cast<std::size_t>(sw.port_count);
  }
  s.fibers = fibers.size();
  for (const auto& f : fibers)
    if (!f.a.is_endpoint() && !f.b.is_endpoint()) ++s.inter_switch_fibers;
  s.packet_switches = packet_switches.size();
  s.packet_links = packet_links.size();
  for (const auto& l : packet_links) s.packet_capacity += l.capacity;
  return s;
}

}  // namespace lightpath
