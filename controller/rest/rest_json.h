#pragma once
// The REST API's wire forms: JSON of the controller's records and views,
// the JSON error body, the one mapping from core::ErrorCode to HTTP status,
// and parsing of request targets (path, query, ids, filters). Pure functions,
// so the router and its tests share them.

#include <boost/beast/http/status.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "controller/core/controller.h"
#include "lightpath/result.h"

namespace lightpath::rest {

namespace http = boost::beast::http;

// A refusal as the client sees it: status, machine-readable code, a sentence,
// and the request field at fault (empty when none is).
struct HttpError {
  http::status status = http::status::internal_server_error;
  std::string code;
  std::string message;
  std::string field;
};
template <class T>
using HttpResult = Result<T, HttpError>;

HttpError invalid_argument(std::string field, std::string message);
HttpError not_found(std::string message);
// {"error": {"code": ..., "message": ..., "field": ...}}; no "field" when empty.
nlohmann::json error_json(const HttpError& e);

http::status http_status(core::ErrorCode code);
std::string_view error_code_name(core::ErrorCode code);  // "NOT_FOUND", as gRPC spells it
HttpError from_api_error(const core::ApiError& e);

// Executor time points are ns since the Unix epoch.
std::int64_t unix_ms(TimePoint t);

nlohmann::json circuit_json(const Fabric& fabric, const core::CircuitRecord& c);
nlohmann::json switch_json(const core::SwitchView& s);
nlohmann::json port_json(const core::PortView& p);
nlohmann::json telemetry_json(const southbound::PortTelemetry& t, TimePoint at);
nlohmann::json alarm_json(const core::AlarmView& a);

using Query = std::vector<std::pair<std::string, std::string>>;
struct Target {
  std::string path;  // still percent-encoded: path segments are ids and names we match as is
  Query query;       // decoded, in order
};
// Splits "/v1/circuits?state=ACTIVE&job=j%201" into path and decoded query.
HttpResult<Target> parse_target(std::string_view target);
// Decodes %XX and '+' (a space, as HTML forms send it).
Result<std::string> percent_decode(std::string_view text);

// Refuses a query parameter not in `allowed`, and one given twice, so that a
// typo ("?stat=ACTIVE") is an error rather than a silently unfiltered list.
HttpResult<bool> check_query(const Query& query, std::initializer_list<std::string_view> allowed);
const std::string* find_param(const Query& query, std::string_view name);

// A circuit id as the path names it: decimal, 1 to 2^32-2.
HttpResult<CircuitId> parse_circuit_id(std::string_view text);
// ?job=&tenant=&state=&switch=&endpoint= (and the page's &limit=&after=)
HttpResult<core::CircuitFilter> parse_circuit_filter(const Query& query);
// The `limit` query parameter: how many list entries to send at most (all when absent).
HttpResult<std::size_t> parse_limit(const Query& query);
// The `after` query parameter: list circuits with a greater id (0, from the
// first, when absent); an error naming `after` when it is not a circuit id.
HttpResult<CircuitId> parse_after(const Query& query);
// ?include_cleared=true|false|1|0
HttpResult<bool> parse_bool_param(const Query& query, std::string_view name, bool fallback);

}  // namespace lightpath::rest
