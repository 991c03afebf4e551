#pragma once
// What each role may do (docs/security.md), and the front ends' one entry
// point for it: Guard authenticates a call's bearer token, checks the action
// against the caller's role and tenant, applies the per-tenant request rate,
// and writes refusals (and changes made) to the audit log.

#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "controller/auth/token_table.h"
#include "lightpath/result.h"

namespace lightpath::auth {

enum class Action {
  kRequestCircuits,
  kReleaseCircuits,
  kExtendLease,
  kReadCircuits,  // get and list
  kWatchCircuits,
  kReadFabric,  // switches, ports, alarms, telemetry
  kDrainSwitch,
  kReadMetrics,
};
std::string_view to_string(Action action);
bool changes_state(Action action);

// Why `who` may not do `action` for `tenant` (empty: the call names none),
// or nullopt when it may.
std::optional<std::string> forbidden(const Identity& who, Action action, std::string_view tenant);

struct Refusal {
  enum class Kind { kUnauthenticated, kForbidden, kRateLimited } kind;
  std::string message;
};

// One line of JSON per event, appended and flushed; safe from any thread.
class AuditLog {
 public:
  // An empty path keeps no log. Fails when the file cannot be opened.
  static Result<std::unique_ptr<AuditLog>> open(const std::string& path);
  struct Entry {
    std::string api;   // grpc, rest
    std::string call;  // RequestCircuits, "DELETE /v1/circuits/{id}", ...
    std::string peer;
    const Identity* who = nullptr;  // null when unauthenticated
    std::string outcome;            // allowed, unauthenticated, forbidden, rate_limited
    std::string detail;
  };
  void write(const Entry& entry);

 private:
  std::mutex mu_;
  std::ofstream out_;
};

// Token buckets per tenant: `rate` requests per second, bursts of `burst`.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(double rate, double burst) : rate_(rate), burst_(std::max(burst, 1.0)) {}
  // False when the tenant's bucket is empty at `now`.
  bool take(const std::string& tenant, Clock::time_point now);
  double rate() const { return rate_; }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point at;
  };
  double rate_;
  double burst_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;
};

struct CallInfo {
  std::string api;
  std::string call;
  std::string peer;
};

class Guard {
 public:
  // `tokens` null: no token file, every caller is the operator "anonymous"
  // (lightpathd then listens on loopback only). `audit` and `limiter` may be null.
  Guard(const TokenStore* tokens, AuditLog* audit, RateLimiter* limiter)
      : tokens_(tokens), audit_(audit), limiter_(limiter) {}

  // `authorization`: the header's value ("Bearer <token>"), empty when absent.
  // `tenant`: the tenant the call acts for, empty when it names none.
  Result<Identity, Refusal> admit(const CallInfo& call, std::string_view authorization,
                                  Action action, std::string_view tenant);
  // For calls whose tenant is only known after a lookup (a circuit by id).
  Result<bool, Refusal> check_tenant(const CallInfo& call, const Identity& who, Action action,
                                     std::string_view tenant);
  bool open() const { return tokens_ == nullptr; }

 private:
  Refusal refuse(const CallInfo& call, const Identity* who, Refusal::Kind kind,
                 std::string message);

  const TokenStore* tokens_;
  AuditLog* audit_;
  RateLimiter* limiter_;
};

}  // namespace lightpath::auth
