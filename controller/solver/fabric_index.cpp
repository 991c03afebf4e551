#include "controller/solver/fabric_index.h"

#include <algorithm>

namespace lightpath::solver {

FabricIndex::FabricIndex(const Fabric& fabric) : fabric_(&fabric) {
  attachments_.resize(fabric.endpoints.size());
  for (std::size_t e = 0; e < fabric.endpoints.size(); ++e)
    attachments_[e].resize(fabric.endpoints[e].groups.size());
  trunks_.resize(fabric.optical_switches.size());
  peers_.resize(fabric.optical_switches.size());
  for (std::size_t s = 0; s < fabric.optical_switches.size(); ++s)
    peers_[s].resize(static_cast<std::size_t>(fabric.optical_switches[s].port_count));

  for (std::uint32_t i = 0; i < fabric.fibers.size(); ++i) {
    const Fiber& f = fabric.fibers[i];
    if (f.a.is_endpoint() || f.b.is_endpoint()) {
      const FiberEnd& ep = f.a.is_endpoint() ? f.a : f.b;
      const FiberEnd& sw = f.a.is_endpoint() ? f.b : f.a;
      const EndpointPort& port = fabric.port(ep.endpoint_port);
      attachments_[port.endpoint.value()][static_cast<std::size_t>(port.group)].push_back(
          {ep.endpoint_port, sw.optical_switch, sw.port});
      peers_[sw.optical_switch.value()][static_cast<std::size_t>(sw.port)].endpoint_port =
          ep.endpoint_port;
      continue;
    }
    trunks_[f.a.optical_switch.value()].push_back({f.a.port, f.b.optical_switch, f.b.port, FiberId(i)});
    trunks_[f.b.optical_switch.value()].push_back({f.b.port, f.a.optical_switch, f.a.port, FiberId(i)});
    peers_[f.a.optical_switch.value()][static_cast<std::size_t>(f.a.port)] =
        {EndpointPortId(), f.b.optical_switch, f.b.port};
    peers_[f.b.optical_switch.value()][static_cast<std::size_t>(f.b.port)] =
        {EndpointPortId(), f.a.optical_switch, f.a.port};
  }
  for (auto& groups : attachments_)
    for (auto& list : groups)
      std::sort(list.begin(), list.end(), [](const Attachment& x, const Attachment& y) {
        return x.endpoint_port < y.endpoint_port;
      });
}

}  // namespace lightpath::solver
