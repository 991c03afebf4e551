#pragma once
// lightpathd assembled: topology, store, drivers, controller core, and the
// gRPC and HTTP front ends, all on one io_context thread for the core.

#include <boost/asio/io_context.hpp>
#include <memory>

#include "controller/daemon/daemon_config.h"

namespace lightpath::daemon {

class Daemon {
 public:
  explicit Daemon(DaemonConfig config);
  ~Daemon();
  // Loads, binds and starts serving; the error says what could not start.
  Result<bool> start();
  // Serves until SIGINT/SIGTERM.
  void run();

 private:
  struct Parts;
  // Token file, audit log and rate limits; refuses to serve beyond loopback
  // without a token file.
  Result<bool> start_auth();
  void watch_hangups();

  DaemonConfig config_;
  boost::asio::io_context io_;
  std::unique_ptr<Parts> parts_;
};

}  // namespace lightpath::daemon
