// lightpathd over real gRPC and HTTP on 127.0.0.1: every call of the circuit
// API, its errors, and a few HTTP routes.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "daemon/daemon_process.h"

using namespace lightpath;
using namespace lightpath::testing;

namespace {

const std::string kTiny = std::string(LIGHTPATH_SOURCE_DIR) + "/topologies/tiny.yaml";

struct Fixture {
  TempDir dir;
  DaemonProcess d;
  // `config`: YAML for --config, written into the fixture's directory first.
  explicit Fixture(const std::string& config = "")
      : d{kTiny, dir.file("state.db"), dir.file(""), args(dir, config)} {}
  static std::vector<std::string> args(const TempDir& dir, const std::string& config) {
    std::vector<std::string> a{"--no-fsync"};
    if (config.empty()) return a;
    std::ofstream(dir.file("lightpathd.yaml")) << config;
    a.insert(a.end(), {"--config", dir.file("lightpathd.yaml")});
    return a;
  }

  v1::RequestCircuitsResponse request(const v1::CircuitRequest& r, grpc::Status* status = nullptr) {
    v1::RequestCircuitsResponse resp;
    auto s = d.circuits().RequestCircuits(ctx().get(), r, &resp);
    if (status)
      *status = s;
    else
      REQUIRE_MESSAGE(s.ok(), s.error_message());
    return resp;
  }
  std::vector<v1::Circuit> list(v1::ListCircuitsRequest q = {}) {
    v1::ListCircuitsResponse resp;
    REQUIRE(d.circuits().ListCircuits(ctx().get(), q, &resp).ok());
    return {resp.circuits().begin(), resp.circuits().end()};
  }
  bool wait_state(std::uint64_t id, v1::CircuitState state) {
    return testing::wait_state(d, id, state);
  }
  std::pair<int, std::string> http_get(const std::string& target) {
    namespace beast = boost::beast;
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket sock(io);
    sock.connect(
        {boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(d.http_port())});
    beast::http::request<beast::http::empty_body> req{beast::http::verb::get, target, 11};
    req.set(beast::http::field::host, "127.0.0.1");
    beast::http::write(sock, req);
    beast::flat_buffer buf;
    beast::http::response<beast::http::string_body> res;
    beast::http::read(sock, buf, res);
    return {static_cast<int>(res.result_int()), res.body()};
  }
};

}  // namespace

TEST_CASE("request, get, list, watch and release over gRPC") {
  Fixture f;
  v1::WatchCircuitsRequest wreq;
  wreq.set_job_id("train");
  grpc::ClientContext wctx;
  auto stream = f.d.circuits().WatchCircuits(&wctx, wreq);

  auto r = pair_request("train-1", "rack1", "rack2", 400);
  r.set_job_id("train");
  r.set_tenant("vision");
  const auto resp = f.request(r);
  REQUIRE(resp.accepted());
  REQUIRE(resp.circuits_size() == 1);
  const auto& c = resp.circuits(0);
  CHECK(c.a_port().rfind("rack1/gpu-nic/", 0) == 0);
  CHECK(c.wavelengths_size() == 4);
  CHECK(resp.expected_ready_unix_ms() > 0);
  REQUIRE(f.wait_state(c.id(), v1::ACTIVE));

  // The watcher saw the circuit go PENDING, PROGRAMMING, ACTIVE.
  std::vector<v1::CircuitState> seen;
  v1::CircuitEvent e;
  while (seen.size() < 3 && stream->Read(&e)) seen.push_back(e.circuit().state());
  CHECK(seen == std::vector<v1::CircuitState>{v1::PENDING, v1::PROGRAMMING, v1::ACTIVE});

  v1::ListCircuitsRequest q;
  q.set_switch_name("ocs1");
  CHECK(f.list(q).size() == 1);
  q.set_endpoint("rack4");
  CHECK(f.list(q).empty());

  // Same request id: same answer, no second allocation.
  const auto again = f.request(r);
  CHECK(again.circuits(0).id() == c.id());
  CHECK(f.list().size() == 1);

  v1::ReleaseCircuitsRequest rel;
  rel.set_tenant("other");
  rel.set_request_id("train-1");
  v1::ReleaseCircuitsResponse rr;
  auto s = f.d.circuits().ReleaseCircuits(ctx().get(), rel, &rr);
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  rel.set_tenant("vision");
  REQUIRE(f.d.circuits().ReleaseCircuits(ctx().get(), rel, &rr).ok());
  CHECK(rr.released_circuit_ids_size() == 1);
  CHECK(f.wait_state(c.id(), v1::RELEASED));
  wctx.TryCancel();
}

