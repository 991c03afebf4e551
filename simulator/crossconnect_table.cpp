#include "simulator/crossconnect_table.h"

#include <algorithm>
#include <optional>

namespace lightpath::sim {

namespace {

Unexpected<Error> invalid(std::string message) {
  return unexpected(Error{std::string(southbound::kInvalidBatch), std::move(message)});
}

std::string port_name(int p) {
  return "port " + std::to_string(p);
}

}  // namespace

CrossConnectTable::CrossConnectTable(int port_count)
    : peer_(static_cast<std::size_t>(port_count), -1),
      busy_(static_cast<std::size_t>(port_count), false) {}

Result<std::vector<int>> CrossConnectTable::check(const southbound::Batch& batch) const {
  const int n = port_count();
  // Per port: 1 when the batch frees it, 2 when the batch connects it.
  std::vector<std::uint8_t> freed(peer_.size(), 0);
  std::vector<std::uint8_t> joined(peer_.size(), 0);
  auto in_range = [&](int p, const char* verb) -> std::optional<std::string> {
    if (p < 0 || p >= n)
      return port_name(p) + " is out of range (the device has ports 0.." + std::to_string(n - 1) +
             ") in " + verb;
    return std::nullopt;
  };
  for (const auto& x : batch.disconnects) {
    for (int p : {x.a, x.b})
      if (auto m = in_range(p, "a disconnect")) return invalid(*m);
    if (x.a == x.b) return invalid(port_name(x.a) + " cannot be disconnected from itself");
    for (int p : {x.a, x.b}) {
      const auto i = static_cast<std::size_t>(p);
      if (freed[i]) return invalid(port_name(p) + " is disconnected twice in the batch");
      freed[i] = 1;
    }
    if (peer(x.a) != x.b) {
      const int actual = peer(x.a);
      return invalid(
          "cannot disconnect " + port_name(x.a) + " from port " + std::to_string(x.b) + ": " +
          port_name(x.a) +
          (actual < 0 ? " is not connected" : " is connected to port " + std::to_string(actual)));
    }
  }
  for (const auto& x : batch.connects) {
    for (int p : {x.a, x.b})
      if (auto m = in_range(p, "a connect")) return invalid(*m);
    if (x.a == x.b) return invalid(port_name(x.a) + " cannot be connected to itself");
    for (int p : {x.a, x.b}) {
      const auto i = static_cast<std::size_t>(p);
      if (joined[i]) return invalid(port_name(p) + " is connected twice in the batch");
      joined[i] = 1;
      if (peer(p) >= 0 && !freed[i])
        return invalid(port_name(p) + " is already connected to port " + std::to_string(peer(p)) +
                       "; disconnect it first in the same batch");
    }
  }
  std::vector<int> moved;
  for (int p = 0; p < n; ++p) {
    const auto i = static_cast<std::size_t>(p);
    if (!freed[i] && !joined[i]) continue;
    if (busy_[i]) return invalid(port_name(p) + " is still moving in an earlier batch");
    moved.push_back(p);
  }
  return moved;
}

void CrossConnectTable::connect(int a, int b) {
  peer_[static_cast<std::size_t>(a)] = b;
  peer_[static_cast<std::size_t>(b)] = a;
}

void CrossConnectTable::disconnect(int a, int b) {
  peer_[static_cast<std::size_t>(a)] = -1;
  peer_[static_cast<std::size_t>(b)] = -1;
}

std::vector<southbound::CrossConnect> CrossConnectTable::list() const {
  std::vector<southbound::CrossConnect> out;
  for (int p = 0; p < port_count(); ++p)
    if (peer(p) > p) out.push_back({p, peer(p)});
  return out;
}

}  // namespace lightpath::sim
