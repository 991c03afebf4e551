// Drained switches: kept by name across reopening, the first drain's time
// kept, undrained ones gone, and a bad drain rolling back its whole batch.

#include "store/store_test_util.h"

namespace lightpath::testing {
namespace {

store::WriteBatch drains(std::initializer_list<store::SwitchDrain> list) {
  store::WriteBatch b;
  b.drains = list;
  return b;
}

TEST_CASE("drained switches survive reopening the store, in name order") {
  TempDir dir;
  const auto path = dir.file("state.db");
  {
    auto s = open_store(path);
    require_ok(s->commit(drains({{"ocs2", true, 100}, {"ocs1", true, 200}, {"ocs3", true, 300}})));
    // Draining again keeps the first time; the undrained one goes.
    require_ok(s->commit(drains({{"ocs2", true, 999}, {"ocs3", false, 400}})));
  }
  auto s = open_store(path);
  auto snap = s->load();
  REQUIRE(snap);
  REQUIRE(snap->drained_switches.size() == 2);
  CHECK(snap->drained_switches[0].switch_name == "ocs1");
  CHECK(snap->drained_switches[0].at_ns == 200);
  CHECK(snap->drained_switches[1].switch_name == "ocs2");
  CHECK(snap->drained_switches[1].at_ns == 100);
  CHECK(snap->drained_switches[1].drained);
}

TEST_CASE("the last word on a switch within one batch wins") {
  TempDir dir;
  auto s = open_store(dir.file("state.db"));
  require_ok(s->commit(drains({{"ocs1", true, 1}, {"ocs1", false, 2}, {"ocs2", false, 3},
                               {"ocs2", true, 4}})));
  auto snap = s->load();
  REQUIRE(snap);
  REQUIRE(snap->drained_switches.size() == 1);
  CHECK(snap->drained_switches[0].switch_name == "ocs2");
}

TEST_CASE("a drain without a switch name rolls back the whole batch") {
  TempDir dir;
  auto s = open_store(dir.file("state.db"));
  require_ok(s->commit(drains({{"ocs1", true, 1}})));
  store::WriteBatch bad = drains({{"ocs1", false, 2}, {"", true, 3}});
  bad.requests.push_back(request_record("r1", {}));
  auto r = s->commit(bad);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "STORE_INVALID");
  CHECK(r.error().message.find("drain without a switch name") != std::string::npos);
  auto snap = s->load();
  REQUIRE(snap);
  REQUIRE(snap->drained_switches.size() == 1);
  CHECK(snap->drained_switches[0].switch_name == "ocs1");
  CHECK(snap->requests.empty());
  REQUIRE(s->integrity_check());
}

}  // namespace
}  // namespace lightpath::testing
