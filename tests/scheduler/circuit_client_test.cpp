// The client library against the real lightpathd on the 4-node fabric:
// idempotent requests, waiting until ACTIVE, releases by job, and deadlines
// when the controller cannot be reached.
#include "scheduler/circuit_client.h"

#include <doctest/doctest.h>

#include "daemon/daemon_process.h"
#include "scheduler/policy.h"
#include "scheduler/release_journal.h"

using namespace lightpath;
using namespace lightpath::scheduler;
using Clock = CircuitClient::Clock;
using namespace std::chrono_literals;

namespace {
const std::string kTopology = LIGHTPATH_SOURCE_DIR "/topologies/slurm-4node.yaml";

CircuitPlan ring(const std::string& id, std::vector<std::string> nodes) {
  auto mapping = NodeMapping::load(LIGHTPATH_SOURCE_DIR "/examples/slurm/nodes.yaml");
  REQUIRE(mapping.has_value());
  Job job;
  job.id = id;
  job.tenant = "alice";
  job.nodes = std::move(nodes);
  ClusterPolicy policy;
  policy.cluster = "u";
  auto plan = plan_circuits(job, *mapping, policy);
  REQUIRE(plan.has_value());
  return *plan;
}
}  // namespace

TEST_CASE("client: request twice, wait until ACTIVE, release twice") {
  testing::TempDir dir;
  testing::DaemonProcess daemon(kTopology, dir.file("s.db"), dir.file(""));
  ClientOptions client_options;
  client_options.server = "127.0.0.1:" + std::to_string(daemon.grpc_port());
  CircuitClient client(client_options);
  const auto plan = ring("1", {"node1", "node2", "node3"});
  auto first = client.request(plan.request, Clock::now() + 5s);
  REQUIRE_MESSAGE(first.has_value(), first.error().message);
  REQUIRE(first->accepted());
  REQUIRE(first->circuits_size() == 3);
  auto again = client.request(plan.request, Clock::now() + 5s);
  REQUIRE(again.has_value());
  CHECK(again->circuits(0).id() == first->circuits(0).id());  // no second allocation

  std::vector<std::uint64_t> ids;
  for (const auto& c : first->circuits()) ids.push_back(c.id());
  auto wait = client.wait_active("u-1", ids, Clock::now() + 10s);
  REQUIRE(wait.has_value());
  CHECK(wait->all_active);
  CHECK(wait->active == 3);
  CHECK(client.list_job("u-1", Clock::now() + 5s)->size() == 3);

  auto released = client.release_job("u-1", "alice", Clock::now() + 5s);
  REQUIRE(released.has_value());
  CHECK(released->size() == 3);
  CHECK(client.release_job("u-1", "alice", Clock::now() + 5s)->empty());
  CHECK(client.release_request("never-asked", "alice", Clock::now() + 5s)->empty());
  // A released circuit will never be ACTIVE: the wait says so at once.
  auto after = client.wait_active("u-1", ids, Clock::now() + 10s);
  REQUIRE(after.has_value());
  CHECK_FALSE(after->all_active);
  CHECK(after->why.find("RELEAS") != std::string::npos);
}

TEST_CASE("client: a refused request is an answer, an unknown endpoint an error") {
  testing::TempDir dir;
  testing::DaemonProcess daemon(kTopology, dir.file("s.db"), dir.file(""));
  ClientOptions client_options;
  client_options.server = "127.0.0.1:" + std::to_string(daemon.grpc_port());
  CircuitClient client(client_options);
  auto plan = ring("2", {"node1", "node2", "node3", "node4"});
  plan.request.set_pattern(v1::ALL_TO_ALL);
  auto refused = client.request(plan.request, Clock::now() + 5s);
  REQUIRE(refused.has_value());
  CHECK_FALSE(refused->accepted());
  CHECK(refused->reason() == "INSUFFICIENT_PORTS");
  plan.request.set_request_id("u-2-1");
  plan.request.mutable_sources(0)->set_rack("rack99");
  auto unknown = client.request(plan.request, Clock::now() + 5s);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == "INVALID_ARGUMENT");
}

TEST_CASE("client: an unreachable controller is an error within the deadline") {
  ClientOptions options;
  options.server = "127.0.0.1:1";
  options.call_timeout = 300ms;
  CircuitClient client(options);
  const auto start = Clock::now();
  auto r = client.request(ring("3", {"node1", "node2"}).request, start + 1s);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == "UNAVAILABLE");
  CHECK(r.error().message.find("cannot reach lightpathd at 127.0.0.1:1") != std::string::npos);
  CHECK(Clock::now() - start < 2s);
  auto w = client.wait_active("u-3", {1}, Clock::now() + 1s);
  CHECK_FALSE(w.has_value());
  CHECK_FALSE(client.release_job("u-3", "", Clock::now() + 500ms).has_value());
}

TEST_CASE("client: the journal keeps undelivered releases until delivered") {
  testing::TempDir dir;
  ReleaseJournal journal(dir.file("journal"));
  CHECK(journal.pending().empty());
  REQUIRE_FALSE(journal.add({"u-9", "alice"}).has_value());
  REQUIRE_FALSE(journal.add({"odd/id with spaces", ""}).has_value());
  REQUIRE_FALSE(journal.add({"u-9", "alice"}).has_value());  // same job: one entry
  CHECK(journal.pending().size() == 2);

  ClientOptions down;
  down.server = "127.0.0.1:1";
  down.call_timeout = 200ms;
  CircuitClient unreachable(down);
  CHECK(deliver_pending(unreachable, journal, Clock::now() + 500ms) == 0);
  CHECK(journal.pending().size() == 2);

  testing::DaemonProcess daemon(kTopology, dir.file("s.db"), dir.file(""));
  ClientOptions client_options;
  client_options.server = "127.0.0.1:" + std::to_string(daemon.grpc_port());
  CircuitClient client(client_options);
  CHECK(deliver_pending(client, journal, Clock::now() + 5s) == 2);
  CHECK(journal.pending().empty());
}
