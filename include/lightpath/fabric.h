#pragma once
// The fabric model every part of lightpath speaks about: endpoints with port
// groups, optical switches (MEMS OCS or WSS), fibers, and the packet fabric
// beside them, joined in one Boost.Graph graph of the hybrid topology.
//
// A Fabric is plain data plus lookups. It is filled by the topology loader
// (controller/topology) and then frozen with `index()`; ids index the vectors.

#include <boost/graph/adjacency_list.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lightpath/ids.h"
#include "lightpath/units.h"

namespace lightpath {

// Standard channel plans. The capacity is how many channels the plan holds.
enum class WavelengthGrid { kGrey, kCwdm, kDwdm100GHz, kDwdm75GHz, kDwdm50GHz };
int grid_capacity(WavelengthGrid grid);
std::string_view to_string(WavelengthGrid grid);
std::optional<WavelengthGrid> parse_wavelength_grid(std::string_view text);

struct Transceiver {
  std::string name;
  WavelengthGrid grid = WavelengthGrid::kGrey;
  int wavelengths = 1;  // channels carried on the one fiber
  DataRate channel_rate;
  PowerDbm launch_power;
  PowerDbm rx_sensitivity;

  DataRate capacity() const { return channel_rate * wavelengths; }
  // The most loss a path may have before the receiver stops hearing.
  Decibels loss_budget() const { return launch_power - rx_sensitivity; }
};

struct PortGroup {
  std::string name;
  EndpointPortId first;  // ports of a group are contiguous in Fabric::endpoint_ports
  int count = 0;
  TransceiverId transceiver;

  EndpointPortId port(int index) const { return EndpointPortId(first.value() + index); }
};

struct Endpoint {
  std::string name;
  std::string kind;  // free-form: rack, tor, host, block
  std::vector<PortGroup> groups;

  const PortGroup* find_group(std::string_view group_name) const;
};

struct EndpointPort {
  EndpointId endpoint;
  int group = 0;  // index into Endpoint::groups
  int index = 0;  // position within the group
  TransceiverId transceiver;
  FiberId fiber;  // invalid when the port is not cabled
};

enum class SwitchKind { kMems, kWss };
std::string_view to_string(SwitchKind kind);

// Reconfiguration timing: a batch takes a time drawn uniformly from
// [min, max], after which the mirrors need `settle` before light is stable.
struct SwitchingTime {
  Duration min;
  Duration max;
  Duration settle;
};

struct OpticalSwitch {
  std::string name;
  SwitchKind kind = SwitchKind::kMems;
  int port_count = 0;
  Decibels insertion_loss;         // per pass through the switch
  Decibels insertion_loss_spread;  // per-port variation around it
  SwitchingTime switching;
  std::vector<FiberId> port_fiber;  // one entry per port; invalid when uncabled
};

// One end of a fiber: an endpoint port, or a port of an optical switch.
struct FiberEnd {
  EndpointPortId endpoint_port;  // valid for an endpoint end
  SwitchId optical_switch;       // valid for a switch end
  int port = -1;                 // switch port index

  bool is_endpoint() const { return endpoint_port.valid(); }
};

struct Fiber {
  FiberEnd a;
  FiberEnd b;
  Length length;
  Decibels loss;  // attenuation plus connectors, end to end
  Duration delay() const { return propagation_delay(length); }
};

enum class PacketRole { kLeaf, kSpine };
std::string_view to_string(PacketRole role);

struct PacketSwitch {
  std::string name;
  PacketRole role = PacketRole::kLeaf;
};

enum class NodeKind : std::uint8_t { kEndpoint, kOpticalSwitch, kPacketSwitch };

struct NodeRef {
  NodeKind kind = NodeKind::kEndpoint;
  std::uint32_t index = 0;
  bool operator==(const NodeRef&) const = default;
};

struct PacketLink {
  NodeRef a;
  NodeRef b;
  DataRate capacity;
  Duration latency;
};

enum class EdgeKind : std::uint8_t { kFiber, kPacketLink };

struct GraphVertex {
  NodeRef node;
};
struct GraphEdge {
  EdgeKind kind = EdgeKind::kFiber;
  std::uint32_t index = 0;  // FiberId or PacketLinkId value
};

// Vertices are endpoints, optical switches and packet switches; edges are
// fibers and packet links (parallel edges allowed: many fibers join a pair).
using FabricGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS,
                                          GraphVertex, GraphEdge>;
using GraphVertexId = FabricGraph::vertex_descriptor;

struct FabricSummary {
  std::size_t endpoints = 0;
  std::size_t endpoint_ports = 0;
  std::size_t cabled_endpoint_ports = 0;
  std::size_t mems_switches = 0;
  std::size_t wss_switches = 0;
  std::size_t switch_ports = 0;
  std::size_t fibers = 0;
  std::size_t inter_switch_fibers = 0;
  std::size_t wavelength_channels = 0;  // over cabled endpoint ports
  DataRate optical_capacity;            // over cabled endpoint ports
  std::size_t packet_switches = 0;
  std::size_t packet_links = 0;
  DataRate packet_capacity;
};

class Fabric {
 public:
  std::string name;
  std::string description;
  std::vector<Transceiver> transceivers;
  std::vector<Endpoint> endpoints;
  std::vector<EndpointPort> endpoint_ports;
  std::vector<OpticalSwitch> optical_switches;
  std::vector<Fiber> fibers;
  std::vector<PacketSwitch> packet_switches;
  std::vector<PacketLink> packet_links;

  // Builds the graph and the name lookups from the vectors above. Call once
  // after filling them, and again after any change.
  void index();

  std::optional<EndpointId> find_endpoint(std::string_view n) const;
  std::optional<SwitchId> find_optical_switch(std::string_view n) const;
  std::optional<PacketNodeId> find_packet_switch(std::string_view n) const;
  std::optional<TransceiverId> find_transceiver(std::string_view n) const;

  const Endpoint& endpoint(EndpointId id) const { return endpoints[id.value()]; }
  const EndpointPort& port(EndpointPortId id) const { return endpoint_ports[id.value()]; }
  const OpticalSwitch& optical_switch(SwitchId id) const { return optical_switches[id.value()]; }
  const Fiber& fiber(FiberId id) const { return fibers[id.value()]; }
  const Transceiver& transceiver(TransceiverId id) const { return transceivers[id.value()]; }
  // "rack1/gpu-nic/3" — the name operators use for an endpoint port.
  std::string port_name(EndpointPortId id) const;
  std::string node_name(NodeRef node) const;

  const FabricGraph& graph() const { return graph_; }
  GraphVertexId vertex(NodeRef node) const;

  FabricSummary summary() const;

 private:
  FabricGraph graph_;
  std::unordered_map<std::string, std::uint32_t> endpoint_by_name_;
  std::unordered_map<std::string, std::uint32_t> switch_by_name_;
  std::unordered_map<std::string, std::uint32_t> packet_by_name_;
  std::unordered_map<std::string, std::uint32_t> transceiver_by_name_;
};

}  // namespace lightpath
