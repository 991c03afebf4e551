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
#include <boost/beast/ssl/ssl_stream.hpp>
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

// What the server keeps of a connection, whatever its stream.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close() = 0;
};

struct ServerState : std::enable_shared_from_this<ServerState> {
  ServerState(asio::io_context& io_context, core::Controller& controller, Metrics& m, RestOptions o)
      : io(io_context),
        controller(controller),
        router(controller, m, o.guard != nullptr ? *o.guard : open_guard),
        metrics(m),
        options(std::move(o)) {}

  void accept();
  template <class S>
  void serve(std::shared_ptr<S> session);

  asio::io_context& io;
  core::Controller& controller;  // its executor's clock times each request
  auth::Guard open_guard{nullptr, nullptr, nullptr};
  Router router;
  Metrics& metrics;
  const RestOptions options;
  std::optional<tcp::acceptor> acceptor;
  std::map<std::uint64_t, std::weak_ptr<SessionBase>> sessions;
  std::optional<asio::ssl::context> tls;  // set when serving HTTPS
  std::uint64_t next_session = 1;
  bool stopped = false;
};

// One client connection: read a request, answer it, and, with keep-alive,
// read the next. One request at a time; pipelined requests wait in `buffer_`.
// `Stream` is a beast::tcp_stream, or an ssl_stream over one for HTTPS (the
// TLS handshake comes first).
template <class Stream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... Args>
  Session(std::shared_ptr<ServerState> server, std::uint64_t id, Args&&... stream_args)
      : server_(std::move(server)), stream_(std::forward<Args>(stream_args)...), id_(id) {}
  ~Session() override {
    if (!server_->stopped) server_->sessions.erase(id_);
  }

  void start() {
    if constexpr (kTls) {
      lowest().expires_after(to_chrono(server_->options.idle_timeout));
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec || self->server_->stopped) return self->close();
                                self->read();
                              });
    } else {
      read();
    }
  }

  void read() {
    parser_.emplace();
    parser_->body_limit(server_->options.max_body_bytes);
    parser_->header_limit(server_->options.max_header_bytes);
    lowest().expires_after(to_chrono(server_->options.idle_timeout));
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  // Answers without reading a request, then closes.
  std::uint64_t id() const { return id_; }

  void refuse(const HttpError& e) {
    // Over TLS the answer would need a handshake first; a busy server just hangs up.
    if constexpr (kTls) return close();
    started_ = server_->controller.now();
    label_ = "unparsed";
    write(error_response(e, 11), /*keep_alive=*/false);
  }

  void close() override {
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest().socket().close(ignored);
  }

 private:
  void on_read(beast::error_code ec) {
    if (server_->stopped) return;
    started_ = server_->controller.now();
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
        ec == asio::error::eof || ec.category() == asio::error::get_ssl_category())
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
    beast::error_code ignored;
    const auto remote = lowest().socket().remote_endpoint(ignored);
    const std::string peer =
        ignored ? std::string("unknown")
                : remote.address().to_string() + ":" + std::to_string(remote.port());
    label_ = server_->router.handle(request, peer,
                                    [self = this->shared_from_this(), keep_alive](Response r) {
                                      self->write(std::move(r), keep_alive);
                                    });
  }

  void write(Response response, bool keep_alive) {
    if (server_->stopped) return;
    response.keep_alive(keep_alive);
    response.set(http::field::server, "lightpathd");
    out_ = std::move(response);
    lowest().expires_after(to_chrono(server_->options.idle_timeout));
    http::async_write(stream_, *out_,
                      [self = this->shared_from_this(), keep_alive](
                          beast::error_code ec, std::size_t) { self->on_write(ec, keep_alive); });
  }

  void on_write(beast::error_code ec, bool keep_alive) {
    if (server_->stopped) return;
    server_->metrics.observe_request("rest", label_, std::to_string(out_->result_int()),
                                     server_->controller.now() - started_);
    out_.reset();
    if (ec) return close();
    if (keep_alive) return read();
    beast::error_code ignored;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    // One deadline for the whole drain, so a client trickling bytes cannot
    // hold the socket past it.
    lowest().expires_after(kDrainTime);
    drain();
  }

  // Reads and drops what the client still sends, on the raw socket (under
  // TLS too: the answer is out, only the hang-up is awaited).
  void drain() {
    lowest().async_read_some(asio::buffer(scratch_),
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                               if (ec || self->server_->stopped) return self->close();
                               self->drain();
                             });
  }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  std::shared_ptr<ServerState> server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<Response> out_;
  std::string label_;
  TimePoint started_;
  std::array<char, 4096> scratch_{};
  std::uint64_t id_;
};

template <class S>
void ServerState::serve(std::shared_ptr<S> session) {
  const bool over = sessions.size() >= options.max_connections;
  sessions.emplace(session->id(), session);
  if (over) {
    session->refuse(
        {http::status::service_unavailable,
         "UNAVAILABLE",
         "too many open connections (limit " + std::to_string(options.max_connections) + ")",
         {}});
  } else {
    session->start();
  }
}

void ServerState::accept() {
  // The handler holds the State: after stop() it still runs (with
  // operation_aborted) and must find `stopped` in live memory.
  acceptor->async_accept([self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
    if (self->stopped || ec == asio::error::operation_aborted) return;
    if (!ec) {
      if (self->tls) {
        self->serve(std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
            self, self->next_session++, std::move(socket), *self->tls));
      } else {
        self->serve(std::make_shared<Session<beast::tcp_stream>>(self, self->next_session++,
                                                                 std::move(socket)));
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
  if (!s.options.tls_cert.empty()) {
    asio::ssl::context tls(asio::ssl::context::tls_server);
    tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                    asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                    asio::ssl::context::no_tlsv1_1);
    if (tls.use_certificate_chain_file(s.options.tls_cert, ec); ec)
      return unexpected(Error{"TLS", "tls_cert " + s.options.tls_cert + ": " + ec.message()});
    if (tls.use_private_key_file(s.options.tls_key, asio::ssl::context::pem, ec); ec)
      return unexpected(Error{"TLS", "tls_key " + s.options.tls_key + ": " + ec.message()});
    s.tls.emplace(std::move(tls));
  }
  s.acceptor.emplace(std::move(acceptor));
  s.stopped = false;
  s.accept();
  return port;
}

bool RestServer::listening() const {
  const ServerState& s = *state_;
  return !s.stopped && s.acceptor && s.acceptor->is_open();
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
