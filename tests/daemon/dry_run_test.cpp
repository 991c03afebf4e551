// RequestCircuits with validate_only, against the real lightpathd: the answer
// is the one the request would get, and nothing of it is kept.
#include "daemon/daemon_process.h"

using namespace lightpath;
using namespace lightpath::testing;

namespace {

const std::string kTiny = std::string(LIGHTPATH_SOURCE_DIR) + "/topologies/tiny.yaml";

struct Fixture {
  TempDir dir;
  DaemonProcess d{kTiny, dir.file("state.db"), dir.file(""), {"--no-fsync"}};

  v1::RequestCircuitsResponse request(v1::CircuitRequest r, bool dry) {
    r.set_validate_only(dry);
    v1::RequestCircuitsResponse resp;
    const auto s = d.circuits().RequestCircuits(ctx().get(), r, &resp);
    REQUIRE_MESSAGE(s.ok(), s.error_message());
    CHECK(resp.validate_only() == dry);
    return resp;
  }
  grpc::Status refusal(v1::CircuitRequest r) {
    r.set_validate_only(true);
    v1::RequestCircuitsResponse resp;
    return d.circuits().RequestCircuits(ctx().get(), r, &resp);
  }
  std::vector<v1::Circuit> list(v1::CircuitState state = v1::CIRCUIT_STATE_UNSPECIFIED) {
    v1::ListCircuitsRequest q;
    q.set_state(state);
    v1::ListCircuitsResponse resp;
    REQUIRE(d.circuits().ListCircuits(ctx().get(), q, &resp).ok());
    return {resp.circuits().begin(), resp.circuits().end()};
  }
  std::uint32_t ports_in_use() {
    v1::ListSwitchesResponse resp;
    REQUIRE(d.fabric().ListSwitches(ctx().get(), {}, &resp).ok());
    std::uint32_t n = 0;
    for (const auto& s : resp.switches()) n += s.ports_in_use();
    return n;
  }
};

// The same circuit: ends, path and wavelengths.
void check_same(const v1::Circuit& a, const v1::Circuit& b) {
  CHECK(a.id() == b.id());
  CHECK(a.a_port() == b.a_port());
  CHECK(a.b_port() == b.b_port());
  CHECK(a.hops().size() == b.hops().size());
  for (int i = 0; i < a.hops().size() && i < b.hops().size(); ++i) {
    CHECK(a.hops(i).switch_name() == b.hops(i).switch_name());
    CHECK(a.hops(i).in_port() == b.hops(i).in_port());
    CHECK(a.hops(i).out_port() == b.hops(i).out_port());
  }
  CHECK(std::vector<std::uint32_t>(a.wavelengths().begin(), a.wavelengths().end()) ==
        std::vector<std::uint32_t>(b.wavelengths().begin(), b.wavelengths().end()));
}

}  // namespace

TEST_CASE("a dry run answers as the request would, and nothing of it is kept") {
  Fixture f;
  REQUIRE(f.request(pair_request("first", "rack3", "rack4", 100), false).accepted());
  v1::WatchCircuitsRequest wreq;
  wreq.set_job_id("train");
  grpc::ClientContext wctx;
  auto stream = f.d.circuits().WatchCircuits(&wctx, wreq);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the watch register
  const std::uint32_t before = f.ports_in_use();

  auto r = pair_request("train-1", "rack1", "rack2", 400);
  r.set_job_id("train");
  r.set_duration_seconds(600);
  const auto dry = f.request(r, true);
  REQUIRE(dry.accepted());
  CHECK_FALSE(dry.replayed());
  REQUIRE(dry.circuits_size() == 1);
  CHECK(dry.circuits(0).state() == v1::PENDING);
  CHECK(dry.circuits(0).wavelengths_size() == 4);
  CHECK(dry.circuits(0).lease_expires_unix_ms() > 0);
  CHECK(dry.expected_ready_unix_ms() > 0);
  // Asking twice changes nothing either.
  check_same(f.request(r, true).circuits(0), dry.circuits(0));
  CHECK(f.list().size() == 1);
  CHECK(f.ports_in_use() == before);

  // The request made for real gets what the dry run showed, id included.
  const auto real = f.request(r, false);
  REQUIRE(real.accepted());
  CHECK_FALSE(real.replayed());
  REQUIRE(real.circuits_size() == 1);
  check_same(real.circuits(0), dry.circuits(0));
  REQUIRE(wait_state(f.d, real.circuits(0).id(), v1::ACTIVE));
  CHECK(f.ports_in_use() > before);

  // The watcher heard the real circuit's life only: no event came from the dry runs.
  std::vector<v1::CircuitState> seen;
  v1::CircuitEvent e;
  while (seen.size() < 3 && stream->Read(&e)) seen.push_back(e.circuit().state());
  CHECK(seen == std::vector<v1::CircuitState>{v1::PENDING, v1::PROGRAMMING, v1::ACTIVE});
  wctx.TryCancel();

  // An id already answered: the dry run gives that answer, marked as such.
  const auto again = f.request(r, true);
  CHECK(again.replayed());
  REQUIRE(again.circuits_size() == 1);
  CHECK(again.circuits(0).state() == v1::ACTIVE);
  CHECK(f.list().size() == 2);
}

