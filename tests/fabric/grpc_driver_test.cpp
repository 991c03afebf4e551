// What only a driver across a network has to survive: a fabric that dies and
// comes back empty, a fabric that stalls, a switch the fabric does not know.
// Each against a real lightpath-fabric process; nothing asserts on time.
#include "driver_fixture.h"

namespace {

using namespace lightpath;
using namespace lightpath::testing;
namespace sb = lightpath::southbound;

template <class T, class Call>
Result<T> await(GrpcDriverFixture& f, Call&& call) {
  std::optional<Result<T>> answer;
  call([&](Result<T> r) { answer.emplace(std::move(r)); });
  REQUIRE(f.run_until([&] { return answer.has_value(); }));
  return std::move(*answer);
}

Result<std::vector<sb::CrossConnect>> read(GrpcDriverFixture& f) {
  return await<std::vector<sb::CrossConnect>>(f,
                                              [&](auto cb) { f.driver().read_cross_connects(cb); });
}

Result<sb::ApplyReport> apply(GrpcDriverFixture& f, sb::Batch b) {
  return await<sb::ApplyReport>(f, [&](auto cb) { f.driver().apply(b, cb); });
}

struct AlarmLog {
  std::vector<sb::AlarmEvent> alarms;
  int telemetry = 0;
  explicit AlarmLog(sb::Driver& d) {
    d.subscribe([this](const sb::DeviceEvent& e) {
      if (const auto* a = std::get_if<sb::AlarmEvent>(&e)) alarms.push_back(*a);
      telemetry += std::holds_alternative<sb::TelemetryEvent>(e);
    });
  }
  // Whether the last kUnreachable alarm heard says `raised`.
  bool unreachable_is(bool raised) const {
    for (auto it = alarms.rbegin(); it != alarms.rend(); ++it)
      if (it->kind == sb::AlarmKind::kUnreachable) return it->raised == raised;
    return false;
  }
};

}  // namespace

TEST_CASE(
    "a fabric killed and restarted empty: the driver says so, reconnects, and reads the truth") {
  GrpcDriverFixture f;
  AlarmLog log(f.driver());
  REQUIRE(apply(f, sb::Batch{{}, {{0, 1}}})->complete());

  f.fabric.stop(SIGKILL);
  REQUIRE(f.run_until([&] { return log.unreachable_is(true); }));
  CHECK_FALSE(f.grpc_driver->link_up());
  // Unreachable is not down: nothing says the mirrors moved.
  CHECK(std::none_of(log.alarms.begin(), log.alarms.end(),
                     [](const auto& a) { return a.kind == sb::AlarmKind::kDeviceDown; }));
  auto described = f.driver().describe();
  REQUIRE_FALSE(described.has_value());
  CHECK(described.error().code == sb::kDeviceDown);
  auto r = read(f);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == sb::kDeviceDown);
  CHECK_MESSAGE(r.error().message.find(f.fabric.address()) != std::string::npos, r.error().message);

  f.fabric.start();  // same port, a new and empty fabric
  REQUIRE(f.run_until([&] { return log.unreachable_is(false); }));
  CHECK(f.driver().describe().has_value());
  auto after = read(f);
  REQUIRE(after.has_value());
  CHECK(after->empty());
  REQUIRE(apply(f, sb::Batch{{}, {{2, 3}}})->complete());
  CHECK(f.fabric.changes("ocs1").connects() == 1);
}

