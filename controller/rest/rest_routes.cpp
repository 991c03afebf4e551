#include "controller/rest/rest_routes.h"

#include <algorithm>
#include <array>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <charconv>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "controller/rest/ui_assets.h"

namespace lightpath::rest {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path.front() != '/') return segments;
  path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

// Route templates and the methods each allows. A path that matches a
// template but not its methods is a 405, not a 404.
enum class Route {
  kNone,
  kHealth,
  kMetrics,
  kCircuits,
  kCircuit,
  kSwitches,
  kPorts,
  kTelemetry,
  kAlarms,
  kDrain,
  kPortDrain,
  kUiHome,  // "/" and "/ui": a redirect to the web view
  kUi       // the web view's files
};

struct Match {
  Route route = Route::kNone;
  std::string_view name;  // the template, for metrics labels
  std::string_view arg;   // {id} or {name}, still percent-encoded
  std::string_view arg2;  // {port}
};

Match match(const std::vector<std::string_view>& s) {
  const auto n = s.size();
  // The web view: its page is /ui/, whose empty last segment names it.
  if ((n == 1 && (s[0].empty() || s[0] == "ui")))
    return {Route::kUiHome, s[0].empty() ? "/" : "/ui", {}, {}};
  if (n == 2 && s[0] == "ui") return {Route::kUi, "/ui/{file}", s[1], {}};
  const auto empty = std::any_of(s.begin(), s.end(), [](std::string_view x) { return x.empty(); });
  if (n == 0 || empty) return {};
  if (n == 1 && s[0] == "healthz") return {Route::kHealth, "/healthz", {}, {}};
  if (n == 1 && s[0] == "metrics") return {Route::kMetrics, "/metrics", {}, {}};
  if (n < 2 || s[0] != "v1") return {};
  if (n == 2 && s[1] == "circuits") return {Route::kCircuits, "/v1/circuits", {}, {}};
  if (n == 3 && s[1] == "circuits") return {Route::kCircuit, "/v1/circuits/{id}", s[2], {}};
  if (n == 2 && s[1] == "switches") return {Route::kSwitches, "/v1/switches", {}, {}};
  if (n == 4 && s[1] == "switches" && s[3] == "ports")
    return {Route::kPorts, "/v1/switches/{name}/ports", s[2], {}};
  if (n == 6 && s[1] == "switches" && s[3] == "ports" && s[5] == "telemetry")
    return {Route::kTelemetry, "/v1/switches/{name}/ports/{port}/telemetry", s[2], s[4]};
  if (n == 2 && s[1] == "alarms") return {Route::kAlarms, "/v1/alarms", {}, {}};
  if (n == 4 && s[1] == "switches" && s[3] == "drain")
    return {Route::kDrain, "/v1/switches/{name}/drain", s[2], {}};
  if (n == 6 && s[1] == "switches" && s[3] == "ports" && s[5] == "drain")
    return {Route::kPortDrain, "/v1/switches/{name}/ports/{port}/drain", s[2], s[4]};
  return {};
}

bool is_drain(Route route) {
  return route == Route::kDrain || route == Route::kPortDrain;
}

bool allows(Route route, http::verb verb) {
  if (is_drain(route)) return verb == http::verb::post || verb == http::verb::delete_;
  if (verb == http::verb::get) return true;
  return route == Route::kCircuit && verb == http::verb::delete_;
}

std::string_view allow_header(Route route) {
  if (is_drain(route)) return "POST, DELETE";
  return route == Route::kCircuit ? "GET, DELETE" : "GET";
}

// What a call on `route` does, for auth; nullopt for the open /healthz.
std::optional<auth::Action> action_of(Route route, http::verb verb) {
  switch (route) {
    case Route::kHealth:
    case Route::kNone:
    case Route::kUiHome:
    case Route::kUi:  // the page and its script hold no data; what they fetch is checked
      return std::nullopt;
    case Route::kMetrics:
      return auth::Action::kReadMetrics;
    case Route::kCircuits:
      return auth::Action::kReadCircuits;
    case Route::kCircuit:
      return verb == http::verb::delete_ ? auth::Action::kReleaseCircuits
                                         : auth::Action::kReadCircuits;
    case Route::kSwitches:
    case Route::kPorts:
    case Route::kTelemetry:
    case Route::kAlarms:
      return auth::Action::kReadFabric;
    case Route::kDrain:
    case Route::kPortDrain:
      return auth::Action::kDrainSwitch;
  }
  return std::nullopt;
}

