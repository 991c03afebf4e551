// Real HTTP against the real stack (rest_test_stack.h): every route and every
// refusal the REST API documents, over real sockets.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/rest/rest_test_stack.h"

namespace lightpath::rest {
namespace {

using namespace testing;  // NOLINT: the test fixture's vocabulary

// Polls until the circuit reaches `state` (switching takes tens of ms of real time).
nlohmann::json wait_for_state(Client& c, CircuitId id, const std::string& state) {
  nlohmann::json j;
  for (int i = 0; i < 500; ++i) {
    j = body(c.get("/v1/circuits/" + std::to_string(id.value())));
    if (j["state"] == state) return j;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("circuit " << id.value() << " never reached " << state << ": " << j.dump());
  return j;
}

}  // namespace

TEST_CASE("health, switches, ports and alarms") {
  Stack s;
  Client c(s.port());
  auto health = c.get("/healthz");
  CHECK(health.result_int() == 200);
  CHECK(body(health) == nlohmann::json{{"status", "ok"}});

  auto switches = body(c.get("/v1/switches"))["switches"];
  REQUIRE(switches.size() == 1);
  CHECK(switches[0]["name"] == "ocs1");
  CHECK(switches[0]["kind"] == "mems");
  CHECK(switches[0]["port_count"] == 16);
  CHECK(switches[0]["up"] == true);

  auto ports = body(c.get("/v1/switches/ocs1/ports"));
  CHECK(ports["switch"] == "ocs1");
  REQUIRE(ports["ports"].size() == 16);
  CHECK(ports["ports"][0]["index"] == 0);
  CHECK(ports["ports"][0]["cabled_to"] == "rack1/gpu-nic/0");
  CHECK(ports["ports"][0]["circuit"].is_null());

  CHECK(ports["ports"][0]["in_service"] == true);
  check_error(c.get("/v1/switches/ocs9/ports"), 404, "NOT_FOUND", "name");

  auto samples = body(c.get("/v1/switches/ocs1/ports/3/telemetry"));
  CHECK(samples["switch"] == "ocs1");
  CHECK(samples["port"] == 3);
  CHECK(samples["samples"].is_array());
  check_error(c.get("/v1/switches/ocs1/ports/16/telemetry"), 404, "NOT_FOUND", "port");
  check_error(c.get("/v1/switches/ocs1/ports/x1/telemetry"), 400, "INVALID_ARGUMENT", "port");
  check_error(c.get("/v1/switches/ocs9/ports/1/telemetry"), 404, "NOT_FOUND", "name");
  CHECK(body(c.get("/v1/alarms"))["alarms"].is_array());
  CHECK(body(c.get("/v1/alarms?include_cleared=true"))["alarms"].is_array());
  check_error(c.get("/v1/alarms?include_cleared=maybe"), 400, "INVALID_ARGUMENT",
              "include_cleared");
}

TEST_CASE("draining a switch and a port, and the refusals that change nothing") {
  Stack s;
  Client c(s.port());
  const std::string port3 = "/v1/switches/ocs1/ports/3/drain";
  auto drained = c.send(beast::http::verb::post, port3);
  REQUIRE(drained.result_int() == 200);
  CHECK(
      body(drained) ==
      nlohmann::json{{"switch", "ocs1"}, {"port", 3}, {"drained", true}, {"circuits_on_port", 0}});
  auto ports = body(c.get("/v1/switches/ocs1/ports"))["ports"];
  CHECK(ports[3]["drained"] == true);
  CHECK(ports[3]["held"] == false);
  CHECK(ports[3]["in_service"] == false);
  CHECK(ports[2]["drained"] == false);
  CHECK(ports[2]["in_service"] == true);
  // The switch itself is not drained by a port.
  CHECK(body(c.get("/v1/switches"))["switches"][0]["drained"] == false);

  check_error(c.send(beast::http::verb::post, "/v1/switches/ocs1/ports/16/drain"), 404, "NOT_FOUND",
              "port");
  check_error(c.send(beast::http::verb::post, "/v1/switches/ocs1/ports/-1/drain"), 400,
              "INVALID_ARGUMENT", "port");
  check_error(c.send(beast::http::verb::post, "/v1/switches/ocs1/ports/3x/drain"), 400,
              "INVALID_ARGUMENT", "port");
  check_error(c.send(beast::http::verb::delete_, "/v1/switches/ocs9/ports/3/drain"), 404,
              "NOT_FOUND", "name");
  check_error(c.send(beast::http::verb::post, port3 + "?now=1"), 400, "INVALID_ARGUMENT", "now");
  auto put = c.send(beast::http::verb::put, port3);
  CHECK(put.result_int() == 405);
  CHECK(put[beast::http::field::allow] == "POST, DELETE");
  // None of those refusals changed the port.
  CHECK(body(c.get("/v1/switches/ocs1/ports"))["ports"][3]["drained"] == true);

  auto back = c.send(beast::http::verb::delete_, port3);
  REQUIRE(back.result_int() == 200);
  CHECK(body(back)["drained"] == false);
  ports = body(c.get("/v1/switches/ocs1/ports"))["ports"];
  CHECK(ports[3]["drained"] == false);
  CHECK(ports[3]["in_service"] == true);

  auto whole = c.send(beast::http::verb::post, "/v1/switches/ocs1/drain");
  REQUIRE(whole.result_int() == 200);
  CHECK(body(whole) ==
        nlohmann::json{{"switch", "ocs1"}, {"drained", true}, {"circuits_on_switch", 0}});
  CHECK(body(c.get("/v1/switches"))["switches"][0]["drained"] == true);
  check_error(c.send(beast::http::verb::post, "/v1/switches/ocs9/drain"), 404, "NOT_FOUND", "name");
  CHECK(c.send(beast::http::verb::delete_, "/v1/switches/ocs1/drain").result_int() == 200);
  CHECK(body(c.get("/v1/switches"))["switches"][0]["drained"] == false);
}

TEST_CASE("circuits: get, filter, release, and refusals that change nothing") {
  Stack s;
  Client c(s.port());
  const CircuitId id = s.request_circuit("r1", "tenant-a");
  const std::string path = "/v1/circuits/" + std::to_string(id.value());
  auto active = wait_for_state(c, id, "ACTIVE");
  CHECK(active["id"] == id.value());
  CHECK(active["request_id"] == "r1");
  CHECK(active["job_id"] == "job-r1");
  CHECK(active["tenant"] == "tenant-a");
  CHECK(active["a"].get<std::string>().rfind("rack1/gpu-nic/", 0) == 0);
  CHECK(active["hops"][0]["switch"] == "ocs1");
  CHECK(active["bandwidth_gbps"].get<double>() >= 100.0);
  CHECK(active["lease_expires_unix_ms"].is_null());
  CHECK(active["created_unix_ms"].get<std::int64_t>() > 0);

  const auto count = [&](const std::string& query) {
    return body(c.get("/v1/circuits" + query))["circuits"].size();
  };
  CHECK(count("") == 1);
  CHECK(count("?state=ACTIVE") == 1);
  CHECK(count("?state=PENDING") == 0);
  CHECK(count("?job=job-r1") == 1);
  CHECK(count("?job=other") == 0);
  CHECK(count("?tenant=tenant-a") == 1);
  CHECK(count("?switch=ocs1") == 1);
  CHECK(count("?endpoint=rack2") == 1);
  CHECK(count("?endpoint=rack3") == 0);
  check_error(c.get("/v1/circuits?state=SLEEPING"), 400, "INVALID_ARGUMENT", "state");
  check_error(c.get("/v1/circuits?stat=ACTIVE"), 400, "INVALID_ARGUMENT", "stat");

  // `limit` pages the list; `total` counts every match either way.
  const CircuitId second = s.request_circuit("r2", "tenant-a");
  wait_for_state(c, second, "ACTIVE");
  CHECK(count("") == 2);
  auto first = body(c.get("/v1/circuits?limit=1"));
  REQUIRE(first["circuits"].size() == 1);
  CHECK(first["circuits"][0]["id"] == id.value());  // the lowest id first
  CHECK(first["total"] == 2);
  CHECK(body(c.get("/v1/circuits?limit=5&job=job-r2"))["total"] == 1);
  CHECK(body(c.get("/v1/circuits"))["total"] == 2);
  for (const char* bad : {"0", "-1", "x", "", "1.5", "99999999999999999999999"})
    check_error(c.get(std::string("/v1/circuits?limit=") + bad), 400, "INVALID_ARGUMENT", "limit");
  auto gone = c.send(beast::http::verb::delete_,
                     "/v1/circuits/" + std::to_string(second.value()) + "?tenant=tenant-a");
  REQUIRE(gone.result_int() == 200);
  for (int i = 0; i < 500 && count("") != 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(count("") == 1);

  // The port view names the circuit holding it.
  const int in_port = active["hops"][0]["in"];
  auto ports = body(c.get("/v1/switches/ocs1/ports"))["ports"];
  CHECK(ports[in_port]["circuit"] == id.value());
  CHECK(ports[in_port]["peer"] == active["hops"][0]["out"]);

  // Refused: bad ids, a missing circuit, another tenant's circuit.
  check_error(c.get("/v1/circuits/abc"), 400, "INVALID_ARGUMENT", "id");
  check_error(c.get("/v1/circuits/0"), 400, "INVALID_ARGUMENT", "id");
  check_error(c.send(beast::http::verb::delete_, "/v1/circuits/abc"), 400, "INVALID_ARGUMENT",
              "id");
  check_error(c.get("/v1/circuits/9999"), 404, "NOT_FOUND", "id");
  check_error(c.send(beast::http::verb::delete_, "/v1/circuits/9999"), 404, "NOT_FOUND", "id");
  check_error(c.send(beast::http::verb::delete_, path + "?tenant=tenant-b"), 409,
              "FAILED_PRECONDITION");
  check_error(c.send(beast::http::verb::delete_, path + "?owner=x"), 400, "INVALID_ARGUMENT",
              "owner");
  CHECK(body(c.get(path))["state"] == "ACTIVE");
  CHECK(count("") == 1);

  auto released = c.send(beast::http::verb::delete_, path + "?tenant=tenant-a");
  CHECK(released.result_int() == 200);
  CHECK(body(released)["released"] == nlohmann::json::array({id.value()}));
  // Once released the controller forgets the circuit: it is listed no more
  // and its id is a 404, for a second DELETE too.
  for (int i = 0; i < 500 && c.get(path).result_int() == 200; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  check_error(c.get(path), 404, "NOT_FOUND", "id");
  check_error(c.send(beast::http::verb::delete_, path), 404, "NOT_FOUND", "id");
  CHECK(count("") == 0);
}

TEST_CASE("circuits in pages: limit and after, next_after until the last page") {
  Stack s;
  Client c(s.port());
  std::vector<std::uint32_t> made;  // in id order
  for (int i = 0; i < 7; ++i)
    made.push_back(s.request_circuit("p" + std::to_string(i), i < 4 ? "a" : "b").value());
  REQUIRE(std::is_sorted(made.begin(), made.end()));

  // Following next_after lists each circuit once, in id order; `total` on every page.
  for (const int limit : {1, 2, 3, 7, 8}) {
    CAPTURE(limit);
    std::vector<std::uint32_t> seen;
    std::string query = "?limit=" + std::to_string(limit);
    for (int pages = 1;; ++pages) {
      REQUIRE(pages <= 8);  // a list that never ends fails rather than loops
      const auto page = body(c.get("/v1/circuits" + query));
      CHECK(page["total"] == 7);
      for (const auto& circuit : page["circuits"]) seen.push_back(circuit["id"]);
      if (page["next_after"].is_null()) break;
      CHECK(page["circuits"].size() == static_cast<std::size_t>(limit));
      CHECK(page["next_after"] == seen.back());
      query = "?limit=" + std::to_string(limit) + "&after=" + page["next_after"].dump();
    }
    CHECK(seen == made);
  }
  // With a filter, and `after` without `limit`: the rest of the matches.
  const auto tenant_b = body(c.get("/v1/circuits?tenant=b&after=" + std::to_string(made[4])));
  REQUIRE(tenant_b["circuits"].size() == 2);
  CHECK(tenant_b["circuits"][0]["id"] == made[5]);
  CHECK(tenant_b["total"] == 3);
  CHECK(tenant_b["next_after"].is_null());
  CHECK(body(c.get("/v1/circuits?after=" + std::to_string(made.back())))["circuits"].empty());
  for (const char* bad : {"0", "-1", "x", "", "1.5", "4294967295", "99999999999999999999999"})
    check_error(c.get(std::string("/v1/circuits?after=") + bad), 400, "INVALID_ARGUMENT", "after");
}

TEST_CASE("unknown paths, wrong methods, oversized and malformed requests") {
  RestOptions options;
  options.max_body_bytes = 1024;
  Stack s(options);
  {
    Client c(s.port());
    check_error(c.get("/v1/nope"), 404, "NOT_FOUND");
    check_error(c.get("/v1/circuits/"), 404, "NOT_FOUND");
    auto post = c.send(beast::http::verb::post, "/v1/circuits");
    check_error(post, 405, "METHOD_NOT_ALLOWED");
    CHECK(post[beast::http::field::allow] == "GET");
    auto put = c.send(beast::http::verb::put, "/v1/circuits/1");
    check_error(put, 405, "METHOD_NOT_ALLOWED");
    CHECK(put[beast::http::field::allow] == "GET, DELETE");
    check_error(c.get("/healthz?verbose=1"), 400, "INVALID_ARGUMENT", "verbose");
    // Every refusal above kept the connection open.
    CHECK(c.get("/healthz").result_int() == 200);
  }
  {
    Client c(s.port());
    // A body within the limit on a GET is read and ignored.
    auto small = c.raw("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    CHECK(small.result_int() == 200);
    // Refused from the Content-Length alone, before the body is sent.
    auto big = c.raw("GET /v1/circuits HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n");
    check_error(big, 413, "PAYLOAD_TOO_LARGE", "body");
    CHECK(!big.keep_alive());
    CHECK(c.closed_by_server());
  }
  {
    Client c(s.port());
    auto chunked =
        c.raw("DELETE /v1/circuits/1 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
              std::string("800\r\n") + std::string(2048, 'x') + "\r\n0\r\n\r\n");
    check_error(chunked, 413, "PAYLOAD_TOO_LARGE", "body");
  }
  {
    Client c(s.port());
    check_error(c.raw("THIS IS NOT HTTP\r\n\r\n"), 400, "MALFORMED_REQUEST");
    CHECK(c.closed_by_server());
  }
  {
    Client c(s.port());
    check_error(c.raw("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n"), 400,
                "MALFORMED_REQUEST");
  }
  {
    Client c(s.port());
    check_error(c.raw("GET /healthz HTTP/1.1\r\nX-Big: " + std::string(20'000, 'a') + "\r\n\r\n"),
                431, "HEADERS_TOO_LARGE", "headers");
  }
}

TEST_CASE("the web view: its page and files with a strict policy, redirects, refusals") {
  Stack s;
  Client c(s.port());
  for (const char* home : {"/", "/ui"}) {
    auto r = c.get(home);
    CHECK(r.result_int() == 308);
    CHECK(r[beast::http::field::location] == "/ui/");
  }
  struct File {
    const char* path;
    const char* type;
    const char* starts;
  };
  for (const File& f : {File{"/ui/", "text/html; charset=utf-8", "<!doctype html>"},
                        File{"/ui/index.html", "text/html; charset=utf-8", "<!doctype html>"},
                        File{"/ui/app.js", "text/javascript; charset=utf-8", "'use strict';"},
                        File{"/ui/style.css", "text/css; charset=utf-8", "/*"}}) {
    INFO(f.path);
    auto r = c.get(f.path);
    CHECK(r.result_int() == 200);
    CHECK(r[beast::http::field::content_type] == f.type);
    CHECK(r.body().rfind(f.starts, 0) == 0);
    CHECK(r["Content-Security-Policy"].find("script-src 'self'") != std::string_view::npos);
    CHECK(r["X-Content-Type-Options"] == "nosniff");
  }
  CHECK(c.get("/ui/").body().find("<script src=\"app.js\"") != std::string::npos);
  check_error(c.get("/ui/secrets.txt"), 404, "NOT_FOUND");
  check_error(c.get("/ui/../v1/circuits"), 404, "NOT_FOUND");
  auto post = c.send(beast::http::verb::post, "/ui/");
  check_error(post, 405, "METHOD_NOT_ALLOWED");
  CHECK(post[beast::http::field::allow] == "GET");
  check_error(c.get("/ui/?x=1"), 400, "INVALID_ARGUMENT", "x");
}

TEST_CASE("keep-alive serves many requests on one connection, HTTP/1.0 closes") {
  Stack s;
  Client c(s.port());
  for (int i = 0; i < 5; ++i) {
    auto r = c.get("/healthz");
    CHECK(r.result_int() == 200);
    CHECK(r.keep_alive());
  }
  // Two requests sent back to back are answered in order.
  auto first =
      c.raw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/switches HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(body(first)["status"] == "ok");
  CHECK(body(c.read())["switches"].size() == 1);

  Client old(s.port());
  auto r = old.send(beast::http::verb::get, "/healthz", 10);
  CHECK(r.result_int() == 200);
  CHECK(old.closed_by_server());
}

TEST_CASE("metrics: request counts, latencies and controller state, valid for promtool") {
  Stack s;
  Client c(s.port());
  s.request_circuit("m1", "t");
  CHECK(c.get("/healthz").result_int() == 200);
  CHECK(c.get("/v1/circuits/77").result_int() == 404);
  CHECK(c.get("/v1/nope").result_int() == 404);
  auto page = c.get("/metrics");
  CHECK(page.result_int() == 200);
  CHECK(page[beast::http::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = page.body();
  const auto has = [&](const std::string& needle) {
    INFO(needle);
    CHECK(text.find(needle) != std::string::npos);
  };
  has("lightpath_requests_total{protocol=\"rest\",method=\"GET /healthz\",code=\"200\"} 1\n");
  has("lightpath_requests_total{protocol=\"rest\",method=\"GET /v1/circuits/{id}\",code=\"404\"} "
      "1\n");
  has("lightpath_requests_total{protocol=\"rest\",method=\"unmatched\",code=\"404\"} 1\n");
  has("lightpath_request_duration_seconds_count{protocol=\"rest\",method=\"GET /healthz\"} 1\n");
  has("lightpath_request_duration_seconds_bucket{protocol=\"rest\",method=\"GET "
      "/healthz\",le=\"+Inf\"} 1\n");
  has("lightpath_circuits{state=\"RELEASED\"} ");
  has("lightpath_ports_in_use ");
  has("lightpath_switch_reconfigurations_total{switch=\"ocs1\"} ");
  has("lightpath_switch_up{switch=\"ocs1\"} 1\n");
  has("lightpath_store_commits_total ");
  has("lightpath_circuit_requests_total{outcome=\"accepted\"} 1\n");
  has("lightpath_restorations_total{outcome=\"restored\"} 0\n");
  has("lightpath_restoration_seconds_bucket{le=\"+Inf\"} 0\n");
  has("lightpath_reconcile_reads_total ");
  has("lightpath_drift_cross_connects_total{kind=\"missing\"} 0\n");
  has("# TYPE lightpath_port_output_power_dbm gauge\n");
  // The scrape itself is counted once answered, which the next answer on
  // the same connection proves.
  CHECK(c.get("/healthz").result_int() == 200);
  CHECK(s.metrics().value(Metrics::kRequests,
                          {{"protocol", "rest"}, {"method", "GET /metrics"}, {"code", "200"}}) ==
        1);

  // A request refused before routing is counted too, under one label.
  Client bad(s.port());
  CHECK(bad.raw("NOT HTTP\r\n\r\n").result_int() == 400);
  CHECK(bad.closed_by_server());  // the server closes after counting
  CHECK(s.metrics().value(Metrics::kRequests,
                          {{"protocol", "rest"}, {"method", "unparsed"}, {"code", "400"}}) == 1);

  if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
    MESSAGE("promtool not installed; the page was not checked by Prometheus' linter");
    return;
  }
  const auto file = std::filesystem::temp_directory_path() /
                    ("lightpath-rest-metrics-" + std::to_string(::getpid()) + ".txt");
  std::ofstream(file) << text;
  const int rc = std::system(("promtool check metrics < " + file.string()).c_str());
  std::filesystem::remove(file);
  CHECK(rc == 0);
}

TEST_CASE("connections past the limit are answered 503 and closed") {
  RestOptions options;
  options.max_connections = 1;
  Stack s(options);
  {
    Client first(s.port());
    CHECK(first.get("/healthz").result_int() == 200);
    Client second(s.port());
    check_error(second.read(), 503, "UNAVAILABLE");
    CHECK(second.closed_by_server());
    CHECK(first.get("/healthz").result_int() == 200);
  }
  // Once the first hangs up its slot frees; the server learns of it shortly.
  int status = 0;
  for (int i = 0; i < 500 && status != 200; ++i) {
    Client again(s.port());
    status = again.get("/healthz").result_int();
    if (status != 200) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(status == 200);
}

TEST_CASE("stop closes the listener and open connections") {
  Stack s;
  Client c(s.port());
  CHECK(c.get("/healthz").result_int() == 200);
  s.stop_server();
  CHECK(c.closed_by_server());
  asio::io_context io;
  tcp::socket socket(io);
  beast::error_code ec;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s.port()), ec);
  // Tests run in parallel: another process may take the freed port at once.
  // Then the connection is theirs, and our server must not answer on it.
  if (!ec) {
    MESSAGE("port " << s.port() << " was taken by another process; checking it is not ours");
    CHECK_FALSE(s.server_listening());
    return;
  }
  CHECK(ec == asio::error::connection_refused);
}

TEST_CASE("bytes that are not UTF-8 in the target get a JSON refusal (fuzz finding)") {
  // fuzz/regressions/rest/invalid-utf8-target: the 404 message echoed the
  // raw 0x93 byte and nlohmann::json threw while the router wrote it.
  Stack s;
  Client c(s.port());
  const auto unknown = c.raw("GET /\x93metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  check_error(unknown, 404, "NOT_FOUND");
  CHECK(body(unknown)["error"]["message"] == "no such endpoint: /\xEF\xBF\xBDmetrics");
  check_error(c.get("/v1/circuits?state=%FF"), 400, "INVALID_ARGUMENT", "state");
  check_error(c.get("/v1/switches/%C0%80/ports"), 404, "NOT_FOUND", "name");
  CHECK(c.get("/healthz").result_int() == 200);
}

TEST_CASE("inputs that once crashed the REST fuzz target get an answer") {
  // The fuzz target's encoding: method, target and body on lines of their own.
  Stack s;
  int seen = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(LIGHTPATH_SOURCE_DIR "/fuzz/regressions/rest")) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string method, target;
    std::getline(in, method);
    std::getline(in, target);
    const std::string rest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CAPTURE(entry.path().filename().string());
    Client c(s.port());
    const auto reply = c.raw(method + " " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                             std::to_string(rest.size()) + "\r\n\r\n" + rest);
    CHECK(reply.result_int() >= 200);
    if (reply[beast::http::field::content_type] == "application/json")
      CHECK_NOTHROW((void)body(reply));
    ++seen;
  }
  CHECK(seen > 0);
}

}  // namespace lightpath::rest
