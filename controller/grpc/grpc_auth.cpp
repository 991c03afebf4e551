#include "controller/grpc/grpc_auth.h"

namespace lightpath::grpc_api {

auth::CallInfo call_info(const grpc::CallbackServerContext* ctx, std::string_view method) {
  return {"grpc", std::string(method), ctx->peer()};
}

grpc::Status to_status(const auth::Refusal& refusal) {
  switch (refusal.kind) {
    case auth::Refusal::Kind::kUnauthenticated:
      return {grpc::StatusCode::UNAUTHENTICATED, refusal.message};
    case auth::Refusal::Kind::kForbidden:
      return {grpc::StatusCode::PERMISSION_DENIED, refusal.message};
    case auth::Refusal::Kind::kRateLimited:
      return {grpc::StatusCode::RESOURCE_EXHAUSTED, refusal.message};
  }
  return {grpc::StatusCode::INTERNAL, refusal.message};
}

Result<auth::Identity, grpc::Status> admit(auth::Guard& guard,
                                           const grpc::CallbackServerContext* ctx,
                                           std::string_view method, auth::Action action,
                                           std::string_view tenant) {
  std::string_view authorization;
  const auto& md = ctx->client_metadata();
  if (auto it = md.find("authorization"); it != md.end()) {
    authorization = std::string_view(it->second.data(), it->second.size());
  }
  auto who = guard.admit(call_info(ctx, method), authorization, action, tenant);
  if (!who) return unexpected(to_status(who.error()));
  return std::move(*who);
}

}  // namespace lightpath::grpc_api