TEST_CASE("a dry run names the circuits it would preempt, and preempts none") {
  Fixture f;
  for (int i = 0; i < 4; ++i) {
    auto r = pair_request(numbered("low", i), "rack1", "rack3", 800);
    r.set_priority(1);
    REQUIRE(f.request(r, false).accepted());
  }
  auto high = pair_request("high", "rack1", "rack2", 800);
  high.set_priority(9);
  const auto dry = f.request(high, true);
  REQUIRE(dry.accepted());
  REQUIRE(dry.preempted_circuit_ids_size() == 1);
  CHECK(f.list(v1::PREEMPTED).empty());
  CHECK(f.list().size() == 4);

  // At the victims' priority it does not fit: the refusal is the request's,
  // and the id stays free for a real request.
  auto equal = pair_request("equal", "rack1", "rack2", 800);
  equal.set_priority(1);
  const auto refused = f.request(equal, true);
  CHECK_FALSE(refused.accepted());
  CHECK_FALSE(refused.reason().empty());
  CHECK(refused.message().find("rack1") != std::string::npos);
  CHECK(refused.circuits_size() == 0);
  const auto real_refusal = f.request(equal, false);
  CHECK_FALSE(real_refusal.replayed());
  CHECK(real_refusal.reason() == refused.reason());

  const auto real = f.request(high, false);
  REQUIRE(real.accepted());
  REQUIRE(real.preempted_circuit_ids_size() == 1);
  CHECK(real.preempted_circuit_ids(0) == dry.preempted_circuit_ids(0));
  check_same(real.circuits(0), dry.circuits(0));
  CHECK(wait_state(f.d, real.preempted_circuit_ids(0), v1::PREEMPTED));
}

TEST_CASE("a dry run refuses bad input as a request does") {
  Fixture f;
  auto unknown = pair_request("x", "rack1", "rack9", 100);
  auto s = f.refusal(unknown);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("rack9") != std::string::npos);
  auto negative = pair_request("n", "rack1", "rack2", 100);
  negative.set_duration_seconds(-5);
  s = f.refusal(negative);
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("duration_seconds") != std::string::npos);
  s = f.refusal(pair_request("", "rack1", "rack2", 100));
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(s.error_message().find("request_id") != std::string::npos);
  s = f.refusal(pair_request("big", "rack1", "rack2", 900));  // no transceiver carries 900G
  CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  CHECK(f.list().empty());
}

TEST_CASE("nothing of a dry run is in the store after a crash") {
  Fixture f;
  const auto dry = f.request(pair_request("job", "rack1", "rack2", 400), true);
  REQUIRE(dry.accepted());
  f.d.stop(SIGKILL);
  f.d.start();
  CHECK(f.list().empty());
  const auto real = f.request(pair_request("job", "rack1", "rack2", 400), false);
  CHECK_FALSE(real.replayed());
  REQUIRE(real.circuits_size() == 1);
  check_same(real.circuits(0), dry.circuits(0));
}
