#pragma once
// The contract every southbound driver passes. A suite instantiates it once
// per executable, for its own fixtures:
//
//   #include "southbound_contract.h"
//   TEST_CASE_TEMPLATE_INVOKE(southbound_contract, MyDriverFixture);
//
// A fixture F provides:
//   F()                  a device of at least 8 ports, up, with no cross-connects
//   southbound::Driver& driver()
//   void settle()        lets (virtual or real) time pass until every call made
//                        so far has completed and its callbacks have run
//   void set_down(bool)  takes the device down / brings it back
//   void break_port(int) makes every operation touching the port fail
// Include this header in one translation unit per executable.

#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "lightpath/southbound.h"

namespace lightpath::testing::contract {

using southbound::Batch;
using southbound::CrossConnect;

// Makes the call, checks the answer comes later (not inside the call) and
// exactly once, and returns it.
template <class T, class F, class Call>
Result<T> await(F& f, Call&& call) {
  std::optional<Result<T>> answer;
  int calls = 0;
  call([&](Result<T> r) {
    ++calls;
    answer.emplace(std::move(r));
  });
  CHECK_MESSAGE(calls == 0, "callbacks run on the caller's executor, never inside the call");
  f.settle();
  REQUIRE_MESSAGE(calls == 1, "the callback must run exactly once");
  return std::move(*answer);
}

template <class F>
Result<std::vector<CrossConnect>> read(F& f) {
  return await<std::vector<CrossConnect>>(f, [&](auto cb) { f.driver().read_cross_connects(cb); });
}
template <class F>
Result<southbound::ApplyReport> apply(F& f, Batch b) {
  return await<southbound::ApplyReport>(f, [&](auto cb) { f.driver().apply(b, cb); });
}
template <class F>
Result<southbound::Validation> validate(F& f, const Batch& b) {
  return await<southbound::Validation>(f, [&](auto cb) { f.driver().validate(b, cb); });
}

inline Batch connect(std::vector<CrossConnect> xs) {
  return Batch{{}, std::move(xs)};
}

template <class F>
std::vector<CrossConnect> must_read(F& f) {
  auto r = read(f);
  REQUIRE_MESSAGE(r.has_value(), r.error().message);
  return *r;
}

inline bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// Rejected whole, with a message naming `port` and containing `why`, and
// nothing changed — for both the dry run and the real apply.
template <class F>
void expect_rejected(F& f, const Batch& batch, int port, const std::string& why) {
  const auto before = must_read(f);
  auto v = validate(f, batch);
  REQUIRE_FALSE(v.has_value());
  CHECK(v.error().code == southbound::kInvalidBatch);
  auto r = apply(f, batch);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == southbound::kInvalidBatch);
  const std::string& m = r.error().message;
  CHECK_MESSAGE(contains(m, "port " + std::to_string(port)), m);
  CHECK_MESSAGE(contains(m, why), m);
  CHECK(must_read(f) == before);
}

}  // namespace lightpath::testing::contract

