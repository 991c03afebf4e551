// Drained switches and ports: kept by switch name across reopening, the
// first drain's time kept, undrained ones gone, and a bad drain rolling back
// its whole batch.

#include "store/store_test_util.h"

namespace lightpath::testing {
namespace {

store::WriteBatch drains(std::initializer_list<store::SwitchDrain> list) {
  store::WriteBatch b;
  b.drains = list;
  return b;
}

TEST_CASE("drains survive reopening the store, by switch name then port") {
  TempDir dir;
  const auto path = dir.file("state.db");
  {
    auto s = open_store(path);
    require_ok(s->commit(drains({{"ocs2", -1, true, 100},
                                 {"ocs1", 7, true, 200},
                                 {"ocs3", -1, true, 300},
                                 {"ocs1", -1, true, 250}})));
    // Draining again keeps the first time; the undrained ones go, each by
    // its own key (ocs1's port 7 is not the switch).
    require_ok(s->commit(drains({{"ocs2", -1, true, 999},
                                 {"ocs3", -1, false, 400},
                                 {"ocs1", -1, false, 500},
                                 {"ocs2", 7, false, 600}})));
  }
  auto s = open_store(path);
  auto snap = s->load();
  REQUIRE(snap);
  REQUIRE(snap->drains.size() == 2);
  CHECK(snap->drains[0].switch_name == "ocs1");
  CHECK(snap->drains[0].port == 7);
  CHECK(snap->drains[0].at_ns == 200);
  CHECK(snap->drains[1].switch_name == "ocs2");
  CHECK(snap->drains[1].port == -1);
  CHECK(snap->drains[1].at_ns == 100);
  CHECK(snap->drains[1].drained);
}

TEST_CASE("the last word on a switch within one batch wins") {
  TempDir dir;
  auto s = open_store(dir.file("state.db"));
  require_ok(s->commit(drains({{"ocs1", -1, true, 1},
                               {"ocs1", -1, false, 2},
                               {"ocs2", 3, false, 3},
                               {"ocs2", 3, true, 4}})));
  auto snap = s->load();
  REQUIRE(snap);
  REQUIRE(snap->drains.size() == 1);
  CHECK(snap->drains[0].switch_name == "ocs2");
  CHECK(snap->drains[0].port == 3);
}

TEST_CASE("a drain without a switch name or with a bad port rolls back the whole batch") {
  TempDir dir;
  auto s = open_store(dir.file("state.db"));
  require_ok(s->commit(drains({{"ocs1", -1, true, 1}})));
  for (const store::SwitchDrain& bad_one :
       {store::SwitchDrain{"", -1, true, 3}, store::SwitchDrain{"ocs1", -2, true, 3}}) {
    store::WriteBatch bad = drains({{"ocs1", -1, false, 2}, bad_one});
    bad.requests.push_back(request_record("r1", {}));
    auto r = s->commit(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "STORE_INVALID");
    CAPTURE(r.error().message);
    CHECK((r.error().message.find("drain without a switch name") != std::string::npos ||
           r.error().message.find("drain of port -2 of switch 'ocs1'") != std::string::npos));
  }
  auto snap = s->load();
  REQUIRE(snap);
  REQUIRE(snap->drains.size() == 1);
  CHECK(snap->drains[0].switch_name == "ocs1");
  CHECK(snap->drains[0].port == -1);
  CHECK(snap->requests.empty());
  REQUIRE(s->integrity_check());
}

}  // namespace
}  // namespace lightpath::testing
