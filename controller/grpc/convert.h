#pragma once
// The one place where protobuf messages and domain types meet.

#include <grpcpp/support/status.h>

#include "controller/core/controller.h"
#include "lightpath/v1/lightpath.pb.h"

namespace lightpath::grpc_api {

// Converts a request; a field that cannot be represented is an error naming it.
core::ApiResult<solver::CircuitRequest> from_proto(const v1::CircuitRequest& in);

// ListCircuits' filter and page. A page_size of 0 asks for every match;
// larger than kMaxPageSize is cut to it, as AIP-158 advises, so no caller holds
// the controller's thread long. The page token is the decimal id of the last
// circuit listed; one that is not a circuit id is an error naming page_token.
struct CircuitListQuery {
  core::CircuitFilter filter;
  std::size_t limit = 0;
  CircuitId after{0};
};
inline constexpr std::size_t kMaxPageSize = 10'000;
core::ApiResult<CircuitListQuery> from_proto(const v1::ListCircuitsRequest& in);
void to_proto(const Fabric& fabric, const core::Controller::CircuitPage& in,
              v1::ListCircuitsResponse* out);

std::int64_t unix_ms(TimePoint t);
void to_proto(const southbound::PortTelemetry& in, TimePoint at, v1::PortTelemetry* out);
void to_proto(const Fabric& fabric, const core::CircuitRecord& in, v1::Circuit* out);
void to_proto(const Fabric& fabric, const core::RequestAnswer& in,
              v1::RequestCircuitsResponse* out);
v1::CircuitState to_proto(core::CircuitState s);
std::optional<core::CircuitState> from_proto(v1::CircuitState s);

grpc::Status to_status(const core::ApiError& e);

}  // namespace lightpath::grpc_api