TEST_CASE_TEMPLATE_DEFINE("southbound contract", F, southbound_contract) {
  namespace sb = lightpath::southbound;
  using namespace lightpath::testing::contract;
  F f;

  SUBCASE("describe names the device and its ports") {
    auto info = f.driver().describe();
    REQUIRE(info.has_value());
    CHECK_FALSE(info->name.empty());
    CHECK(info->port_count >= 8);
    CHECK(info->switching.min <= info->switching.max);
  }

  SUBCASE("a fresh device holds no cross-connects") {
    CHECK(must_read(f).empty());
  }

  SUBCASE("apply reports what it made and read agrees") {
    auto r = apply(f, connect({{3, 0}, {1, 2}}));
    REQUIRE_MESSAGE(r.has_value(), r.error().message);
    CHECK(r->complete());
    auto made = r->connected;
    std::sort(made.begin(), made.end());
    CHECK(made == std::vector<CrossConnect>{{0, 3}, {1, 2}});
    CHECK(r->settled_at >= r->started_at);
    CHECK(must_read(f) == std::vector<CrossConnect>{{0, 3}, {1, 2}});
  }

  SUBCASE("validate is a dry run") {
    auto v = validate(f, connect({{0, 1}, {2, 3}}));
    REQUIRE(v.has_value());
    CHECK(v->mirror_moves == 4);
    CHECK(must_read(f).empty());
  }

  SUBCASE("a port moves from one peer to another in one batch") {
    REQUIRE(apply(f, connect({{0, 1}})).has_value());
    auto r = apply(f, Batch{{{1, 0}}, {{0, 2}}});
    REQUIRE_MESSAGE(r.has_value(), r.error().message);
    CHECK(r->complete());
    CHECK(r->disconnected == std::vector<CrossConnect>{{0, 1}});
    CHECK(must_read(f) == std::vector<CrossConnect>{{0, 2}});
  }

  SUBCASE("bad batches are rejected whole, naming the port") {
    REQUIRE(apply(f, connect({{4, 5}})).has_value());
    const int n = f.driver().describe()->port_count;
    expect_rejected(f, connect({{0, 1}, {2, n}}), n, "out of range");
    expect_rejected(f, connect({{0, 1}, {-1, 2}}), -1, "out of range");
    expect_rejected(f, connect({{0, 1}, {1, 2}}), 1, "connected twice");
    expect_rejected(f, connect({{0, 1}, {2, 2}}), 2, "itself");
    expect_rejected(f, connect({{0, 1}, {4, 6}}), 4, "already connected to port 5");
    expect_rejected(f, Batch{{{0, 1}}, {}}, 0, "not connected");
    expect_rejected(f, Batch{{{4, 5}, {5, 4}}, {}}, 5, "disconnected twice");
  }

  SUBCASE("a port still moving in an earlier batch is refused") {
    std::optional<lightpath::Result<sb::ApplyReport>> first;
    f.driver().apply(connect({{0, 1}}), [&](auto r) { first.emplace(std::move(r)); });
    auto second = apply(f, Batch{{{0, 1}}, {}});
    // Either the device was quick enough to finish the first batch before
    // the second arrived, or it must refuse to move a moving mirror.
    REQUIRE(first.has_value());
    if (!second.has_value()) {
      CHECK(second.error().code == sb::kInvalidBatch);
      CHECK(contains(second.error().message, "port 0"));
    }
  }

  SUBCASE("subscribers hear port state until they unsubscribe") {
    std::vector<sb::PortEvent> heard;
    auto id = f.driver().subscribe([&](const sb::DeviceEvent& e) {
      if (auto* p = std::get_if<sb::PortEvent>(&e)) heard.push_back(*p);
    });
    REQUIRE(apply(f, connect({{6, 7}})).has_value());
    const auto connected = std::count_if(heard.begin(), heard.end(), [](const sb::PortEvent& e) {
      return e.status == sb::PortStatus::kConnected && (e.port == 6 || e.port == 7);
    });
    CHECK(connected == 2);
    f.driver().unsubscribe(id);
    heard.clear();
    REQUIRE(apply(f, Batch{{{6, 7}}, {}}).has_value());
    CHECK(heard.empty());
  }

  SUBCASE("a device that is down says so on every call, and comes back") {
    std::vector<sb::AlarmEvent> alarms;
    f.driver().subscribe([&](const sb::DeviceEvent& e) {
      if (auto* a = std::get_if<sb::AlarmEvent>(&e)) alarms.push_back(*a);
    });
    REQUIRE(apply(f, connect({{0, 1}})).has_value());
    f.set_down(true);
    f.settle();
    CHECK(f.driver().describe().error().code == sb::kDeviceDown);
    CHECK(read(f).error().code == sb::kDeviceDown);
    CHECK(validate(f, connect({{2, 3}})).error().code == sb::kDeviceDown);
    CHECK(apply(f, connect({{2, 3}})).error().code == sb::kDeviceDown);
    REQUIRE_FALSE(alarms.empty());
    CHECK(alarms.back().kind == sb::AlarmKind::kDeviceDown);
    CHECK(alarms.back().raised);
    f.set_down(false);
    f.settle();
    CHECK(alarms.back().kind == sb::AlarmKind::kDeviceDown);
    CHECK_FALSE(alarms.back().raised);
    CHECK(must_read(f) == std::vector<CrossConnect>{{0, 1}});
    REQUIRE(apply(f, connect({{2, 3}})).has_value());
  }

  SUBCASE("a partial apply reports exactly what was done") {
    f.break_port(2);
    auto r = apply(f, connect({{0, 1}, {2, 3}, {4, 5}}));
    REQUIRE_MESSAGE(r.has_value(), r.error().message);
    CHECK_FALSE(r->complete());
    REQUIRE(r->failures.size() == 1);
    CHECK(r->failures[0].port == 2);
    CHECK_FALSE(r->failures[0].reason.empty());
    auto made = r->connected;
    std::sort(made.begin(), made.end());
    CHECK(made == std::vector<CrossConnect>{{0, 1}, {4, 5}});
    CHECK(must_read(f) == made);
  }
}