HttpError from_refusal(const auth::Refusal& r) {
  switch (r.kind) {
    case auth::Refusal::Kind::kUnauthenticated:
      return {http::status::unauthorized, "UNAUTHENTICATED", r.message, {}};
    case auth::Refusal::Kind::kForbidden:
      return {http::status::forbidden, "PERMISSION_DENIED", r.message, {}};
    case auth::Refusal::Kind::kRateLimited:
      return {http::status::too_many_requests, "RESOURCE_EXHAUSTED", r.message, {}};
  }
  return {http::status::internal_server_error, "INTERNAL", r.message, {}};
}

// The caller, and how to check a circuit's tenant once it is known.
struct Caller {
  auth::Guard& guard;
  auth::CallInfo call;
  auth::Identity who;

  std::optional<HttpError> foreign(std::string_view tenant) const {
    auto ok = guard.check_tenant(call, who, auth::Action::kReadCircuits, tenant);
    if (ok) return std::nullopt;
    return from_refusal(ok.error());
  }
};

constexpr std::array kAllStates{core::CircuitState::kPending,   core::CircuitState::kProgramming,
                                core::CircuitState::kActive,    core::CircuitState::kReleasing,
                                core::CircuitState::kReleased,  core::CircuitState::kFailed,
                                core::CircuitState::kPreempted, core::CircuitState::kRestoring};

std::string method_label(http::verb verb) {
  return verb == http::verb::unknown ? "OTHER" : std::string(http::to_string(verb));
}

// Serves a matched, allowed route. Returns the refusal to send, or nothing
// when `respond` was called, or taken to be called when the controller replies.
// A {port} path segment: a non-negative decimal number, nothing else.
HttpResult<int> parse_port(std::string_view text) {
  int port = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (ec != std::errc() || end != text.data() + text.size() || port < 0)
    return unexpected(
        invalid_argument("port", "port: '" + std::string(text) + "' is not a port number"));
  return port;
}

// The controller's refusal of a {name}/{port} call, naming the part at fault.
HttpError switch_or_port_error(const core::ApiError& error) {
  HttpError e = from_api_error(error);
  e.field = error.message.rfind("port:", 0) == 0 ? "port" : "name";
  if (e.field == "name") e.message = "name: " + e.message;
  return e;
}

