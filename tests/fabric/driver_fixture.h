#pragma once
// A GrpcDriver for switch ocs1 of a real lightpath-fabric process, on an
// Asio executor that the test thread runs: `settle()` turns the executor
// until every call made has answered, and `run_until` until a condition
// holds — each bounded, so a broken driver fails a test instead of hanging.

#include <boost/asio/io_context.hpp>
#include <functional>

#include "controller/runtime/asio_executor.h"
#include "controller/southbound_grpc/grpc_driver.h"
#include "controller/southbound_grpc/grpc_driver_set.h"
#include "fabric_process.h"

namespace lightpath::testing {

// Short enough that the stall tests end quickly; nothing asserts on them.
inline southbound_grpc::GrpcDriverOptions quick_options(const std::string& address) {
  southbound_grpc::GrpcDriverOptions o;
  o.address = address;
  o.call_timeout = Duration::ms(1500);
  o.apply_timeout = Duration::s(3);
  o.heartbeat = Duration::ms(100);
  o.reconnect_min = Duration::ms(50);
  o.reconnect_max = Duration::ms(400);
  return o;
}

struct GrpcDriverFixture {
  explicit GrpcDriverFixture(std::vector<std::string> fabric_flags = {"--time-scale", "1"},
                             std::string switch_id = "ocs1")
      : fabric(std::move(fabric_flags)),
        channel(southbound_grpc::make_fabric_channel(fabric.address())),
        grpc_driver(std::make_unique<southbound_grpc::GrpcDriver>(
            std::move(switch_id), channel, executor, quick_options(fabric.address()))) {
    if (grpc_driver) wait_for_link();
  }

  southbound::Driver& driver() { return *grpc_driver; }

  // Turns the executor until `done()` holds; false when it did not within
  // `limit` (a generous bound, never a measurement).
  bool run_until(const std::function<bool()>& done, Duration limit = Duration::s(20)) {
    const auto give_up =
        std::chrono::steady_clock::now() + std::chrono::nanoseconds(limit.count_ns());
    while (!done()) {
      if (std::chrono::steady_clock::now() > give_up) return false;
      io.run_one_for(std::chrono::milliseconds(5));
    }
    io.poll();
    return true;
  }

  void settle() {
    REQUIRE_MESSAGE(run_until([&] { return grpc_driver->pending_calls() == 0; }),
                    "calls still unanswered");
  }
  void wait_for_link() {
    REQUIRE_MESSAGE(run_until([&] { return grpc_driver->describe().has_value(); }),
                    "the driver never reached the fabric");
  }
  void set_down(bool down) {
    if (down)
      fabric.inject("ocs1", pb::SWITCH_DOWN);
    else
      fabric.clear("ocs1", pb::SWITCH_DOWN);
    // The device's alarm travels the event stream; the driver knows once
    // describe() says so.
    REQUIRE(run_until([&] { return grpc_driver->describe().has_value() != down; }));
  }
  void break_port(int port) { fabric.inject("ocs1", pb::STUCK_MIRROR, port); }

  boost::asio::io_context io;
  runtime::AsioExecutor executor{io};
  FabricProcess fabric;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<southbound_grpc::GrpcDriver> grpc_driver;
};

}  // namespace lightpath::testing
