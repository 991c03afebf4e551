#include "controller/rest/rest_json.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

namespace lightpath::rest {

HttpError invalid_argument(std::string field, std::string message) {
  return {http::status::bad_request, "INVALID_ARGUMENT", std::move(message), std::move(field)};
}

HttpError not_found(std::string message) {
  return {http::status::not_found, "NOT_FOUND", std::move(message), {}};
}

nlohmann::json error_json(const HttpError& e) {
  nlohmann::json body{{"code", e.code}, {"message", e.message}};
  if (!e.field.empty()) body["field"] = e.field;
  return {{"error", std::move(body)}};
}

http::status http_status(core::ErrorCode code) {
  switch (code) {
    case core::ErrorCode::kInvalidArgument:
      return http::status::bad_request;
    case core::ErrorCode::kNotFound:
      return http::status::not_found;
    case core::ErrorCode::kFailedPrecondition:
      return http::status::conflict;
    case core::ErrorCode::kResourceExhausted:
      return http::status::too_many_requests;
    case core::ErrorCode::kUnavailable:
      return http::status::service_unavailable;
    case core::ErrorCode::kInternal:
      return http::status::internal_server_error;
  }
  return http::status::internal_server_error;
}

std::string_view error_code_name(core::ErrorCode code) {
  switch (code) {
    case core::ErrorCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case core::ErrorCode::kNotFound:
      return "NOT_FOUND";
    case core::ErrorCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case core::ErrorCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case core::ErrorCode::kUnavailable:
      return "UNAVAILABLE";
    case core::ErrorCode::kInternal:
      return "INTERNAL";
  }
  return "INTERNAL";
}

HttpError from_api_error(const core::ApiError& e) {
  return {http_status(e.code), std::string(error_code_name(e.code)), e.message, {}};
}

std::int64_t unix_ms(TimePoint t) {
  return t.since_epoch_ns() / 1'000'000;
}

nlohmann::json circuit_json(const Fabric& f, const core::CircuitRecord& r) {
  const solver::Circuit& c = r.circuit;
  nlohmann::json hops = nlohmann::json::array();
  for (const auto& h : c.hops)
    hops.push_back({{"switch", f.optical_switch(h.optical_switch).name},
                    {"in", h.in_port},
                    {"out", h.out_port}});
  return {{"id", c.id.value()},
          {"request_id", c.request_id},
          {"job_id", r.job_id},
          {"tenant", r.tenant},
          {"priority", c.priority},
          {"state", core::to_string(r.state)},
          {"reason", r.reason},
          {"a", f.port_name(c.a)},
          {"b", f.port_name(c.b)},
          {"hops", std::move(hops)},
          {"wavelengths", c.wavelengths},
          {"bandwidth_gbps", c.bandwidth.gbps()},
          {"lease_expires_unix_ms", r.lease_end ? nlohmann::json(unix_ms(*r.lease_end)) : nullptr},
          {"created_unix_ms", unix_ms(r.created)},
          {"updated_unix_ms", unix_ms(r.updated)}};
}

nlohmann::json switch_json(const core::SwitchView& s) {
  return {{"name", s.name},
          {"kind", to_string(s.kind)},
          {"port_count", s.port_count},
          {"ports_in_use", s.ports_in_use},
          {"reconfigurations", s.reconfigurations},
          {"up", s.up},
          {"drained", s.drained}};
}

nlohmann::json telemetry_json(const southbound::PortTelemetry& t, TimePoint at) {
  return {{"input_power_dbm", t.input_power.value()},
          {"output_power_dbm", t.output_power.value()},
          {"osnr_db", t.osnr.value()},
          {"ber", t.ber},
          {"at_unix_ms", unix_ms(at)}};
}

nlohmann::json port_json(const core::PortView& p) {
  nlohmann::json telemetry = nullptr;
  if (p.telemetry) telemetry = telemetry_json(*p.telemetry, p.telemetry_at);
  return {
      {"index", p.index},
      {"cabled_to", p.cabled_to.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.cabled_to)},
      {"peer", p.peer >= 0 ? nlohmann::json(p.peer) : nullptr},
      {"circuit", p.circuit ? nlohmann::json(p.circuit->value()) : nullptr},
      {"status", southbound::to_string(p.status)},
      {"in_service", p.in_service},
      {"drained", p.drained},
      {"held", p.held},
      {"telemetry", std::move(telemetry)}};
}

nlohmann::json alarm_json(const core::AlarmView& a) {
  return {{"at_unix_ms", unix_ms(a.at)},
          {"switch", a.switch_name},
          {"port", a.alarm.port >= 0 ? nlohmann::json(a.alarm.port) : nullptr},
          {"kind", southbound::to_string(a.alarm.kind)},
          {"message", a.alarm.message},
          {"active", a.active}};
}

