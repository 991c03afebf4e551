#include "controller/cli/proto_request.h"

#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>

#include "controller/grpc/convert.h"
#include "controller/requests/request_file.h"

using namespace lightpath;

namespace {

// Every field the request file can express survives domain -> proto -> domain.
void check_round_trip(const solver::CircuitRequest& in) {
  v1::CircuitRequest wire;
  cli::to_proto(in, &wire);
  auto back = grpc_api::from_proto(wire);
  REQUIRE_MESSAGE(back.has_value(), in.request_id);
  const auto& out = *back;
  CHECK(out.request_id == in.request_id);
  CHECK(out.job_id == in.job_id);
  CHECK(out.tenant == in.tenant);
  CHECK(out.application == in.application);
  CHECK(out.priority == in.priority);
  CHECK(out.duration_seconds == in.duration_seconds);
  CHECK(out.bandwidth_per_flow == in.bandwidth_per_flow);
  CHECK(out.flow_type == in.flow_type);
  CHECK(out.pattern == in.pattern);
  CHECK(out.sources == in.sources);
  CHECK(out.destinations == in.destinations);
  CHECK(out.pairs == in.pairs);
  CHECK(out.latency_max == in.latency_max);
  CHECK(out.min_margin == in.min_margin);
  CHECK(out.atomic == in.atomic);
}

}  // namespace

TEST_CASE("proto_request: the shipped request files round-trip through the API form") {
  for (const char* name : {"tiny", "tpuv4-pod", "jupiter-spinefree", "two-stage-wss"}) {
    CAPTURE(name);
    auto reqs = requests::load_requests(std::string(LIGHTPATH_SOURCE_DIR) + "/examples/requests/" +
                                        name + ".yaml");
    REQUIRE(reqs.has_value());
    REQUIRE_FALSE(reqs->empty());
    for (const auto& r : *reqs) check_round_trip(r);
  }
}

TEST_CASE("proto_request: explicit pairs, non-atomic, and unset requirements") {
  auto reqs = requests::parse_requests(R"(
requests:
  - request_id: r1
    bandwidth_per_flow_gbps: 100
    pattern: explicit
    atomic: false
    sources: [{rack: a, port_group: g}, {rack: b, port_group: g}]
    destinations: [{rack: c, port_group: g}]
    pairs: [[0, 0], [1, 0]]
  - request_id: r2
    bandwidth_per_flow_gbps: 50
    pattern: all_to_all
    flow_type: circuit_preferred
    sources: [{rack: a, port_group: g}, {rack: b, port_group: g}]
    requirements: {latency_max_us: 2.5}
)",
                                       "inline.yaml");
  REQUIRE(reqs.has_value());
  REQUIRE(reqs->size() == 2);
  for (const auto& r : *reqs) check_round_trip(r);

  v1::CircuitRequest wire;
  cli::to_proto((*reqs)[0], &wire);
  CHECK(wire.pattern() == v1::EXPLICIT);
  CHECK(wire.has_atomic());
  CHECK_FALSE(wire.atomic());
  CHECK_FALSE(wire.has_requirements());
  CHECK(wire.pairs_size() == 2);

  v1::CircuitRequest second;
  cli::to_proto((*reqs)[1], &second);
  CHECK(second.flow_type() == v1::CIRCUIT_PREFERRED);
  CHECK(second.requirements().latency_max_us() == doctest::Approx(2.5));
  CHECK(second.requirements().min_margin_db() == 0);
}

TEST_CASE("from_proto: a margin that is not a finite number is refused (fuzz finding)") {
  // fuzz/regressions/request_proto/nan-margin: min_margin_db NaN was
  // accepted, reached the store's NOT NULL column as NULL, and the failed
  // commit stopped lightpathd.
  v1::CircuitRequest wire;
  wire.set_request_id("r");
  wire.set_bandwidth_per_flow_gbps(400);
  auto* src = wire.add_sources();
  src->set_rack("rack1");
  src->set_port_group("gpu-nic");
  auto* dst = wire.add_destinations();
  dst->set_rack("rack2");
  dst->set_port_group("gpu-nic");
  for (double bad : {std::nan(""), HUGE_VAL, -HUGE_VAL}) {
    wire.mutable_requirements()->set_min_margin_db(bad);
    auto r = grpc_api::from_proto(wire);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == core::ErrorCode::kInvalidArgument);
    CHECK(r.error().message == "requirements.min_margin_db: must be a finite number");
  }
  wire.mutable_requirements()->set_min_margin_db(3);
  CHECK(grpc_api::from_proto(wire));
}

TEST_CASE(
    "from_proto: inputs that once crashed the request_proto fuzz target convert or are refused") {
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(LIGHTPATH_SOURCE_DIR
                                                               "/fuzz/regressions/request_proto")) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CAPTURE(entry.path().filename().string());
    v1::CircuitRequest wire;
    if (!wire.ParseFromString(bytes)) continue;
    auto r = grpc_api::from_proto(wire);
    if (r && r->min_margin) CHECK(std::isfinite(r->min_margin->value()));
    if (!r) CHECK(r.error().code == core::ErrorCode::kInvalidArgument);
    ++seen;
  }
  CHECK(seen > 0);
}

TEST_CASE("from_proto: ListCircuitsRequest's page size and token") {
  v1::ListCircuitsRequest wire;
  wire.set_job_id("j");
  wire.set_state(v1::ACTIVE);
  auto q = grpc_api::from_proto(wire);
  REQUIRE(q);
  CHECK(q->filter.job_id == "j");
  CHECK(q->filter.state == core::CircuitState::kActive);
  CHECK(q->limit == std::numeric_limits<std::size_t>::max());  // page_size 0: every match
  CHECK(q->after == CircuitId(0));
  wire.set_page_size(50);
  wire.set_page_token("4294967294");  // the largest circuit id
  q = grpc_api::from_proto(wire);
  REQUIRE(q);
  CHECK(q->limit == 50);
  CHECK(q->after == CircuitId(4294967294U));
  wire.set_page_size(grpc_api::kMaxPageSize + 1);  // cut, not refused (AIP-158)
  CHECK(grpc_api::from_proto(wire)->limit == grpc_api::kMaxPageSize);
  for (const char* bad : {"x", "-1", "+1", " 1", "1 ", "1.5", "0", "4294967295", "99999999999"}) {
    CAPTURE(bad);
    wire.set_page_token(bad);
    auto r = grpc_api::from_proto(wire);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == core::ErrorCode::kInvalidArgument);
    CHECK(r.error().message.rfind("page_token: ", 0) == 0);
  }
}
