// ListCircuits in pages over real gRPC (AIP-158): every circuit exactly once
// and in id order whatever the page size, filters with paging, the total on
// each page, and page tokens the daemon did not give out.
#include "daemon/daemon_process.h"

using namespace lightpath;
using namespace lightpath::testing;

namespace {

const std::string kTiny = std::string(LIGHTPATH_SOURCE_DIR) + "/topologies/tiny.yaml";
constexpr int kCircuits = 20;

// Twenty 100 Gbps circuits, one per request "r<i>": tenant "a" (rack1 to
// rack2) for even i and "b" (rack3 to rack4) for odd i, job "j<i % 3>".
struct Fixture {
  TempDir dir;
  DaemonProcess d{kTiny, dir.file("state.db"), dir.file(""), {"--no-fsync"}};
  std::vector<std::uint64_t> ids;  // by i, which is id order

  Fixture() {
    for (int i = 0; i < kCircuits; ++i) {
      const bool even = i % 2 == 0;
      auto r =
          pair_request(numbered("r", i), even ? "rack1" : "rack3", even ? "rack2" : "rack4", 100);
      r.set_tenant(even ? "a" : "b");
      r.set_job_id(numbered("j", i % 3));
      v1::RequestCircuitsResponse resp;
      auto s = d.circuits().RequestCircuits(ctx().get(), r, &resp);
      REQUIRE_MESSAGE(s.ok(), s.error_message());
      REQUIRE(resp.circuits_size() == 1);
      ids.push_back(resp.circuits(0).id());
    }
    REQUIRE(std::is_sorted(ids.begin(), ids.end()));
  }

  v1::ListCircuitsResponse list(const v1::ListCircuitsRequest& q) {
    v1::ListCircuitsResponse resp;
    auto s = d.circuits().ListCircuits(ctx().get(), q, &resp);
    REQUIRE_MESSAGE(s.ok(), s.error_message());
    return resp;
  }

  // The ids of every page from `q`'s, following next_page_token; checks that
  // each page says `total` and only the last one is short.
  std::vector<std::uint64_t> page_through(v1::ListCircuitsRequest q, std::uint64_t total) {
    std::vector<std::uint64_t> seen;
    for (int calls = 1;; ++calls) {
      REQUIRE(calls <= kCircuits + 1);  // a list that never ends fails rather than loops
      const auto resp = list(q);
      CHECK(resp.total_size() == total);
      const auto listed = static_cast<std::uint32_t>(resp.circuits_size());
      CHECK(listed <= q.page_size());
      for (const auto& c : resp.circuits()) seen.push_back(c.id());
      if (resp.next_page_token().empty()) break;
      CHECK(listed == q.page_size());
      CHECK(resp.next_page_token() == std::to_string(seen.back()));
      q.set_page_token(resp.next_page_token());
    }
    return seen;
  }

  // The ids of circuits r<i> for the i that `keep` holds for, in id order.
  template <class Keep>
  std::vector<std::uint64_t> ids_where(Keep keep) const {
    std::vector<std::uint64_t> out;
    for (int i = 0; i < kCircuits; ++i)
      if (keep(i)) out.push_back(ids[static_cast<std::size_t>(i)]);
    return out;
  }
};

}  // namespace

TEST_CASE("ListCircuits pages through every circuit exactly once, in id order") {
  Fixture f;
  // page_size 0: every match at once, as before paging.
  const auto all = f.list({});
  CHECK(all.circuits_size() == kCircuits);
  CHECK(all.next_page_token().empty());
  CHECK(all.total_size() == kCircuits);

  for (std::uint32_t size : {1U, 3U, 7U, 10U, 19U, 20U, 21U, 10'000U, 4'000'000'000U}) {
    CAPTURE(size);
    v1::ListCircuitsRequest q;
    q.set_page_size(size);
    CHECK(f.page_through(q, kCircuits) == f.ids);
  }

  // Filters with paging: tenant a's job j0 circuits (i = 0, 6, 12, 18), two at a time.
  v1::ListCircuitsRequest q;
  q.set_tenant("a");
  q.set_job_id("j0");
  q.set_page_size(2);
  CHECK(f.page_through(q, 4) == f.ids_where([](int i) { return i % 6 == 0; }));
  q.Clear();
  q.set_switch_name("ocs1");
  q.set_endpoint("rack3");
  q.set_page_size(4);
  CHECK(f.page_through(q, kCircuits / 2) == f.ids_where([](int i) { return i % 2 == 1; }));
  q.set_endpoint("rack9");
  const auto none = f.list(q);
  CHECK(none.circuits_size() == 0);
  CHECK(none.next_page_token().empty());
  CHECK(none.total_size() == 0);
}

