#include "controller/southbound_grpc/grpc_driver_set.h"

#include <map>

namespace lightpath::southbound_grpc {

namespace {

class GrpcDriverSet final : public southbound::DriverSet {
 public:
  GrpcDriverSet(const Fabric& fabric, const std::string& address, Executor& executor,
                GrpcDriverOptions options) {
    if (options.address.empty()) options.address = address;
    auto channel = make_fabric_channel(address);
    for (std::uint32_t i = 0; i < fabric.optical_switches.size(); ++i)
      drivers_.emplace(SwitchId(i), std::make_unique<GrpcDriver>(fabric.optical_switches[i].name,
                                                                 channel, executor, options));
  }

  std::map<SwitchId, southbound::Driver*> drivers() override {
    std::map<SwitchId, southbound::Driver*> out;
    for (auto& [id, d] : drivers_) out[id] = d.get();
    return out;
  }

 private:
  std::map<SwitchId, std::unique_ptr<GrpcDriver>> drivers_;
};

}  // namespace

std::optional<std::string> parse_fabric_url(const std::string& url) {
  constexpr std::string_view scheme = "grpc://";
  if (url.rfind(scheme, 0) != 0) return std::nullopt;
  std::string address = url.substr(scheme.size());
  while (!address.empty() && address.back() == '/') address.pop_back();
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) return std::nullopt;
  for (char c : address.substr(colon + 1))
    if (c < '0' || c > '9') return std::nullopt;
  return address;
}

std::shared_ptr<grpc::Channel> make_fabric_channel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  // Telemetry of a large switch exceeds the 4 MB default in one message.
  args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

std::unique_ptr<southbound::DriverSet> make_grpc_drivers(const Fabric& fabric,
                                                         const std::string& address,
                                                         Executor& executor,
                                                         GrpcDriverOptions options) {
  return std::make_unique<GrpcDriverSet>(fabric, address, executor, std::move(options));
}

}  // namespace lightpath::southbound_grpc
