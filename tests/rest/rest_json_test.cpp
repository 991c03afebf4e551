// The REST wire forms without sockets: targets, queries, ids, filters, the
// error body, the status mapping, and the JSON of records and views.
#include "controller/rest/rest_json.h"

#include <doctest/doctest.h>

#include "controller/topology/topology_loader.h"

namespace lightpath::rest {

TEST_CASE("a target splits into path and decoded query") {
  auto t = parse_target("/v1/circuits?job=j%201&endpoint=rack1%2Fgpu-nic&state=ACTIVE&flag");
  REQUIRE(t);
  CHECK(t->path == "/v1/circuits");
  REQUIRE(t->query.size() == 4);
  CHECK(t->query[0] == std::pair<std::string, std::string>{"job", "j 1"});
  CHECK(t->query[1].second == "rack1/gpu-nic");
  CHECK(t->query[3] == std::pair<std::string, std::string>{"flag", ""});
  CHECK(parse_target("/healthz")->query.empty());
}

TEST_CASE("a bad %-escape is refused naming the parameter") {
  auto t = parse_target("/v1/circuits?job=%zz");
  REQUIRE(!t);
  CHECK(t.error().status == http::status::bad_request);
  CHECK(t.error().field == "job");
  CHECK(!percent_decode("abc%4"));
  CHECK(*percent_decode("a%2Fb+c") == "a/b c");
}

TEST_CASE("unknown and repeated query parameters are refused") {
  auto unknown = check_query({{"stat", "ACTIVE"}}, {"state", "job"});
  REQUIRE(!unknown);
  CHECK(unknown.error().field == "stat");
  CHECK(unknown.error().message.find("state, job") != std::string::npos);
  auto twice = check_query({{"job", "a"}, {"job", "b"}}, {"job"});
  REQUIRE(!twice);
  CHECK(twice.error().field == "job");
  CHECK(check_query({}, {}));
}

TEST_CASE("circuit ids are positive decimal numbers below the invalid id") {
  CHECK(parse_circuit_id("42")->value() == 42);
  for (const char* bad : {"0", "abc", "", "-1", "+1", "1x", "4294967295", "99999999999", " 1"}) {
    CAPTURE(bad);
    auto id = parse_circuit_id(bad);
    REQUIRE(!id);
    CHECK(id.error().field == "id");
    CHECK(id.error().code == "INVALID_ARGUMENT");
  }
}

TEST_CASE("circuit filters read every parameter and refuse unknown states") {
  auto f = parse_circuit_filter({{"job", "j"},
                                 {"tenant", "t"},
                                 {"state", "active"},
                                 {"switch", "ocs1"},
                                 {"endpoint", "rack1"}});
  REQUIRE(f);
  CHECK(f->job_id == "j");
  CHECK(f->tenant == "t");
  CHECK(f->state == core::CircuitState::kActive);
  CHECK(f->switch_name == "ocs1");
  CHECK(f->endpoint == "rack1");
  auto bad = parse_circuit_filter({{"state", "SLEEPING"}});
  REQUIRE(!bad);
  CHECK(bad.error().field == "state");
  CHECK(bad.error().message.find("SLEEPING") != std::string::npos);
  CHECK(!parse_circuit_filter({}).value().state);
}

TEST_CASE("boolean parameters") {
  CHECK(*parse_bool_param({{"include_cleared", "true"}}, "include_cleared", false));
  CHECK(!*parse_bool_param({{"include_cleared", "0"}}, "include_cleared", true));
  CHECK(*parse_bool_param({}, "include_cleared", true));
  auto bad = parse_bool_param({{"include_cleared", "maybe"}}, "include_cleared", false);
  REQUIRE(!bad);
  CHECK(bad.error().field == "include_cleared");
}

TEST_CASE("every core error code maps to one HTTP status and name") {
  using core::ErrorCode;
  CHECK(http_status(ErrorCode::kInvalidArgument) == http::status::bad_request);
  CHECK(http_status(ErrorCode::kNotFound) == http::status::not_found);
  CHECK(http_status(ErrorCode::kFailedPrecondition) == http::status::conflict);
  CHECK(http_status(ErrorCode::kResourceExhausted) == http::status::too_many_requests);
  CHECK(http_status(ErrorCode::kUnavailable) == http::status::service_unavailable);
  CHECK(http_status(ErrorCode::kInternal) == http::status::internal_server_error);
  const HttpError e = from_api_error({ErrorCode::kNotFound, "no circuit 7"});
  CHECK(e.code == "NOT_FOUND");
  CHECK(error_json(e).dump() == R"({"error":{"code":"NOT_FOUND","message":"no circuit 7"}})");
  CHECK(error_json(invalid_argument("state", "bad"))["error"]["field"] == "state");
}

TEST_CASE("records and views as JSON") {
  auto fabric = topology::load_topology_file(LIGHTPATH_SOURCE_DIR "/topologies/tiny.yaml");
  REQUIRE(fabric);
  const SwitchId ocs1 = *fabric->find_optical_switch("ocs1");
  core::CircuitRecord r;
  r.circuit.id = CircuitId(5);
  r.circuit.request_id = "req-1";
  r.circuit.priority = 2;
  r.circuit.a = fabric->endpoint(*fabric->find_endpoint("rack1")).groups[0].port(0);
  r.circuit.b = fabric->endpoint(*fabric->find_endpoint("rack2")).groups[0].port(1);
  r.circuit.hops = {{ocs1, 0, 5}};
  r.circuit.wavelengths = {0, 1};
  r.circuit.bandwidth = DataRate::gbps(200);
  // std::string(...) rather than operator=(const char*): GCC 12 warns -Wrestrict falsely there.
  r.job_id = std::string("job");
  r.tenant = std::string("t");
  r.state = core::CircuitState::kActive;
  r.created = TimePoint::from_ns(1'700'000'000'123'456'789);
  r.updated = r.created + Duration::ms(5);
  auto j = circuit_json(*fabric, r);
  CHECK(j["id"] == 5);
  CHECK(j["state"] == "ACTIVE");
  CHECK(j["a"] == "rack1/gpu-nic/0");
  CHECK(j["b"] == "rack2/gpu-nic/1");
  CHECK(j["hops"][0] == nlohmann::json{{"switch", "ocs1"}, {"in", 0}, {"out", 5}});
  CHECK(j["bandwidth_gbps"] == 200.0);
  CHECK(j["lease_expires_unix_ms"].is_null());
  CHECK(j["created_unix_ms"] == 1'700'000'000'123);
  CHECK(j["updated_unix_ms"] == 1'700'000'000'128);
  r.lease_end = r.created + Duration::s(60);
  CHECK(circuit_json(*fabric, r)["lease_expires_unix_ms"] == 1'700'000'060'123);

  core::PortView p;
  p.index = 3;
  p.cabled_to = "rack1/gpu-nic/3";
  auto pj = port_json(p);
  CHECK(pj["peer"].is_null());
  CHECK(pj["circuit"].is_null());
  CHECK(pj["telemetry"].is_null());
  CHECK(pj["status"] == "idle");
  p.peer = 7;
  p.circuit = CircuitId(5);
  p.status = southbound::PortStatus::kConnected;
  p.telemetry = southbound::PortTelemetry{3, PowerDbm::dbm(-1.5), PowerDbm::dbm(-3.0),
                                          Decibels::db(30), 1e-12};
  p.telemetry_at = TimePoint::from_ns(2'000'000'000);
  pj = port_json(p);
  CHECK(pj["peer"] == 7);
  CHECK(pj["circuit"] == 5);
  CHECK(pj["telemetry"]["input_power_dbm"] == -1.5);
  CHECK(pj["telemetry"]["at_unix_ms"] == 2000);

  core::SwitchView s{ocs1, "ocs1", SwitchKind::kMems, 16, 4, 9, true, true};
  CHECK(switch_json(s) == nlohmann::json{{"name", "ocs1"},
                                         {"kind", "mems"},
                                         {"port_count", 16},
                                         {"ports_in_use", 4},
                                         {"reconfigurations", 9},
                                         {"up", true},
                                         {"drained", true}});
  core::AlarmView a;
  a.switch_name = "ocs1";
  a.alarm.kind = southbound::AlarmKind::kDeviceDown;
  auto aj = alarm_json(a);
  CHECK(aj["port"].is_null());
  CHECK(aj["kind"] == "device-down");
  CHECK(aj["active"] == true);
}

}  // namespace lightpath::rest
