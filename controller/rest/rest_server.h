#pragma once
// lightpathd's REST front end: HTTP/1.1 with keep-alive over Boost.Beast,
// JSON bodies (docs/rest.md, docs/openapi.yaml).
//
// Threading: the controller core is single-threaded on the thread that runs
// `io`. All of this server's I/O runs on that same io_context, so every call
// into the controller happens on its thread and nothing here blocks or locks.
// Construct, start, stop and destroy the server on that thread too (or while
// `io` is not running).

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "controller/auth/access.h"
#include "controller/core/controller.h"
#include "controller/rest/metrics.h"
#include "lightpath/result.h"
#include "lightpath/units.h"

namespace lightpath::rest {

struct ServerState;  // rest_server.cpp

struct RestOptions {
  // "host:port"; "[::1]:8080" for IPv6; port 0 takes an ephemeral port.
  std::string listen = "127.0.0.1:0";
  // A request whose body would exceed this is refused with 413 before the
  // body is read.
  std::size_t max_body_bytes = 1 << 20;
  // Request line plus headers; larger is refused with 431.
  std::uint32_t max_header_bytes = 16 * 1024;
  // A connection silent this long (mid-request or between keep-alive
  // requests) is closed, so idle or stalled clients cannot pin sockets.
  Duration idle_timeout = Duration::s(60);
  // Open connections past this are answered 503 and closed, so a client
  // opening sockets in a loop cannot exhaust the daemon's file descriptors.
  std::size_t max_connections = 512;
  // Who may call what (docs/security.md); null: everyone may call everything.
  auth::Guard* guard = nullptr;
  // PEM files; with both set the server speaks HTTPS only.
  std::string tls_cert;
  std::string tls_key;
};

class RestServer {
 public:
  RestServer(boost::asio::io_context& io, core::Controller& controller, Metrics& metrics,
             RestOptions options = {});
  // Stops: the listener and every connection are closed.
  ~RestServer();
  RestServer(const RestServer&) = delete;
  RestServer& operator=(const RestServer&) = delete;

  // Binds and starts accepting; returns the bound port. Fails with
  // INVALID_ARGUMENT for an unparsable address, UNAVAILABLE when it cannot
  // bind, TLS when the certificate or key cannot be used.
  Result<std::uint16_t> start();
  // Closes the listener and every open connection. A DELETE still waiting
  // for the controller gets no answer. Idempotent.
  void stop();
  // Whether the listener is open (between start and stop).
  bool listening() const;

 private:
  // Shared with connections and their pending handlers, which may run after
  // stop() to observe that the server is gone.
  std::shared_ptr<ServerState> state_;
};

}  // namespace lightpath::rest
