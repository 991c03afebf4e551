// From a placed job to a circuit request.
#include "scheduler/policy.h"

#include <doctest/doctest.h>

using namespace lightpath;
using namespace lightpath::scheduler;

namespace {
NodeMapping mapping() {
  auto m = NodeMapping::parse(R"(lightpath_node_mapping: 1
default_port_group: gpu-nic
nodes:
  - {node: "n{1..4}", endpoint: "r{1..4}"}
  - {node: "h{1..2}", endpoint: r5}
)",
                              "m.yaml");
  REQUIRE(m.has_value());
  return *m;
}
Job job(std::vector<std::string> nodes, Hints hints = {}) {
  Job j;
  j.id = "42";
  j.tenant = "alice";
  j.queue = "gpu";
  j.nodes = std::move(nodes);
  j.hints = std::move(hints);
  return j;
}
std::vector<std::string> racks(const google::protobuf::RepeatedPtrField<v1::EndpointRef>& refs) {
  std::vector<std::string> out;
  for (const auto& r : refs) out.push_back(r.rack());
  return out;
}
}  // namespace

TEST_CASE("policy: a ring over the job's endpoints with the cluster's defaults") {
  ClusterPolicy p;
  p.cluster = "c1";
  auto plan = plan_circuits(job({"n1", "n2", "n3"}), mapping(), p);
  REQUIRE_MESSAGE(plan.has_value(), plan.error().message);
  const auto& r = plan->request;
  CHECK(r.request_id() == "c1-42-0");
  CHECK(r.job_id() == "c1-42");
  CHECK(r.tenant() == "alice");
  CHECK(r.pattern() == v1::RING);
  CHECK(r.bandwidth_per_flow_gbps() == 100);
  CHECK(r.duration_seconds() == 0);  // no time limit: until released
  CHECK(r.atomic());
  CHECK(racks(r.sources()) == std::vector<std::string>{"r1", "r2", "r3"});
  CHECK(r.sources(0).port_group() == "gpu-nic");
  CHECK(r.destinations().empty());
  CHECK(plan->on_reject == Fallback::kFail);
}

TEST_CASE("policy: each attempt of a requeued job is its own request") {
  Job j = job({"n1", "n2"});
  j.attempt = 2;
  CHECK(plan_circuits(j, mapping(), {})->request.request_id() == "cluster-42-2");
}

TEST_CASE("policy: hints override the defaults, queue priority in between") {
  ClusterPolicy p;
  p.queue_priority["gpu"] = 7;
  auto plain = plan_circuits(job({"n1", "n2"}), mapping(), p);
  CHECK(plain->request.priority() == 7);
  auto plan = plan_circuits(job({"n1", "n2", "n3", "n4"}, {{"pattern", "pairwise"},
                                                           {"bandwidth_gbps", "400"},
                                                           {"priority", "9"},
                                                           {"flow_type", "circuit_preferred"},
                                                           {"on_reject", "packet"}}),
                            mapping(), p);
  REQUIRE_MESSAGE(plan.has_value(), plan.error().message);
  const auto& r = plan->request;
  CHECK(r.pattern() == v1::PAIRWISE);
  CHECK(racks(r.sources()) == std::vector<std::string>{"r1", "r3"});
  CHECK(racks(r.destinations()) == std::vector<std::string>{"r2", "r4"});
  CHECK(r.bandwidth_per_flow_gbps() == 400);
  CHECK(r.priority() == 9);
  CHECK(r.flow_type() == v1::CIRCUIT_PREFERRED);
  CHECK(plan->on_reject == Fallback::kPacket);
  auto a2a = plan_circuits(job({"n1", "n2", "n3"}, {{"pattern", "all-to-all"}}), mapping(), p);
  CHECK(a2a->request.pattern() == v1::ALL_TO_ALL);
  CHECK(a2a->request.sources_size() == 3);
}

TEST_CASE("policy: lease is the time limit plus grace") {
  ClusterPolicy p;
  p.lease_grace = std::chrono::seconds(60);
  p.lease_without_limit = std::chrono::seconds(86400);
  Job j = job({"n1", "n2"});
  CHECK(plan_circuits(j, mapping(), p)->request.duration_seconds() == 86400);
  j.time_limit = std::chrono::seconds(3600);
  CHECK(plan_circuits(j, mapping(), p)->request.duration_seconds() == 3660);
}

TEST_CASE("policy: nodes on one endpoint leave nothing to connect") {
  auto plan = plan_circuits(job({"h1", "h2"}), mapping(), {});
  REQUIRE(plan.has_value());
  CHECK(plan->nothing_to_connect());
  CHECK(plan_circuits(job({"n2"}), mapping(), {})->nothing_to_connect());
  // Several hosts behind one rack count once.
  auto mixed = plan_circuits(job({"h1", "n1", "h2"}), mapping(), {});
  CHECK(racks(mixed->request.sources()) == std::vector<std::string>{"r5", "r1"});
}

TEST_CASE("policy: bad input is an error with a code and the culprit named") {
  ClusterPolicy p;
  p.max_bandwidth_gbps = 800;
  p.max_priority = 10;
  const auto error = [&](Job j) {
    auto plan = plan_circuits(j, mapping(), p);
    REQUIRE(!plan.has_value());
    return plan.error();
  };
  auto unmapped = error(job({"n1", "x7", "n2", "y1"}));
  CHECK(unmapped.code == "UNMAPPED_NODE");
  CHECK(unmapped.message == "node(s) not in the node mapping: x7, y1");
  CHECK(error(job({})).code == "NO_NODES");
  CHECK(error(job({"n1", "n2", "n3"}, {{"pattern", "pairwise"}})).code == "BAD_PATTERN");
  CHECK(error(job({"n1", "n2"}, {{"pattern", "star"}})).code == "BAD_HINT");
  CHECK(error(job({"n1", "n2"}, {{"bandwidth_gbps", "fast"}})).message ==
        "bandwidth_gbps: 'fast' is not a number");
  CHECK(error(job({"n1", "n2"}, {{"bandwidth_gbps", "0"}})).code == "BAD_HINT");
  CHECK(error(job({"n1", "n2"}, {{"bandwidth_gbps", "1600"}})).message.find("cap of 800") !=
        std::string::npos);
  CHECK(error(job({"n1", "n2"}, {{"priority", "11"}})).message.find("cap of 10") !=
        std::string::npos);
  CHECK(error(job({"n1", "n2"}, {{"priority", "1.5"}})).code == "BAD_HINT");
  CHECK(error(job({"n1", "n2"}, {{"on_reject", "retry"}})).code == "BAD_HINT");
  CHECK(error(job({"n1", "n2"}, {{"flow_type", "any"}})).code == "BAD_HINT");
}
