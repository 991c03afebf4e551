// Fuzzes the gRPC request path of lightpathd: the bytes of a
// lightpath.v1.CircuitRequest (what CircuitService.RequestCircuits receives)
// are parsed, converted to the domain request (controller/grpc/convert.h)
// and, when that succeeds, handed to the real controller over simulated
// switches in virtual time (fuzz_world.h), whose answer is converted back to
// a RequestCircuitsResponse. What the request got is released again.
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "controller/grpc/convert.h"
#include "fuzz/fuzz_world.h"

namespace {

using namespace lightpath;

// Requests between world rebuilds: the controller keeps every request record.
constexpr int kRequestsPerWorld = 256;

// Mutated strings are often not UTF-8; protobuf refuses those and logs each one.
void quiet_protobuf() {
  google::protobuf::SetLogHandler(
      [](google::protobuf::LogLevel, const char*, int, const std::string&) {});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static int requests = 0;
  fuzzing::quiet_logging();
  quiet_protobuf();
  v1::CircuitRequest msg;
  if (!msg.ParseFromArray(data, static_cast<int>(size))) return 0;
  auto converted = grpc_api::from_proto(msg);
  if (!converted) {
    (void)grpc_api::to_status(converted.error());
    return 0;
  }
  if (++requests > kRequestsPerWorld) {
    fuzzing::World::reset();
    requests = 1;
  }
  auto& world = fuzzing::World::get();
  auto& ctl = world.controller();
  const solver::CircuitRequest request = *converted;
  std::optional<grpc::Status> status;
  ctl.request_circuits(std::move(*converted), [&](core::ApiResult<core::RequestAnswer> r) {
    if (!r) {
      status = grpc_api::to_status(r.error());
      return;
    }
    v1::RequestCircuitsResponse resp;
    grpc_api::to_proto(world.fabric(), *r, &resp);
    (void)resp.SerializeAsString();
    status = grpc::Status::OK;
  });
  world.settle();
  if (!status) fuzzing::fail("the controller never answered the request");
  if (status->ok()) {
    bool released = false;
    ctl.release({request.tenant, request.request_id, {}},
                [&](core::ApiResult<std::vector<CircuitId>>) { released = true; });
    world.settle();
    if (!released) fuzzing::fail("the controller never answered the release");
  }
  return 0;
}
