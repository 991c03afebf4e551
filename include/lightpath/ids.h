#pragma once
// Dense integer ids, one distinct type per kind of object, so that an
// endpoint id can never be passed where a switch id is expected. Ids index the
// vectors of `Fabric` directly.

#include <compare>
#include <cstdint>
#include <functional>
#include <limits>

namespace lightpath {

template <class Tag>
class Id {
 public:
  static constexpr std::uint32_t kInvalid = std::numeric_limits<std::uint32_t>::max();
  constexpr Id() = default;
  constexpr explicit Id(std::uint32_t v) : v_(v) {}
  constexpr std::uint32_t value() const { return v_; }
  constexpr bool valid() const { return v_ != kInvalid; }
  constexpr auto operator<=>(const Id&) const = default;

 private:
  std::uint32_t v_ = kInvalid;
};

using EndpointId = Id<struct EndpointTag>;
using EndpointPortId = Id<struct EndpointPortTag>;  // one optical port of an endpoint
using SwitchId = Id<struct SwitchTag>;              // an optical (OCS or WSS) switch
using FiberId = Id<struct FiberTag>;
using TransceiverId = Id<struct TransceiverTag>;
using PacketNodeId = Id<struct PacketNodeTag>;  // a leaf or spine switch
using PacketLinkId = Id<struct PacketLinkTag>;
using CircuitId = Id<struct CircuitTag>;

}  // namespace lightpath

template <class Tag>
struct std::hash<lightpath::Id<Tag>> {
  std::size_t operator()(lightpath::Id<Tag> id) const noexcept {
    return std::hash<std::uint32_t>{}(id.value());
  }
};
