#include "controller/rest/rest_server.h"

#include <array>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <chrono>
#include <map>
#include <optional>

#include "controller/rest/rest_routes.h"

namespace lightpath::rest {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

std::chrono::steady_clock::duration to_chrono(Duration d) {
  return std::chrono::nanoseconds(d.count_ns());
}

// How long a connection we refused is drained before it is closed. Closing a
// socket with unread input sends a reset, which can destroy our error answer
// before the client reads it; draining lets the client read and hang up.
constexpr auto kDrainTime = std::chrono::seconds(2);

// A request Beast could not parse or refused by its limits: the answer, then
// the connection closes, since the rest of the stream cannot be trusted.
HttpError read_error(const beast::error_code& ec, const RestOptions& o) {
  if (ec == beast::http::error::body_limit)
    return {http::status::payload_too_large, "PAYLOAD_TOO_LARGE",
            "body: larger than the limit of " + std::to_string(o.max_body_bytes) + " bytes",
            "body"};
  if (ec == beast::http::error::header_limit)
    return {http::status::request_header_fields_too_large, "HEADERS_TOO_LARGE",
            "headers: larger than the limit of " + std::to_string(o.max_header_bytes) + " bytes",
            "headers"};
  return {http::status::bad_request,
          "MALFORMED_REQUEST",
          "malformed HTTP request: " + ec.message(),
          {}};
}

}  // namespace

class Session;

struct ServerState : std::enable_shared_from_this<ServerState> {
  ServerState(asio::io_context& io_context, core::Controller& controller, Metrics& m, RestOptions o)
      : io(io_context), controller(controller), router(controller, m), metrics(m),
        options(std::move(o)) {}

  void accept();

  asio::io_context& io;
  core::Controller& controller;  // its executor's clock times each request
  Router router;
  Metrics& metrics;
  const RestOptions options;
  std::optional<tcp::acceptor> acceptor;
  std::map<std::uint64_t, std::weak_ptr<Session>> sessions;
  std::uint64_t next_session = 1;
  bool stopped = false;
};

// One client connection: read a request, answer it, and, with keep-alive,
// read the next. One request at a time; pipelined requests wait in `buffer_`.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<ServerState> server, tcp::socket socket, std::uint64_t id)
      : server_(std::move(server)), stream_(std::move(socket)), id_(id) {}
  ~Session() {
    if (!server_->stopped) server_->sessions.erase(id_);
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(server_->options.max_body_bytes);
    parser_->header_limit(server_->options.max_header_bytes);
    stream_.expires_after(to_chrono(server_->options.idle_timeout));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  // Answers without reading a request, then closes.
  void refuse(const HttpError& e) {
    started_ = server_->controller.now();
    label_ = "unparsed";
    write(error_response(e, 11), /*keep_alive=*/false);
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

 private:
  void on_read(beast::error_code ec) {
    if (server_->stopped) return;
    started_ = server_->controller.now();
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof)
      return close();
    if (ec) {
      // Not parsed (malformed or over a limit): no route to label it by.
      label_ = "unparsed";
      return write(error_response(read_error(ec, server_->options), 11), /*keep_alive=*/false);
    }
    const Request request = parser_->release();
    const bool keep_alive = request.keep_alive();
    // `respond` may run inside handle() or later (a DELETE waits for the
    // controller); either way the label is in place before the write ends.
    label_ = server_->router.handle(request, [self = shared_from_this(), keep_alive](Response r) {
      self->write(std::move(r), keep_alive);
    });
  }

  void write(Response response, bool keep_alive) {
    if (server_->stopped) return;
    response.keep_alive(keep_alive);
    response.set(http::field::server, "lightpathd");
    out_ = std::move(response);
    stream_.expires_after(to_chrono(server_->options.idle_timeout));
    http::async_write(stream_, *out_,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
                        self->on_write(ec, keep_alive);
                      });
  }

  void on_write(beast::error_code ec, bool keep_alive) {
    if (server_->stopped) return;
    server_->metrics.observe_request("rest", label_, std::to_string(out_->result_int()),
                                     server_->controller.now() - started_);
    out_.reset();
    if (ec) return close();
    if (keep_alive) return read();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    // One deadline for the whole drain, so a client trickling bytes cannot
    // hold the socket past it.
    stream_.expires_after(kDrainTime);
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (ec || self->server_->stopped) return self->close();
                              self->drain();
                            });
  }

  std::shared_ptr<ServerState> server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<Response> out_;
  std::string label_;
  TimePoint started_;
  std::array<char, 4096> scratch_{};
  std::uint64_t id_;
};

