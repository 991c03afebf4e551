#pragma once
// The canonical upper-case name of a gRPC status code ("NOT_FOUND"), for
// messages, logs and metric labels. One copy for every front end and client.

#include <grpcpp/support/status.h>

#include <string>

namespace lightpath {

std::string status_code_name(grpc::StatusCode code);

}  // namespace lightpath
