#pragma once
// Routes a flow over the packet fabric when it has no circuit: the
// lowest-latency path over packet links, and its bottleneck capacity.

#include <optional>
#include <string>
#include <vector>

#include "lightpath/fabric.h"

namespace lightpath::solver {

struct PacketRoute {
  std::vector<std::string> nodes;  // endpoint, switches..., endpoint
  DataRate bottleneck;             // the smallest link capacity on the way
  Duration latency;
};

std::optional<PacketRoute> packet_route(const Fabric& fabric, EndpointId from, EndpointId to);

}  // namespace lightpath::solver
