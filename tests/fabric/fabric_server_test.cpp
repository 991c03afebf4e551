// lightpath-fabric as a client sees it over the device protocol: answers,
// refusals with the right status codes, the event stream's start, the admin
// service's faults and change counters.
#include "fabric_process.h"

namespace {

using namespace lightpath::testing;

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

pb::ApplyBatchRequest connect_request(const std::string& sw, std::vector<std::pair<int, int>> xs) {
  pb::ApplyBatchRequest req;
  req.set_switch_id(sw);
  for (auto [a, b] : xs) {
    auto* x = req.mutable_batch()->add_connects();
    x->set_a(a);
    x->set_b(b);
  }
  return req;
}

}  // namespace

TEST_CASE("the ready file names the bound address and the fabric describes its switches") {
  FabricProcess fabric;
  CHECK(fabric.port() > 0);
  CHECK(fabric.address() == "127.0.0.1:" + std::to_string(fabric.port()));
  pb::DescribeRequest req;
  req.set_switch_id("ocs1");
  pb::DeviceInfo info;
  auto status = fabric.devices().Describe(call_ctx().get(), req, &info);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK(info.switch_id() == "ocs1");
  CHECK(info.model() == "simulated-mems");
  CHECK(info.port_count() == 16);
  CHECK(info.switching().min_ns() <= info.switching().max_ns());
}

