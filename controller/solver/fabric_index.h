#pragma once
// Lookups the solver needs on every request, computed once per fabric: where
// each port group's fibers land, and which fibers join switches.

#include <vector>

#include "lightpath/fabric.h"

namespace lightpath::solver {

class FabricIndex {
 public:
  explicit FabricIndex(const Fabric& fabric);

  // An endpoint port and the switch port its fiber lands on.
  struct Attachment {
    EndpointPortId endpoint_port;
    SwitchId optical_switch;
    int switch_port = 0;
  };
  // A fiber between two switches, seen from one of them.
  struct Trunk {
    int port = 0;
    SwitchId remote;
    int remote_port = 0;
    FiberId fiber;
  };
  // What the far end of a switch port's fiber is.
  struct PortPeer {
    EndpointPortId endpoint_port;  // valid when it is an endpoint
    SwitchId remote;               // valid when it is another switch
    int remote_port = -1;
  };

  const Fabric& fabric() const { return *fabric_; }
  // The cabled ports of one port group, in port order.
  const std::vector<Attachment>& attachments(EndpointId e, int group) const {
    return attachments_[e.value()][static_cast<std::size_t>(group)];
  }
  const std::vector<Trunk>& trunks(SwitchId sw) const { return trunks_[sw.value()]; }
  const PortPeer& peer(SwitchId sw, int port) const {
    return peers_[sw.value()][static_cast<std::size_t>(port)];
  }

 private:
  const Fabric* fabric_;
  std::vector<std::vector<std::vector<Attachment>>> attachments_;  // [endpoint][group]
  std::vector<std::vector<Trunk>> trunks_;                         // [switch]
  std::vector<std::vector<PortPeer>> peers_;                       // [switch][port]
};

}  // namespace lightpath::solver