void ServerState::accept() {
  // The handler holds the State: after stop() it still runs (with
  // operation_aborted) and must find `stopped` in live memory.
  acceptor->async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (self->stopped || ec == asio::error::operation_aborted) return;
    if (!ec) {
      const std::uint64_t id = self->next_session++;
      auto session = std::make_shared<Session>(self, std::move(socket), id);
      const bool over = self->sessions.size() >= self->options.max_connections;
      self->sessions.emplace(id, session);
      if (over) {
        session->refuse({http::status::service_unavailable,
                         "UNAVAILABLE",
                         "too many open connections (limit " +
                             std::to_string(self->options.max_connections) + ")",
                         {}});
      } else {
        session->read();
      }
    }
    // Other accept errors (out of file descriptors) concern one connection;
    // keep listening.
    self->accept();
  });
}

namespace {

struct HostPort {
  std::string host;
  std::uint16_t port = 0;
};

Result<HostPort> split_listen(const std::string& listen) {
  const auto bad = [&](const std::string& why) {
    return unexpected(Error{"INVALID_ARGUMENT", "listen address '" + listen + "': " + why});
  };
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos) return bad("expected host:port");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const std::string port_text = listen.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535)
    return bad("port '" + port_text + "' is not a number from 0 to 65535");
  if (host.empty()) return bad("no host");
  return HostPort{host, static_cast<std::uint16_t>(port)};
}

}  // namespace

RestServer::RestServer(asio::io_context& io, core::Controller& controller, Metrics& metrics,
                       RestOptions options)
    : state_(std::make_shared<ServerState>(io, controller, metrics, std::move(options))) {}

RestServer::~RestServer() {
  stop();
}

Result<std::uint16_t> RestServer::start() {
  ServerState& s = *state_;
  if (s.acceptor) return unexpected(Error{"FAILED_PRECONDITION", "REST server already started"});
  auto hp = split_listen(s.options.listen);
  if (!hp) return unexpected(std::move(hp).error());
  beast::error_code ec;
  auto address = asio::ip::make_address(hp->host, ec);
  if (ec) {
    // A name ("localhost"): resolved once, at start, before anything is served.
    tcp::resolver resolver(s.io);
    auto results = resolver.resolve(hp->host, std::to_string(hp->port), ec);
    if (ec || results.empty())
      return unexpected(Error{"INVALID_ARGUMENT", "listen address '" + s.options.listen +
                                                      "': cannot resolve '" + hp->host + "'"});
    address = results.begin()->endpoint().address();
  }
  const tcp::endpoint endpoint(address, hp->port);
  tcp::acceptor acceptor(s.io);
  const auto fail = [&](const char* what) {
    return unexpected(Error{"UNAVAILABLE", std::string("REST: cannot ") + what + " " +
                                               s.options.listen + ": " + ec.message()});
  };
  if (acceptor.open(endpoint.protocol(), ec); ec) return fail("open");
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec); ec) return fail("configure");
  if (acceptor.bind(endpoint, ec); ec) return fail("bind");
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec); ec) return fail("listen on");
  const std::uint16_t port = acceptor.local_endpoint(ec).port();
  if (ec) return fail("read the port of");
  s.acceptor.emplace(std::move(acceptor));
  s.stopped = false;
  s.accept();
  return port;
}

void RestServer::stop() {
  ServerState& s = *state_;
  if (s.stopped) return;
  s.stopped = true;
  beast::error_code ignored;
  if (s.acceptor) s.acceptor->close(ignored);
  for (auto& [id, weak] : s.sessions)
    if (auto session = weak.lock()) session->close();
  s.sessions.clear();
}

}  // namespace lightpath::rest