std::optional<HttpError> serve(core::Controller& controller, const Metrics& metrics, const Match& m,
                               const Request& req, const Query& q, const Caller& caller,
                               Respond& respond) {
  const Route route = m.route;
  const std::string_view arg = m.arg;
  const std::string_view arg2 = m.arg2;
  const unsigned version = req.version();
  const auto ok = [&](nlohmann::json body) {
    respond(json_response(http::status::ok, body, version));
    return std::nullopt;
  };
  switch (route) {
    case Route::kHealth:
      if (auto checked = check_query(q, {}); !checked) return checked.error();
      return ok({{"status", "ok"}});

    case Route::kMetrics: {
      if (auto checked = check_query(q, {}); !checked) return checked.error();
      Response res{http::status::ok, version};
      res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      res.body() = render_metrics(metrics, controller);
      res.prepare_payload();
      respond(std::move(res));
      return std::nullopt;
    }

    case Route::kCircuits: {
      auto filter = parse_circuit_filter(q);
      if (!filter) return filter.error();
      const auto limit = parse_limit(q);
      if (!limit) return limit.error();
      const auto after = parse_after(q);
      if (!after) return after.error();
      if (caller.who.role == auth::Role::kScheduler) {
        if (auto no = caller.foreign(filter->tenant)) return no;
        filter->tenant = caller.who.tenant;  // its own circuits only
      }
      // A dashboard asks for a page: copying and rendering 100,000 circuits
      // on the controller's thread at every refresh would stall other callers.
      const auto page = controller.list(*filter, *limit, *after);
      nlohmann::json list = nlohmann::json::array();
      for (const auto& c : page.circuits) list.push_back(circuit_json(controller.fabric(), c));
      nlohmann::json next_after = nullptr;  // null on the last page
      if (page.next_after) next_after = page.next_after->value();
      return ok({{"circuits", std::move(list)},
                 {"total", page.total},
                 {"next_after", std::move(next_after)}});
    }

    case Route::kCircuit: {
      auto id = parse_circuit_id(arg);
      if (!id) return id.error();
      auto checked = check_query(q, req.method() == http::verb::delete_
                                        ? std::initializer_list<std::string_view>{"tenant"}
                                        : std::initializer_list<std::string_view>{});
      if (!checked) return checked.error();
      auto circuit = controller.get(*id);
      if (!circuit) {
        HttpError e = from_api_error(circuit.error());
        e.field = "id";
        e.message = "id: " + e.message;
        return e;
      }
      if (auto no = caller.foreign(circuit->tenant)) return no;
      if (req.method() == http::verb::get) return ok(circuit_json(controller.fabric(), *circuit));
      const std::string* tenant = find_param(q, "tenant");
      if (tenant != nullptr) {
        if (auto no = caller.foreign(*tenant)) return no;
      }
      // A scheduler releases as its tenant; an operator's release is forced.
      core::ReleaseSpec spec{caller.who.role == auth::Role::kScheduler ? caller.who.tenant
                             : tenant                                  ? *tenant
                                                                       : std::string{},
                             {},
                             {*id}};
      // The reply arrives on the controller's thread, which is this one.
      controller.release(std::move(spec), [&controller, version, respond = std::move(respond)](
                                              core::ApiResult<std::vector<CircuitId>> r) {
        if (!r) return respond(error_response(from_api_error(r.error()), version));
        nlohmann::json ids = nlohmann::json::array();
        nlohmann::json circuits = nlohmann::json::array();
        for (auto cid : *r) {
          ids.push_back(cid.value());
          if (auto now = controller.get(cid))
            circuits.push_back(circuit_json(controller.fabric(), *now));
        }
        respond(json_response(http::status::ok,
                              {{"released", std::move(ids)}, {"circuits", std::move(circuits)}},
                              version));
      });
      return std::nullopt;
    }

    case Route::kSwitches: {
      if (auto checked = check_query(q, {}); !checked) return checked.error();
      nlohmann::json list = nlohmann::json::array();
      for (const auto& s : controller.switches()) list.push_back(switch_json(s));
      return ok({{"switches", std::move(list)}});
    }

    case Route::kPorts: {
      if (auto checked = check_query(q, {}); !checked) return checked.error();
      auto name = percent_decode(arg);
      if (!name) return invalid_argument("name", "switch name: " + name.error().message);
      auto ports = controller.ports(*name);
      if (!ports) {
        HttpError e = from_api_error(ports.error());
        e.field = "name";
        e.message = "name: " + e.message;
        return e;
      }
      nlohmann::json list = nlohmann::json::array();
      for (const auto& p : *ports) list.push_back(port_json(p));
      return ok({{"switch", *name}, {"ports", std::move(list)}});
    }

    case Route::kTelemetry: {
      if (auto checked = check_query(q, {}); !checked) return checked.error();
      auto name = percent_decode(arg);
      if (!name) return invalid_argument("name", "switch name: " + name.error().message);
      auto port = parse_port(arg2);
      if (!port) return port.error();
      auto samples = controller.port_telemetry(*name, *port);
      if (!samples) return switch_or_port_error(samples.error());
      nlohmann::json list = nlohmann::json::array();
      for (const auto& s : *samples) list.push_back(telemetry_json(s.reading, s.at));
      return ok({{"switch", *name}, {"port", *port}, {"samples", std::move(list)}});
    }

    case Route::kAlarms: {
      if (auto checked = check_query(q, {"include_cleared"}); !checked) return checked.error();
      auto include_cleared = parse_bool_param(q, "include_cleared", false);
      if (!include_cleared) return include_cleared.error();
      nlohmann::json list = nlohmann::json::array();
      for (const auto& a : controller.alarms(*include_cleared)) list.push_back(alarm_json(a));
      return ok({{"alarms", std::move(list)}});
    }

    case Route::kDrain:
    case Route::kPortDrain: {
      if (auto checked = check_query(q, {}); !checked) return checked.error();
      auto name = percent_decode(arg);
      if (!name) return invalid_argument("name", "switch name: " + name.error().message);
      int port = -1;
      if (m.route == Route::kPortDrain) {
        auto p = parse_port(arg2);
        if (!p) return p.error();
        port = *p;
      }
      const bool drain = req.method() == http::verb::post;
      // The reply arrives on the controller's thread, which is this one.
      controller.drain(*name, port, drain,
                       [name = *name, port, drain, version,
                        respond = std::move(respond)](core::ApiResult<int> n) {
                         if (!n)
                           return respond(error_response(switch_or_port_error(n.error()), version));
                         nlohmann::json body{{"switch", name}, {"drained", drain}};
                         if (port < 0) {
                           body["circuits_on_switch"] = *n;
                         } else {
                           body["port"] = port;
                           body["circuits_on_port"] = *n;
                         }
                         respond(json_response(http::status::ok, body, version));
                       });
      return std::nullopt;
    }

    case Route::kUiHome: {
      if (auto checked = check_query(q, {}); !checked) return checked.error();
      Response res{http::status::permanent_redirect, version};
      res.set(http::field::location, "/ui/");
      res.prepare_payload();
      respond(std::move(res));
      return std::nullopt;
    }

    case Route::kUi: {
      if (auto checked = check_query(q, {}); !checked) return checked.error();
      const auto asset = ui_asset(arg);
      if (!asset) return not_found("no such file of the web view: " + std::string(arg));
      Response res{http::status::ok, version};
      res.set(http::field::content_type, std::string(asset->content_type));
      res.set(http::field::cache_control, "no-cache");
      // Only this daemon's own files and API, so a name in the data that
      // slipped past textContent could still neither run nor send anything away.
      res.set("Content-Security-Policy",
              "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
              "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
      res.set("X-Content-Type-Options", "nosniff");
      res.set("Referrer-Policy", "no-referrer");
      res.body() = std::string(asset->body);
      res.prepare_payload();
      respond(std::move(res));
      return std::nullopt;
    }

    case Route::kNone:
      break;
  }
  return not_found("no such endpoint");
}

}  // namespace