TEST_CASE("a page token resumes after its id: gone, or under another filter") {
  Fixture f;
  v1::ListCircuitsRequest q;
  q.set_page_size(5);
  const auto first = f.list(q);
  REQUIRE(first.next_page_token() == std::to_string(f.ids[4]));

  // The last circuit of the page is released before the next page is asked for.
  v1::ReleaseCircuitsRequest rel;
  rel.set_tenant("a");
  rel.set_request_id("r4");
  v1::ReleaseCircuitsResponse rr;
  REQUIRE(f.d.circuits().ReleaseCircuits(ctx().get(), rel, &rr).ok());
  REQUIRE(wait_state(f.d, f.ids[4], v1::RELEASED));
  q.set_page_token(first.next_page_token());
  const auto next = f.list(q);
  REQUIRE(next.circuits_size() == 5);
  CHECK(next.circuits(0).id() == f.ids[5]);
  CHECK(next.total_size() == kCircuits - 1);

  // The token of an unfiltered page, with a filter: tenant b's circuits after it.
  q.set_tenant("b");
  q.set_page_size(100);
  const auto b_after = f.list(q);
  std::vector<std::uint64_t> got;
  for (const auto& c : b_after.circuits()) got.push_back(c.id());
  CHECK(got == f.ids_where([](int i) { return i > 4 && i % 2 == 1; }));
  CHECK(b_after.total_size() == kCircuits / 2);  // the total is the filter's, from the first
}

TEST_CASE("a page token the daemon did not give out is INVALID_ARGUMENT naming page_token") {
  Fixture f;
  for (const char* bad : {"x", "-1", "0", "1.5", "3 ", "4294967295", "123456789012345678901"}) {
    CAPTURE(bad);
    v1::ListCircuitsRequest q;
    q.set_page_size(5);
    q.set_page_token(bad);
    v1::ListCircuitsResponse resp;
    auto s = f.d.circuits().ListCircuits(ctx().get(), q, &resp);
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(s.error_message().rfind("page_token: ", 0) == 0);
    CHECK(resp.circuits_size() == 0);
  }
}

TEST_CASE("a watch from a list's sequence sees every later change and nothing before") {
  TempDir dir;
  DaemonProcess d{kTiny, dir.file("state.db"), dir.file(""), {"--no-fsync"}};
  v1::RequestCircuitsResponse a;
  REQUIRE(
      d.circuits().RequestCircuits(ctx().get(), pair_request("a", "rack1", "rack2", 100), &a).ok());
  REQUIRE(wait_state(d, a.circuits(0).id(), v1::ACTIVE));
  // Once a's three events (PENDING, PROGRAMMING, ACTIVE) are all committed
  // and published, the lists' sequence stays at 3.
  v1::ListCircuitsResponse listed;
  for (int i = 0, same = 0; i < 200 && same < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const std::uint64_t before = listed.sequence();
    REQUIRE(d.circuits().ListCircuits(ctx().get(), {}, &listed).ok());
    same = listed.sequence() == before ? same + 1 : 0;
  }
  REQUIRE(listed.sequence() == 3);
  REQUIRE(listed.circuits_size() == 1);
  CHECK(listed.circuits(0).state() == v1::ACTIVE);

  v1::RequestCircuitsResponse b;
  REQUIRE(
      d.circuits().RequestCircuits(ctx().get(), pair_request("b", "rack3", "rack4", 100), &b).ok());
  v1::WatchCircuitsRequest w;
  w.set_after_sequence(listed.sequence());
  grpc::ClientContext wctx;
  wctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto stream = d.circuits().WatchCircuits(&wctx, w);
  // Consecutive from the list's sequence on: a's later steps, if their
  // commit came after the list (the list showed them already), then b's.
  v1::CircuitEvent e;
  std::uint64_t next = listed.sequence() + 1;
  bool b_pending = false;
  while (!b_pending && stream->Read(&e)) {
    CHECK(e.sequence() == next++);
    if (e.circuit().id() == b.circuits(0).id()) {
      b_pending = e.circuit().state() == v1::PENDING;
      CHECK(b_pending);  // b's first event comes first
    } else {
      CHECK(e.circuit().id() == a.circuits(0).id());
    }
  }
  CHECK(b_pending);
  wctx.TryCancel();
}
