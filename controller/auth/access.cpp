#include "controller/auth/access.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <nlohmann/json.hpp>

namespace lightpath::auth {

std::string_view to_string(Action action) {
  switch (action) {
    case Action::kRequestCircuits:
      return "request circuits";
    case Action::kReleaseCircuits:
      return "release circuits";
    case Action::kExtendLease:
      return "extend a lease";
    case Action::kReadCircuits:
      return "read circuits";
    case Action::kWatchCircuits:
      return "watch circuits";
    case Action::kReadFabric:
      return "read the fabric";
    case Action::kDrainSwitch:
      return "drain a switch or port";
    case Action::kReadMetrics:
      return "read metrics";
  }
  return "?";
}

bool changes_state(Action action) {
  return action == Action::kRequestCircuits || action == Action::kReleaseCircuits ||
         action == Action::kExtendLease || action == Action::kDrainSwitch;
}

std::optional<std::string> forbidden(const Identity& who, Action action, std::string_view tenant) {
  const auto no = [&] {
    return fmt::format("{} '{}' may not {}", to_string(who.role), who.name, to_string(action));
  };
  switch (who.role) {
    case Role::kOperator:
      return std::nullopt;
    case Role::kViewer:
      if (changes_state(action)) return no();
      return std::nullopt;
    case Role::kScheduler:
      if (action == Action::kReadFabric || action == Action::kDrainSwitch ||
          action == Action::kReadMetrics) {
        return no();
      }
      if (!tenant.empty() && tenant != who.tenant) {
        return fmt::format("scheduler '{}' acts for tenant '{}', not '{}'", who.name, who.tenant,
                           tenant);
      }
      return std::nullopt;
  }
  return no();
}

Result<std::unique_ptr<AuditLog>> AuditLog::open(const std::string& path) {
  auto log = std::make_unique<AuditLog>();
  log->out_.open(path, std::ios::app);
  if (!log->out_) return unexpected(Error{"AUDIT_LOG", path + ": cannot open the audit log"});
  return log;
}

void AuditLog::write(const Entry& e) {
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  nlohmann::json line{{"at", stamp},         {"api", e.api},         {"call", e.call},
                      {"peer", e.peer},      {"outcome", e.outcome}, {"detail", e.detail},
                      {"identity", nullptr}, {"role", nullptr},      {"tenant", nullptr}};
  if (e.who != nullptr) {
    line["identity"] = e.who->name;
    line["role"] = std::string(to_string(e.who->role));
    line["tenant"] = e.who->tenant;
  }
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::lock_guard lock(mu_);
  out_ << text << '\n';
  out_.flush();
}

bool RateLimiter::take(const std::string& tenant, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto [it, fresh] = buckets_.try_emplace(tenant, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(burst_, b.tokens + std::max(0.0, elapsed) * rate_);
    b.at = std::max(b.at, now);
  }
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

Refusal Guard::refuse(const CallInfo& call, const Identity* who, Refusal::Kind kind,
                      std::string message) {
  if (audit_ != nullptr) {
    const char* outcome = kind == Refusal::Kind::kUnauthenticated ? "unauthenticated"
                          : kind == Refusal::Kind::kForbidden     ? "forbidden"
                                                                  : "rate_limited";
    audit_->write({call.api, call.call, call.peer, who, outcome, message});
  }
  return Refusal{kind, std::move(message)};
}

Result<Identity, Refusal> Guard::admit(const CallInfo& call, std::string_view authorization,
                                       Action action, std::string_view tenant) {
  Identity who{"anonymous", Role::kOperator, ""};
  if (tokens_ != nullptr) {
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization.empty()) {
      return unexpected(refuse(call, nullptr, Refusal::Kind::kUnauthenticated,
                               "no credentials: send 'authorization: Bearer <token>'"));
    }
    if (authorization.substr(0, kBearer.size()) != kBearer) {
      return unexpected(refuse(call, nullptr, Refusal::Kind::kUnauthenticated,
                               "authorization must be 'Bearer <token>'"));
    }
    auto found = tokens_->authenticate(authorization.substr(kBearer.size()));
    if (!found) {
      return unexpected(
          refuse(call, nullptr, Refusal::Kind::kUnauthenticated, "unknown or revoked token"));
    }
    who = std::move(*found);
  }
  if (auto no = forbidden(who, action, tenant)) {
    return unexpected(refuse(call, &who, Refusal::Kind::kForbidden, *no));
  }
  if (limiter_ != nullptr && changes_state(action)) {
    const std::string key = who.role == Role::kScheduler ? who.tenant
                            : tenant.empty()             ? who.name
                                                         : std::string(tenant);
    if (!limiter_->take(key, RateLimiter::Clock::now())) {
      return unexpected(
          refuse(call, &who, Refusal::Kind::kRateLimited,
                 fmt::format("rate limit: tenant '{}' may make {} requests per second "
                             "(requests_per_second_per_tenant)",
                             key, limiter_->rate())));
    }
  }
  if (audit_ != nullptr && changes_state(action)) {
    audit_->write({call.api, call.call, call.peer, &who, "allowed", std::string(tenant)});
  }
  return who;
}

Result<bool, Refusal> Guard::check_tenant(const CallInfo& call, const Identity& who,
                                          Action /*action*/, std::string_view tenant) {
  if (who.role != Role::kScheduler || tenant.empty() || tenant == who.tenant) return true;
  return unexpected(refuse(call, &who, Refusal::Kind::kForbidden,
                           fmt::format("scheduler '{}' acts for tenant '{}'; this circuit is not "
                                       "theirs",
                                       who.name, who.tenant)));
}

}  // namespace lightpath::auth