Response json_response(http::status status, const nlohmann::json& body, unsigned version) {
  Response res{status, version};
  res.set(http::field::content_type, "application/json");
  // Messages echo the request's target, whose bytes need not be UTF-8:
  // replace what JSON cannot carry rather than throw.
  res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  res.body() += '\n';
  res.prepare_payload();
  return res;
}

Response error_response(const HttpError& e, unsigned version) {
  return json_response(e.status, error_json(e), version);
}

std::string render_metrics(const Metrics& metrics, const core::Controller& c) {
  return metrics.render([&c](Exposition& out) {
    out.family("lightpath_circuits", "Circuits the controller holds, by lifecycle state.",
               MetricType::kGauge);
    const auto by_state = c.circuits_by_state();
    // Every state is written, zeros too, so a series does not vanish from
    // dashboards and alerts when its count drops to zero.
    for (const auto state : kAllStates) {
      const auto it = by_state.find(state);
      out.sample("lightpath_circuits", {{"state", std::string(core::to_string(state))}},
                 static_cast<std::uint64_t>(it == by_state.end() ? 0 : it->second));
    }
    out.family("lightpath_ports_in_use",
               "Optical switch ports held by circuits, over all switches.", MetricType::kGauge);
    out.sample("lightpath_ports_in_use", {}, c.ports_in_use());

    const auto switches = c.switches();
    out.family("lightpath_switch_ports_in_use", "Ports of one optical switch held by circuits.",
               MetricType::kGauge);
    for (const auto& s : switches)
      out.sample("lightpath_switch_ports_in_use", {{"switch", s.name}}, s.ports_in_use);
    out.family("lightpath_switch_up", "1 when the controller can reach the switch, else 0.",
               MetricType::kGauge);
    for (const auto& s : switches)
      out.sample("lightpath_switch_up", {{"switch", s.name}}, s.up ? 1 : 0);
    out.family("lightpath_switch_reconfigurations_total",
               "Reconfiguration batches applied to one optical switch.", MetricType::kCounter);
    for (const auto& s : switches)
      out.sample("lightpath_switch_reconfigurations_total", {{"switch", s.name}},
                 s.reconfigurations);

    const core::Counters k = c.counters();
    out.family("lightpath_circuit_requests_total",
               "Circuit requests answered by the core, by outcome.", MetricType::kCounter);
    for (const auto& [outcome, n] : k.requests)
      out.sample("lightpath_circuit_requests_total", {{"outcome", outcome}}, n);
    out.family("lightpath_store_commits_total", "Group commits of the state store.",
               MetricType::kCounter);
    out.sample("lightpath_store_commits_total", {}, k.commits);
    out.family("lightpath_store_committed_writes_total",
               "Records written to the state store by those commits.", MetricType::kCounter);
    out.sample("lightpath_store_committed_writes_total", {}, k.committed_writes);
    out.family("lightpath_southbound_batches_total", "Cross-connect batches sent to the switches.",
               MetricType::kCounter);
    out.sample("lightpath_southbound_batches_total", {}, k.batches_sent);
    out.family("lightpath_alarms_active", "Alarms raised by the switches and not yet cleared.",
               MetricType::kGauge);
    out.sample("lightpath_alarms_active", {},
               static_cast<std::uint64_t>(c.alarms(/*include_cleared=*/false).size()));
    render_health(out, c);
  });
}

