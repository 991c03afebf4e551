#pragma once
// lightpathd's `--fabric grpc://HOST:PORT`: one GrpcDriver per optical switch
// of the topology, all over one channel to the fabric. A switch the fabric
// does not serve gets a driver whose calls fail with kDeviceDown naming it.

#include <memory>
#include <optional>
#include <string>

#include "controller/southbound_grpc/grpc_driver.h"
#include "lightpath/driver_set.h"

namespace lightpath::southbound_grpc {

// "grpc://127.0.0.1:50061" -> "127.0.0.1:50061"; none for other schemes or
// an address without a port.
std::optional<std::string> parse_fabric_url(const std::string& url);

// The channel the drivers share, tuned to notice a lost fabric and to try it
// again quickly (gRPC's own reconnect backoff grows to minutes otherwise).
std::shared_ptr<grpc::Channel> make_fabric_channel(const std::string& address);

// `options.address` is filled from `address` when empty.
std::unique_ptr<southbound::DriverSet> make_grpc_drivers(const Fabric& fabric,
                                                         const std::string& address,
                                                         Executor& executor,
                                                         GrpcDriverOptions options = {});

}  // namespace lightpath::southbound_grpc