TEST_CASE("a stalled fabric: calls time out as DEVICE_DOWN, nothing is lost, work resumes") {
  GrpcDriverFixture f;
  AlarmLog log(f.driver());
  REQUIRE(apply(f, sb::Batch{{}, {{4, 5}}})->complete());

  f.fabric.stall();
  auto r = read(f);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == sb::kDeviceDown);
  auto a = apply(f, sb::Batch{{}, {{6, 7}}});
  REQUIRE_FALSE(a.has_value());
  CHECK(a.error().code == sb::kDeviceDown);
  // The heartbeats stop, so subscribers hear of the outage.
  REQUIRE(f.run_until([&] { return log.unreachable_is(true); }));

  f.fabric.resume();
  REQUIRE(f.run_until([&] { return log.unreachable_is(false); }));
  // The apply that timed out may or may not have been carried out by the
  // fabric; the device's own answer says which, and 4-5 is still there.
  auto now = read(f);
  REQUIRE(now.has_value());
  CHECK(std::find(now->begin(), now->end(), sb::CrossConnect{4, 5}) != now->end());
  const bool made = std::find(now->begin(), now->end(), sb::CrossConnect{6, 7}) != now->end();
  CHECK(f.fabric.changes("ocs1").connects() == (made ? 2u : 1u));
  sb::Batch next = made ? sb::Batch{{{6, 7}}, {}} : sb::Batch{{}, {{6, 7}}};
  CHECK(apply(f, next)->complete());
}

TEST_CASE("alarms raised and cleared while the link was down are re-synced on reconnect") {
  GrpcDriverFixture f;
  AlarmLog log(f.driver());
  f.fabric.inject("ocs1", pb::STUCK_MIRROR, 9);
  REQUIRE(f.run_until([&] {
    return std::any_of(log.alarms.begin(), log.alarms.end(), [](const sb::AlarmEvent& a) {
      return a.kind == sb::AlarmKind::kMirrorStuck && a.port == 9 && a.raised;
    });
  }));
  f.fabric.stop(SIGKILL);
  REQUIRE(f.run_until([&] { return log.unreachable_is(true); }));
  f.fabric.start();  // the new fabric has no stuck mirror
  REQUIRE(f.run_until([&] { return log.unreachable_is(false); }));
  const auto& last_stuck = *std::find_if(log.alarms.rbegin(), log.alarms.rend(), [](const auto& a) {
    return a.kind == sb::AlarmKind::kMirrorStuck && a.port == 9;
  });
  CHECK_FALSE(last_stuck.raised);
}

TEST_CASE("telemetry samples reach subscribers") {
  GrpcDriverFixture f({"--time-scale", "20"});
  AlarmLog log(f.driver());
  CHECK(f.run_until([&] { return log.telemetry >= 2; }));
}

TEST_CASE("a switch the fabric does not serve is a device that is down, and says why") {
  GrpcDriverFixture f;
  // Beside ocs1, on the same channel, as lightpathd's driver set does.
  southbound_grpc::GrpcDriver unknown("ocs9", f.channel, f.executor,
                                      quick_options(f.fabric.address()));
  AlarmLog log(unknown);
  std::optional<Result<std::vector<sb::CrossConnect>>> r;
  unknown.read_cross_connects([&](auto answer) { r.emplace(std::move(answer)); });
  REQUIRE(f.run_until([&] { return r.has_value(); }));
  REQUIRE_FALSE(r->has_value());
  CHECK(r->error().code == sb::kDeviceDown);
  CHECK_MESSAGE(r->error().message.find("ocs9") != std::string::npos, r->error().message);
  CHECK_MESSAGE(r->error().message.find("NOT_FOUND") != std::string::npos, r->error().message);
  CHECK_FALSE(unknown.describe().has_value());
  // Its stream is refused too, so subscribers hear it cannot be reached.
  REQUIRE(f.run_until([&] { return log.unreachable_is(true); }));
  CHECK(f.driver().describe().has_value());
}

TEST_CASE("fabric URLs") {
  using southbound_grpc::parse_fabric_url;
  CHECK(parse_fabric_url("grpc://127.0.0.1:50061") == "127.0.0.1:50061");
  CHECK(parse_fabric_url("grpc://fabric.example:7/") == "fabric.example:7");
  CHECK(parse_fabric_url("grpc://[::1]:50061") == "[::1]:50061");
  CHECK_FALSE(parse_fabric_url("sim").has_value());
  CHECK_FALSE(parse_fabric_url("grpc://host").has_value());
  CHECK_FALSE(parse_fabric_url("grpc://host:port").has_value());
  CHECK_FALSE(parse_fabric_url("http://host:1").has_value());
}