Result<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c != '%') {
      out += c;
    } else {
      unsigned value = 0;
      const char* first = text.data() + i + 1;
      if (i + 2 >= text.size()) return unexpected(Error{"INVALID_ARGUMENT", "truncated %-escape"});
      const auto [end, ec] = std::from_chars(first, first + 2, value, 16);
      if (ec != std::errc() || end != first + 2)
        return unexpected(Error{"INVALID_ARGUMENT", "bad %-escape"});
      out += static_cast<char>(value);
      i += 2;
    }
  }
  return out;
}

HttpResult<Target> parse_target(std::string_view target) {
  Target t;
  const auto q = target.find('?');
  t.path = std::string(target.substr(0, q));
  if (q == std::string_view::npos) return t;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq));
    if (!name) return unexpected(invalid_argument("query", "query: " + name.error().message));
    auto value =
        percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (!value) return unexpected(invalid_argument(*name, *name + ": " + value.error().message));
    t.query.emplace_back(std::move(*name), std::move(*value));
  }
  return t;
}

HttpResult<bool> check_query(const Query& query, std::initializer_list<std::string_view> allowed) {
  for (std::size_t i = 0; i < query.size(); ++i) {
    const std::string& name = query[i].first;
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string known;
      for (auto a : allowed) known += (known.empty() ? "" : ", ") + std::string(a);
      return unexpected(invalid_argument(
          name, "unknown query parameter '" + name + "'" +
                    (known.empty() ? "; this endpoint takes none" : "; expected one of " + known)));
    }
    for (std::size_t j = 0; j < i; ++j)
      if (query[j].first == name)
        return unexpected(invalid_argument(name, "query parameter '" + name + "' given twice"));
  }
  return true;
}

const std::string* find_param(const Query& query, std::string_view name) {
  for (const auto& [k, v] : query)
    if (k == name) return &v;
  return nullptr;
}

namespace {

// `field` names the path segment or query parameter the text came from.
HttpResult<CircuitId> parse_id_of(std::string_view field, std::string_view text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(),
                                                   [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || ec != std::errc() || end != text.data() + text.size() || v == 0 ||
      v >= CircuitId::kInvalid)
    return unexpected(invalid_argument(std::string(field),
                                       std::string(field) + ": '" + std::string(text) +
                                           "' is not a circuit id (a positive decimal number)"));
  return CircuitId(static_cast<std::uint32_t>(v));
}

}  // namespace

HttpResult<CircuitId> parse_circuit_id(std::string_view text) {
  return parse_id_of("id", text);
}

HttpResult<CircuitId> parse_after(const Query& query) {
  const auto* v = find_param(query, "after");
  if (!v) return CircuitId(0);
  return parse_id_of("after", *v);
}

HttpResult<core::CircuitFilter> parse_circuit_filter(const Query& query) {
  auto known =
      check_query(query, {"job", "tenant", "state", "switch", "endpoint", "limit", "after"});
  if (!known) return unexpected(std::move(known).error());
  core::CircuitFilter f;
  if (const auto* v = find_param(query, "job")) f.job_id = *v;
  if (const auto* v = find_param(query, "tenant")) f.tenant = *v;
  if (const auto* v = find_param(query, "switch")) f.switch_name = *v;
  if (const auto* v = find_param(query, "endpoint")) f.endpoint = *v;
  if (const auto* v = find_param(query, "state")) {
    std::string upper = *v;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    f.state = core::parse_circuit_state(upper);
    if (!f.state)
      return unexpected(invalid_argument(
          "state", "state: unknown circuit state '" + *v +
                       "'; expected PENDING, PROGRAMMING, ACTIVE, RELEASING, RELEASED, FAILED, "
                       "PREEMPTED or RESTORING"));
  }
  return f;
}

HttpResult<std::size_t> parse_limit(const Query& query) {
  const auto* v = find_param(query, "limit");
  if (!v) return std::numeric_limits<std::size_t>::max();
  std::size_t n = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (v->empty() || ec != std::errc() || end != v->data() + v->size() || n == 0)
    return unexpected(
        invalid_argument("limit", "limit: '" + *v + "' is not a positive decimal number"));
  return n;
}

HttpResult<bool> parse_bool_param(const Query& query, std::string_view name, bool fallback) {
  const auto* v = find_param(query, name);
  if (!v) return fallback;
  if (*v == "true" || *v == "1" || v->empty()) return true;
  if (*v == "false" || *v == "0") return false;
  return unexpected(invalid_argument(std::string(name),
                                     std::string(name) + ": '" + *v + "' is not true or false"));
}

}  // namespace lightpath::rest
