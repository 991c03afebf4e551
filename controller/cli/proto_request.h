#pragma once
// A request read from a request file, as the daemon's API takes it: the
// reverse of grpc_api::from_proto (controller/grpc/convert.h).

#include "controller/solver/request.h"
#include "lightpath/v1/lightpath.pb.h"

namespace lightpath::cli {

// Fills `out` so that grpc_api::from_proto(*out) gives back `in`. `atomic`
// is always set explicitly; unset requirements stay unset.
void to_proto(const solver::CircuitRequest& in, v1::CircuitRequest* out);

}  // namespace lightpath::cli
