// Fuzzes lightpathd's REST router (controller/rest/rest_routes.h) on the real
// handler path: the request goes through Beast's HTTP parser with the
// server's limits, as rest_server.cpp reads it, then to Router::handle over
// the real controller with simulated switches in virtual time (fuzz_world.h),
// which holds two ACTIVE circuits (ids 1 and 2) when each input starts.
//
// Input encoding: the first line is the method, the second the request
// target, the rest (possibly empty) the body. For example
//   GET
//   /v1/circuits?state=ACTIVE
// An input Beast would not parse as an HTTP/1.1 request is skipped, as the
// server answers those itself without calling the router.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "controller/rest/rest_routes.h"
#include "controller/rest/rest_server.h"
#include "fuzz/fuzz_world.h"

namespace {

using namespace lightpath;
namespace beast = boost::beast;

// The world, the metrics registry and the router over it. No token file: the
// guard lets every call through as the operator, as lightpathd on loopback.
struct RestWorld {
  fuzzing::World& world;
  rest::Metrics metrics;
  auth::Guard guard{nullptr, nullptr, nullptr};
  rest::Router router;
  explicit RestWorld(fuzzing::World& w) : world(w), router(w.controller(), metrics, guard) {
    w.add_circuit("r1", "rack1", "rack2");
    w.add_circuit("r2", "rack3", "rack4");
  }
};

std::unique_ptr<RestWorld>& rest_world() {
  static std::unique_ptr<RestWorld> w;  // NOLINT: one per fuzzing process
  if (!w) w = std::make_unique<RestWorld>(fuzzing::World::get());
  return w;
}

std::string_view next_line(std::string_view& in) {
  const auto nl = in.find('\n');
  const auto line = in.substr(0, nl);
  in = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
  return line;
}

// Parses the request as the server does, or nothing when Beast refuses it.
std::optional<rest::Request> parse(std::string_view method, std::string_view target,
                                   std::string_view body) {
  const rest::RestOptions limits;
  std::string raw;
  raw.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: fuzz\r\n");
  raw.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n\r\n");
  raw.append(body);
  beast::http::request_parser<beast::http::string_body> parser;
  parser.eager(true);
  parser.body_limit(limits.max_body_bytes);
  parser.header_limit(limits.max_header_bytes);
  beast::error_code ec;
  std::size_t used = 0;
  while (!parser.is_done() && used < raw.size()) {
    const auto n = parser.put(boost::asio::buffer(raw.data() + used, raw.size() - used), ec);
    if (ec || n == 0) return std::nullopt;
    used += n;
  }
  if (!parser.is_done()) return std::nullopt;
  return parser.release();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzzing::quiet_logging();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto method = next_line(in);
  const auto target = next_line(in);
  auto request = parse(method, target, in);
  if (!request) return 0;

  auto& w = *rest_world();
  int answers = 0;
  std::optional<rest::Response> response;
  const std::string label = w.router.handle(*request, "fuzz", [&](rest::Response r) {
    ++answers;
    response = std::move(r);
  });
  if (answers == 0) w.world.settle();  // a DELETE is answered when the controller replies
  if (answers != 1) fuzzing::fail("the router answered " + std::to_string(answers) + " times");
  w.metrics.observe_request("rest", label, std::to_string(response->result_int()), Duration());

  // Every answer but /metrics is a JSON document.
  if (response->result() == beast::http::status::ok && label == "GET /metrics") return 0;
  const auto body = nlohmann::json::parse(response->body(), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) fuzzing::fail("not JSON: " + response->body());

  // A successful DELETE changed the circuits: the next input starts afresh.
  if (request->method() == beast::http::verb::delete_ &&
      response->result() == beast::http::status::ok) {
    rest_world().reset();
    fuzzing::World::reset();
  }
  return 0;
}
