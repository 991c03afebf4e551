#pragma once
// A cross-connect inside an optical switch, the unit the solver plans and the
// southbound driver programs. MEMS cross-connects join two ports with every
// wavelength; WSS cross-connects join two ports for one wavelength.

#include <compare>
#include <vector>

#include "lightpath/ids.h"

namespace lightpath::solver {

inline constexpr int kAllWavelengths = -1;

struct CrossConnect {
  SwitchId optical_switch;
  int port_a = 0;  // always the lower port number, so equal cross-connects compare equal
  int port_b = 0;
  int wavelength = kAllWavelengths;  // a channel index for WSS entries

  static CrossConnect make(SwitchId sw, int p, int q, int wavelength = kAllWavelengths) {
    return p < q ? CrossConnect{sw, p, q, wavelength} : CrossConnect{sw, q, p, wavelength};
  }
  auto operator<=>(const CrossConnect&) const = default;
};

}  // namespace lightpath::solver