Router::Router(core::Controller& controller, const Metrics& metrics, auth::Guard& guard)
    : controller_(controller), metrics_(metrics), guard_(guard) {}

std::string Router::handle(const Request& req, const std::string& peer, Respond respond) {
  const unsigned version = req.version();
  auto target = parse_target(std::string_view(req.target().data(), req.target().size()));
  const Match m = target ? match(split_path(target->path)) : Match{};
  if (m.route == Route::kNone) {
    respond(error_response(target ? not_found("no such endpoint: " + target->path) : target.error(),
                           version));
    return "unmatched";
  }
  std::string label = method_label(req.method()) + " " + std::string(m.name);
  if (!allows(m.route, req.method())) {
    const std::string allow(allow_header(m.route));
    Response res = error_response(
        {http::status::method_not_allowed,
         "METHOD_NOT_ALLOWED",
         std::string(m.name) + " allows " + allow + ", not " + method_label(req.method()),
         {}},
        version);
    res.set(http::field::allow, allow);
    respond(std::move(res));
    return label;
  }
  Caller caller{guard_, {"rest", label, peer}, {}};
  if (const auto action = action_of(m.route, req.method())) {
    const std::string* tenant = find_param(target->query, "tenant");
    const auto auth_header = req[http::field::authorization];
    auto who = guard_.admit(caller.call, std::string_view(auth_header.data(), auth_header.size()),
                            *action, tenant ? std::string_view(*tenant) : std::string_view());
    if (!who) {
      Response res = error_response(from_refusal(who.error()), version);
      if (who.error().kind == auth::Refusal::Kind::kUnauthenticated) {
        res.set(http::field::www_authenticate, "Bearer realm=\"lightpathd\"");
      }
      respond(std::move(res));
      return label;
    }
    caller.who = std::move(*who);
  }
  // The query is checked whole before the controller is called, so that a
  // refused call has changed nothing.
  if (auto refused = serve(controller_, metrics_, m, req, target->query, caller, respond))
    respond(error_response(*refused, version));
  return label;
}

}  // namespace lightpath::rest