TEST_CASE("an unknown switch is NOT_FOUND and named, on every call") {
  FabricProcess fabric;
  pb::ReadCrossConnectsRequest read;
  read.set_switch_id("ocs9");
  pb::ReadCrossConnectsReply xs;
  auto status = fabric.devices().ReadCrossConnects(call_ctx().get(), read, &xs);
  CHECK(status.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK_MESSAGE(contains(status.error_message(), "'ocs9'"), status.error_message());
  CHECK_MESSAGE(contains(status.error_message(), "ocs1"), status.error_message());

  pb::ApplyBatchReply applied;
  status =
      fabric.devices().ApplyBatch(call_ctx().get(), connect_request("ocs9", {{0, 1}}), &applied);
  CHECK(status.error_code() == grpc::StatusCode::NOT_FOUND);

  pb::SubscribeRequest sub;
  sub.set_switch_id("ocs9");
  auto c = call_ctx();
  auto reader = fabric.devices().Subscribe(c.get(), sub);
  pb::DeviceEvent event;
  CHECK_FALSE(reader->Read(&event));
  status = reader->Finish();
  CHECK(status.error_code() == grpc::StatusCode::NOT_FOUND);

  pb::FaultRequest fault;
  fault.set_switch_id("ocs9");
  fault.set_kind(pb::FIBER_CUT);
  pb::FaultReply fr;
  status = fabric.admin().InjectFault(call_ctx().get(), fault, &fr);
  CHECK(status.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(contains(status.error_message(), "'ocs9'"));
}

TEST_CASE("malformed requests are INVALID_ARGUMENT and change nothing") {
  FabricProcess fabric;
  pb::ApplyBatchReply applied;
  SUBCASE("no switch named") {
    auto status =
        fabric.devices().ApplyBatch(call_ctx().get(), connect_request("", {{0, 1}}), &applied);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(contains(status.error_message(), "switch_id"));
  }
  SUBCASE("a batch the model refuses names the port and why") {
    auto status = fabric.devices().ApplyBatch(call_ctx().get(),
                                              connect_request("ocs1", {{0, 1}, {1, 2}}), &applied);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK_MESSAGE(contains(status.error_message(), "port 1"), status.error_message());
    CHECK_MESSAGE(contains(status.error_message(), "connected twice"), status.error_message());
  }
  SUBCASE("a port out of range") {
    pb::ValidateBatchRequest v;
    v.set_switch_id("ocs1");
    *v.mutable_batch() = connect_request("ocs1", {{0, 99}}).batch();
    pb::ValidateBatchReply vr;
    auto status = fabric.devices().ValidateBatch(call_ctx().get(), v, &vr);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(contains(status.error_message(), "port 99"));
  }
  SUBCASE("more cross-connects than ports") {
    std::vector<std::pair<int, int>> many(17, {0, 1});
    auto status =
        fabric.devices().ApplyBatch(call_ctx().get(), connect_request("ocs1", many), &applied);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
  }
  SUBCASE("a fault without a kind, or on a port out of range") {
    pb::FaultRequest fault;
    fault.set_switch_id("ocs1");
    pb::FaultReply fr;
    auto status = fabric.admin().InjectFault(call_ctx().get(), fault, &fr);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    fault.set_kind(pb::DARK_PORT);
    fault.set_port(16);
    status = fabric.admin().InjectFault(call_ctx().get(), fault, &fr);
    CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(contains(status.error_message(), "port 16 is out of range"));
  }
  CHECK(fabric.changes("ocs1").connects() == 0);
  pb::ReadCrossConnectsRequest read;
  read.set_switch_id("ocs1");
  pb::ReadCrossConnectsReply xs;
  REQUIRE(fabric.devices().ReadCrossConnects(call_ctx().get(), read, &xs).ok());
  CHECK(xs.cross_connects_size() == 0);
}

TEST_CASE("a down switch answers UNAVAILABLE until it is up again") {
  FabricProcess fabric;
  CHECK(fabric.inject("ocs1", pb::SWITCH_DOWN));
  CHECK_FALSE(fabric.inject("ocs1", pb::SWITCH_DOWN));  // already down
  pb::ReadCrossConnectsRequest read;
  read.set_switch_id("ocs1");
  pb::ReadCrossConnectsReply xs;
  auto status = fabric.devices().ReadCrossConnects(call_ctx().get(), read, &xs);
  CHECK(status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(contains(status.error_message(), "ocs1 is down"));
  CHECK(fabric.clear("ocs1", pb::SWITCH_DOWN));
  CHECK(fabric.devices().ReadCrossConnects(call_ctx().get(), read, &xs).ok());
}

TEST_CASE("faults are listed and cleared") {
  FabricProcess fabric;
  CHECK(fabric.inject("ocs1", pb::FIBER_CUT, 3));
  CHECK(fabric.inject("ocs1", pb::STUCK_MIRROR, 5));
  pb::ListFaultsRequest list;
  pb::ListFaultsReply faults;
  REQUIRE(fabric.admin().ListFaults(call_ctx().get(), list, &faults).ok());
  REQUIRE(faults.faults_size() == 2);
  CHECK(faults.faults(0).kind() == pb::STUCK_MIRROR);
  CHECK(faults.faults(0).port() == 5);
  CHECK(faults.faults(1).kind() == pb::FIBER_CUT);
  pb::ClearAllRequest clear;
  pb::ClearAllReply cleared;
  REQUIRE(fabric.admin().ClearAll(call_ctx().get(), clear, &cleared).ok());
  CHECK(cleared.cleared() == 2);
  faults.Clear();
  REQUIRE(fabric.admin().ListFaults(call_ctx().get(), list, &faults).ok());
  CHECK(faults.faults_size() == 0);
}

TEST_CASE("the change counters count every cross-connect made and removed") {
  FabricProcess fabric;
  pb::ApplyBatchReply applied;
  REQUIRE(fabric.devices()
              .ApplyBatch(call_ctx().get(), connect_request("ocs1", {{0, 1}, {2, 3}}), &applied)
              .ok());
  CHECK(applied.connected_size() == 2);
  CHECK(applied.settled_at_unix_ns() >= applied.started_at_unix_ns());
  CHECK(fabric.changes("ocs1").connects() == 2);
  // Moving port 1 to port 4: one removed, one made; 2-3 untouched.
  pb::ApplyBatchRequest move = connect_request("ocs1", {{0, 4}});
  auto* d = move.mutable_batch()->add_disconnects();
  d->set_a(1);
  d->set_b(0);
  REQUIRE(fabric.devices().ApplyBatch(call_ctx().get(), move, &applied).ok());
  const auto c = fabric.changes("ocs1");
  CHECK(c.connects() == 3);
  CHECK(c.disconnects() == 1);
  // A switch going down and up drives its mirrors again but changes nothing.
  fabric.inject("ocs1", pb::SWITCH_DOWN);
  fabric.clear("ocs1", pb::SWITCH_DOWN);
  CHECK(fabric.changes("ocs1").connects() == 3);
}

TEST_CASE("a stream starts with where the switch stands, then heartbeats") {
  FabricProcess fabric;
  fabric.inject("ocs1", pb::STUCK_MIRROR, 2);
  pb::SubscribeRequest sub;
  sub.set_switch_id("ocs1");
  sub.set_heartbeat_interval_ms(50);
  auto c = call_ctx();
  auto reader = fabric.devices().Subscribe(c.get(), sub);
  pb::DeviceEvent event;
  REQUIRE(reader->Read(&event));
  REQUIRE(event.has_start());
  CHECK(event.start().device_up());
  CHECK(event.start().info().port_count() == 16);
  bool stuck = false;
  for (const auto& a : event.start().active_alarms())
    stuck |= a.kind() == pb::MIRROR_STUCK && a.port() == 2 && a.raised();
  CHECK(stuck);
  bool heartbeat = false;
  for (int i = 0; i < 100 && !heartbeat; ++i) {
    REQUIRE(reader->Read(&event));
    heartbeat = event.has_heartbeat();
  }
  CHECK(heartbeat);
  c->TryCancel();
}

TEST_CASE("a bad fault script stops the fabric from starting, naming the problem") {
  std::string tmpl = (std::filesystem::temp_directory_path() / "faults-XXXXXX").string();
  const int fd = ::mkstemp(tmpl.data());
  REQUIRE(fd >= 0);
  ::close(fd);
  std::ofstream(tmpl)
      << "lightpath_faults: 1\nfaults:\n  - {at_s: 1, switch: nope, fault: fiber_cut, port: 1}\n";
  std::vector<std::string> args{LIGHTPATH_FABRIC_PATH,
                                "--topology",
                                tiny_topology(),
                                "--listen",
                                "127.0.0.1:0",
                                "--faults",
                                tmpl};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  REQUIRE(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) == 0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
  std::filesystem::remove(tmpl);
}
