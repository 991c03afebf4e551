#pragma once
// The gRPC side of auth (docs/security.md): the bearer token comes in the
// `authorization` metadata, refusals become UNAUTHENTICATED,
// PERMISSION_DENIED or RESOURCE_EXHAUSTED.

#include <grpcpp/grpcpp.h>

#include <string_view>

#include "controller/auth/access.h"

namespace lightpath::grpc_api {

auth::CallInfo call_info(const grpc::CallbackServerContext* ctx, std::string_view method);
grpc::Status to_status(const auth::Refusal& refusal);
Result<auth::Identity, grpc::Status> admit(auth::Guard& guard,
                                           const grpc::CallbackServerContext* ctx,
                                           std::string_view method, auth::Action action,
                                           std::string_view tenant);

}  // namespace lightpath::grpc_api