TEST_CASE("a watch resuming from before the kept event log gets FAILED_PRECONDITION") {
  Fixture f("event_log_keep: 4\n");
  for (int i = 0; i < 3; ++i) {  // fifteen events: a circuit's life is five
    const auto resp = f.request(pair_request("keep-" + std::to_string(i), "rack1", "rack2", 400));
    REQUIRE(resp.circuits_size() == 1);
    REQUIRE(f.wait_state(resp.circuits(0).id(), v1::ACTIVE));
    v1::ReleaseCircuitsRequest rel;
    rel.set_request_id("keep-" + std::to_string(i));
    v1::ReleaseCircuitsResponse rr;
    REQUIRE(f.d.circuits().ReleaseCircuits(ctx().get(), rel, &rr).ok());
    REQUIRE(f.wait_state(resp.circuits(0).id(), v1::RELEASED));
  }
  // After a restart no event is in memory: the resume point is read against the store.
  REQUIRE(f.d.stop(SIGTERM) == 0);
  f.d.start();
  v1::WatchCircuitsRequest wreq;
  wreq.set_after_sequence(1);
  grpc::ClientContext wctx;
  wctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto stream = f.d.circuits().WatchCircuits(&wctx, wreq);
  v1::CircuitEvent e;
  CHECK_FALSE(stream->Read(&e));
  const auto s = stream->Finish();
  CHECK(s.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(s.error_message().find("after_sequence 1") != std::string::npos);
}

TEST_CASE("leases expire by themselves and ExtendLease moves the end") {
  Fixture f;
  auto r = pair_request("short", "rack1", "rack2", 100);
  r.set_duration_seconds(1);
  const auto resp = f.request(r);
  const auto id = resp.circuits(0).id();
  CHECK(resp.circuits(0).lease_expires_unix_ms() > 0);
  auto long_lease = pair_request("long", "rack3", "rack4", 100);
  long_lease.set_duration_seconds(1);
  const auto id2 = f.request(long_lease).circuits(0).id();
  v1::ExtendLeaseRequest ext;
  ext.set_request_id("long");
  ext.set_duration_seconds(600);
  v1::ExtendLeaseResponse er;
  REQUIRE(f.d.circuits().ExtendLease(ctx().get(), ext, &er).ok());
  CHECK(er.lease_expires_unix_ms() > resp.circuits(0).lease_expires_unix_ms());
  CHECK(f.wait_state(id, v1::RELEASED));
  CHECK(f.wait_state(id2, v1::ACTIVE));
  ext.set_duration_seconds(0);
  CHECK(f.d.circuits().ExtendLease(ctx().get(), ext, &er).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  ext.set_request_id("nope");
  ext.set_duration_seconds(10);
  CHECK(f.d.circuits().ExtendLease(ctx().get(), ext, &er).error_code() ==
        grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("a preempted owner hears it on the watch stream") {
  Fixture f;
  for (int i = 0; i < 4; ++i) {
    auto r = pair_request("low" + std::to_string(i), "rack1", "rack3", 800);
    r.set_priority(1);
    r.set_job_id("low");
    REQUIRE(f.request(r).accepted());
  }
  v1::WatchCircuitsRequest wreq;
  wreq.set_job_id("low");
  grpc::ClientContext wctx;
  auto stream = f.d.circuits().WatchCircuits(&wctx, wreq);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the watch register
  auto high = pair_request("high", "rack1", "rack2", 800);
  high.set_priority(9);
  const auto resp = f.request(high);
  REQUIRE(resp.accepted());
  REQUIRE(resp.preempted_circuit_ids_size() == 1);
  v1::CircuitEvent e;
  bool heard = false;
  while (!heard && stream->Read(&e))
    heard =
        e.circuit().state() == v1::PREEMPTED && e.circuit().id() == resp.preempted_circuit_ids(0);
  CHECK(heard);
  CHECK(e.circuit().state_reason().find("preempted by request high") == 0);
  wctx.TryCancel();
}

TEST_CASE("bad input gets the right status, names the field, and stores nothing") {
  Fixture f;
  REQUIRE(f.request(pair_request("ok", "rack1", "rack2", 100)).accepted());
  grpc::Status s;
  f.request(pair_request("x", "rack1", "rack9", 100), &s);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("rack9") != std::string::npos);
  auto missing = pair_request("", "rack1", "rack2", 100);
  f.request(missing, &s);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("request_id") != std::string::npos);
  auto no_group = pair_request("g", "rack1", "rack2", 100);
  no_group.mutable_sources(0)->clear_port_group();
  f.request(no_group, &s);
  CHECK(s.error_message().find("sources[0].port_group") != std::string::npos);
  auto negative = pair_request("n", "rack1", "rack2", 100);
  negative.set_duration_seconds(-5);
  f.request(negative, &s);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  auto huge = pair_request("big", "rack1", "rack2", 100);
  huge.set_application(std::string(5 << 20, 'x'));  // past the 4 MiB limit
  f.request(huge, &s);
  CHECK(s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  v1::GetCircuitRequest g;
  g.set_id(12345);
  v1::Circuit c;
  CHECK(f.d.circuits().GetCircuit(ctx().get(), g, &c).error_code() == grpc::StatusCode::NOT_FOUND);
  v1::ReleaseCircuitsRequest rel;
  v1::ReleaseCircuitsResponse rr;
  CHECK(f.d.circuits().ReleaseCircuits(ctx().get(), rel, &rr).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
  rel.add_circuit_ids(999);
  CHECK(f.d.circuits().ReleaseCircuits(ctx().get(), rel, &rr).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  // A capacity refusal is an answer, not an error, and is remembered.
  auto too_big = pair_request("full", "rack1", "rack2", 900);
  f.request(too_big, &s);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);  // no transceiver carries 900G
  CHECK(f.list().size() == 1);
}

TEST_CASE("fabric service and HTTP routes") {
  Fixture f;
  REQUIRE(f.request(pair_request("a", "rack1", "rack2", 100)).accepted());
  v1::ListSwitchesResponse sw;
  REQUIRE(f.d.fabric().ListSwitches(ctx().get(), {}, &sw).ok());
  REQUIRE(sw.switches_size() == 1);
  CHECK(sw.switches(0).name() == "ocs1");
  CHECK(sw.switches(0).ports_in_use() == 2);
  v1::ListPortsRequest pq;
  pq.set_switch_name("ocs1");
  v1::ListPortsResponse ports;
  REQUIRE(f.d.fabric().ListPorts(ctx().get(), pq, &ports).ok());
  CHECK(ports.ports_size() == 16);
  CHECK(ports.ports(0).cabled_to() == "rack1/gpu-nic/0");
  pq.set_switch_name("ocs9");
  CHECK(f.d.fabric().ListPorts(ctx().get(), pq, &ports).error_code() ==
        grpc::StatusCode::NOT_FOUND);

  auto [code, body] = f.http_get("/v1/circuits");
  CHECK(code == 200);
  CHECK(body.find("rack1/gpu-nic/0") != std::string::npos);
  CHECK(f.http_get("/healthz").first == 200);
  auto metrics = f.http_get("/metrics");
  CHECK(metrics.first == 200);
  CHECK(metrics.second.find("lightpath_requests_total") != std::string::npos);
  CHECK(f.http_get("/v1/nothing").first == 404);
  CHECK(f.http_get("/v1/circuits/abc").first == 400);
}

TEST_CASE("telemetry of a connected port over gRPC, REST and /metrics") {
  Fixture f;
  const auto resp = f.request(pair_request("tel-1", "rack1", "rack2", 400));
  REQUIRE(resp.accepted());
  const auto port = resp.circuits(0).hops(0).in_port();
  v1::GetPortTelemetryRequest q;
  q.set_switch_name("ocs1");
  q.set_port(port);
  v1::GetPortTelemetryResponse samples;
  // The simulated switches sample once a second.
  for (int i = 0; i < 100 && samples.samples_size() < 2; ++i) {
    samples.Clear();
    REQUIRE(f.d.fabric().GetPortTelemetry(ctx().get(), q, &samples).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(samples.samples_size() >= 2);
  CHECK(samples.samples(0).at_unix_ms() < samples.samples(1).at_unix_ms());
  CHECK(samples.samples(1).output_power_dbm() > -20);  // a healthy circuit: no low-power alarm

  auto [code, body] = f.http_get("/v1/switches/ocs1/ports/" + std::to_string(port) + "/telemetry");
  CHECK(code == 200);
  CHECK(nlohmann::json::parse(body)["samples"].size() >= 2);
  auto [mcode, metrics] = f.http_get("/metrics");
  CHECK(mcode == 200);
  CHECK(metrics.find("lightpath_port_output_power_dbm{switch=\"ocs1\",port=\"" +
                     std::to_string(port) + "\"}") != std::string::npos);

  q.set_port(99);
  CHECK(f.d.fabric().GetPortTelemetry(ctx().get(), q, &samples).error_code() ==
        grpc::StatusCode::NOT_FOUND);
  q.set_switch_name("");
  CHECK(f.d.fabric().GetPortTelemetry(ctx().get(), q, &samples).error_code() ==
        grpc::StatusCode::INVALID_ARGUMENT);
}

// More history than a watcher may have queued (10,000 events) is replayed in
// pages as the stream drains, with the events published meanwhile after it:
// every sequence once, in order, none missing.
TEST_CASE("a replay longer than the watch queue arrives whole and in order") {
  TempDir dir;
  DaemonProcess d{std::string(LIGHTPATH_SOURCE_DIR) + "/topologies/bench-large.yaml",
                  dir.file("state.db"),
                  dir.file(""),
                  {"--no-fsync"}};
  // Eight circuits per request from one rack to eight others, released 16
  // requests later: 400 requests are 13,000 to 16,000 events (a circuit released
  // before it was up never reports ACTIVE).
  auto request = [](const std::string& id, int n) {
    v1::CircuitRequest r;
    r.set_request_id(id);
    r.set_bandwidth_per_flow_gbps(100);
    r.set_pattern(v1::PAIRWISE);
    for (int k = 1; k <= 8; ++k) {
      char a[16], b[16];
      std::snprintf(a, sizeof a, "rack%04d", n % 1024);
      std::snprintf(b, sizeof b, "rack%04d", (n % 1024) ^ k);
      auto* s = r.add_sources();
      s->set_rack(a);
      s->set_port_group("nic");
      auto* t = r.add_destinations();
      t->set_rack(b);
      t->set_port_group("nic");
    }
    return r;
  };
  auto release = [&](const std::string& id) {
    v1::ReleaseCircuitsRequest rel;
    rel.set_request_id(id);
    v1::ReleaseCircuitsResponse rr;
    REQUIRE(d.circuits().ReleaseCircuits(ctx().get(), rel, &rr).ok());
  };
  const int kRequests = 400;
  for (int i = 0; i < kRequests; ++i) {
    v1::RequestCircuitsResponse resp;
    REQUIRE(d.circuits().RequestCircuits(ctx().get(), request(numbered("r", i), i), &resp).ok());
    REQUIRE(resp.accepted());
    if (i >= 16) release(numbered("r", i - 16));
  }
  for (int i = kRequests - 16; i < kRequests; ++i) release(numbered("r", i));

  v1::WatchCircuitsRequest wreq;
  wreq.set_replay(true);
  auto wctx = ctx(120);
  auto stream = d.circuits().WatchCircuits(wctx.get(), wreq);
  // A request made once the replay is under way ends the story.
  v1::RequestCircuitsResponse marker;
  REQUIRE(d.circuits().RequestCircuits(ctx().get(), request("marker", 5000), &marker).ok());
  // A reader that starts late, as a slow or distant one would: flow control
  // stops the writes, and a history pushed out whole would pile up.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  std::uint64_t expected = 1, events = 0;
  bool marker_seen = false, in_order = true;
  v1::CircuitEvent e;
  while (!marker_seen && stream->Read(&e)) {
    in_order = in_order && e.sequence() == expected;
    expected = e.sequence() + 1;
    ++events;
    marker_seen = e.circuit().request_id() == "marker";
  }
  CHECK(marker_seen);
  CHECK(in_order);
  CHECK(events > 10'000);
  wctx->TryCancel();
}
