#pragma once
// The REST router: matches a request to a route, checks its method and query,
// calls the controller and builds the JSON answer. It knows nothing of
// sockets, so that the server (rest_server.h) only moves bytes.
//
// Runs on the controller's thread: every call into the controller happens
// inside `handle`, or inside a controller reply, which the controller
// delivers on that same thread.

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <string>

#include "controller/auth/access.h"
#include "controller/core/controller.h"
#include "controller/rest/metrics.h"
#include "controller/rest/rest_json.h"

namespace lightpath::rest {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;
using Respond = std::function<void(Response)>;

// A JSON answer with Content-Type and Content-Length set.
Response json_response(http::status status, const nlohmann::json& body, unsigned version);
Response error_response(const HttpError& e, unsigned version);

// The /metrics page: the registry's counters and histograms, then gauges and
// counters read from the controller at scrape time.
std::string render_metrics(const Metrics& metrics, const core::Controller& controller);
// Restoration, reconcile and per-port optical gauges (health_metrics.cpp).
void render_health(Exposition& out, const core::Controller& controller);

class Router {
 public:
  Router(core::Controller& controller, const Metrics& metrics, auth::Guard& guard);

  // Answers `request` by calling `respond` exactly once: before returning for
  // reads and refusals, later (when the controller replies) for a DELETE.
  // Returns the route's label for metrics, e.g. "GET /v1/circuits/{id}"; a
  // path that matches no route is "unmatched", so that probes for random
  // paths cannot create unbounded series. `peer` names the client for the
  // audit log. Every route but /healthz needs a bearer token when the
  // daemon has a token file (docs/security.md).
  std::string handle(const Request& request, const std::string& peer, Respond respond);

 private:
  core::Controller& controller_;
  const Metrics& metrics_;
  auth::Guard& guard_;
};

}  // namespace lightpath::rest
