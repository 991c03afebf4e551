// The role matrix, tenants, rate limits and the audit log.

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "controller/auth/access.h"

using namespace lightpath::auth;

TEST_CASE("what each role may do") {
  const Identity viewer{"v", Role::kViewer, ""};
  const Identity sched{"s", Role::kScheduler, "vision"};
  const Identity op{"o", Role::kOperator, ""};
  for (const Action a : {Action::kRequestCircuits, Action::kReleaseCircuits, Action::kExtendLease,
                         Action::kDrainSwitch}) {
    CAPTURE(to_string(a));
    CHECK(forbidden(viewer, a, ""));
    CHECK_FALSE(forbidden(op, a, "anyone"));
  }
  for (const Action a :
       {Action::kReadCircuits, Action::kWatchCircuits, Action::kReadFabric, Action::kReadMetrics}) {
    CHECK_FALSE(forbidden(viewer, a, ""));
    CHECK_FALSE(forbidden(op, a, ""));
  }
  // A scheduler works on its own tenant's circuits only, and sees nothing of the fabric.
  for (const Action a : {Action::kRequestCircuits, Action::kReleaseCircuits, Action::kExtendLease,
                         Action::kReadCircuits, Action::kWatchCircuits}) {
    CHECK_FALSE(forbidden(sched, a, "vision"));
    CHECK_FALSE(forbidden(sched, a, ""));
    const auto no = forbidden(sched, a, "speech");
    REQUIRE(no);
    CHECK(no->find("'vision', not 'speech'") != std::string::npos);
  }
  CHECK(forbidden(sched, Action::kReadFabric, ""));
  CHECK(forbidden(sched, Action::kDrainSwitch, ""));
  CHECK(forbidden(sched, Action::kReadMetrics, ""));
}

TEST_CASE("a token bucket refills at its rate") {
  RateLimiter limiter(2.0, 2.0);  // 2 per second, bursts of 2
  const auto t0 = RateLimiter::Clock::time_point{} + std::chrono::hours(1);
  CHECK(limiter.take("a", t0));
  CHECK(limiter.take("a", t0));
  CHECK_FALSE(limiter.take("a", t0));
  CHECK(limiter.take("b", t0));  // tenants have their own buckets
  CHECK_FALSE(limiter.take("a", t0 + std::chrono::milliseconds(400)));
  CHECK(limiter.take("a", t0 + std::chrono::milliseconds(500)));
  // A long pause refills only up to the burst.
  const auto later = t0 + std::chrono::seconds(60);
  CHECK(limiter.take("a", later));
  CHECK(limiter.take("a", later));
  CHECK_FALSE(limiter.take("a", later));
}

TEST_CASE("the guard authenticates, checks, limits and audits") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("lightpath-guard-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "tokens.yaml")
      << "lightpath_tokens: 1\ntokens:\n"
      << "  - {name: slurm-a, role: scheduler, tenant: vision, sha256: " << sha256_hex("tok-a")
      << "}\n  - {name: grafana, role: viewer, sha256: " << sha256_hex("tok-v") << "}\n";
  TokenStore tokens((dir / "tokens.yaml").string());
  REQUIRE(tokens.reload());
  auto audit = AuditLog::open((dir / "audit.jsonl").string());
  REQUIRE(audit);
  RateLimiter limiter(0.001, 2);
  Guard guard(&tokens, audit->get(), &limiter);
  const CallInfo call{"grpc", "RequestCircuits", "ipv4:127.0.0.1:5555"};

  auto kind = [](const auto& r) { return r.error().kind; };
  auto none = guard.admit(call, "", Action::kRequestCircuits, "vision");
  REQUIRE_FALSE(none);
  CHECK(kind(none) == Refusal::Kind::kUnauthenticated);
  CHECK(kind(guard.admit(call, "Basic dG9r", Action::kRequestCircuits, "")) ==
        Refusal::Kind::kUnauthenticated);
  CHECK(kind(guard.admit(call, "Bearer nope", Action::kRequestCircuits, "")) ==
        Refusal::Kind::kUnauthenticated);
  CHECK(kind(guard.admit(call, "Bearer tok-v", Action::kRequestCircuits, "")) ==
        Refusal::Kind::kForbidden);
  CHECK(kind(guard.admit(call, "Bearer tok-a", Action::kRequestCircuits, "speech")) ==
        Refusal::Kind::kForbidden);
  auto ok = guard.admit(call, "Bearer tok-a", Action::kRequestCircuits, "vision");
  REQUIRE(ok);
  CHECK(ok->name == "slurm-a");
  CHECK(guard.admit(call, "Bearer tok-a", Action::kReleaseCircuits, ""));
  auto limited = guard.admit(call, "Bearer tok-a", Action::kExtendLease, "");
  REQUIRE_FALSE(limited);
  CHECK(kind(limited) == Refusal::Kind::kRateLimited);
  CHECK(limited.error().message.find("requests_per_second_per_tenant") != std::string::npos);
  // Reads are not rate limited.
  CHECK(guard.admit(call, "Bearer tok-a", Action::kReadCircuits, ""));
  CHECK_FALSE(guard.check_tenant(call, *ok, Action::kReadCircuits, "speech"));
  CHECK(guard.check_tenant(call, *ok, Action::kReadCircuits, "vision"));

  std::ifstream in(dir / "audit.jsonl");
  std::vector<nlohmann::json> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(nlohmann::json::parse(l));
  REQUIRE(lines.size() == 9);
  CHECK(lines[0]["outcome"] == "unauthenticated");
  CHECK(lines[0]["identity"].is_null());
  CHECK(lines[0]["peer"] == "ipv4:127.0.0.1:5555");
  CHECK(lines[3]["outcome"] == "forbidden");
  CHECK(lines[3]["identity"] == "grafana");
  CHECK(lines[5]["outcome"] == "allowed");
  CHECK(lines[5]["tenant"] == "vision");
  CHECK(lines[7]["outcome"] == "rate_limited");
  CHECK(lines[8]["outcome"] == "forbidden");
  std::filesystem::remove_all(dir);
}

TEST_CASE("with no token file every caller is the operator 'anonymous'") {
  Guard guard(nullptr, nullptr, nullptr);
  auto who = guard.admit({"rest", "GET /v1/circuits", "127.0.0.1"}, "", Action::kDrainSwitch, "");
  REQUIRE(who);
  CHECK(who->name == "anonymous");
  CHECK(who->role == Role::kOperator);
}
