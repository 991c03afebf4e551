// Ports held out of service after a dark-port alarm: kept by switch name and
// port across reopening, a later hold replacing the earlier, and a bad one
// rolling back its whole batch.

#include "store/store_test_util.h"

namespace lightpath::testing {
namespace {

store::WriteBatch holds(std::initializer_list<store::PortHold> list) {
  store::WriteBatch b;
  b.holds = list;
  return b;
}

TEST_CASE("port holds survive reopening the store; a later hold of a port replaces its end") {
  TempDir dir;
  const auto path = dir.file("state.db");
  {
    auto s = open_store(path);
    require_ok(s->commit(holds({{"ocs2", 3, 100}, {"ocs1", 7, 200}, {"ocs1", 2, 300}})));
    require_ok(s->commit(holds({{"ocs2", 3, 900}})));
  }
  auto s = open_store(path);
  auto snap = s->load();
  REQUIRE(snap);
  REQUIRE(snap->holds.size() == 3);
  CHECK(snap->holds[0].switch_name == "ocs1");
  CHECK(snap->holds[0].port == 2);
  CHECK(snap->holds[1].port == 7);
  CHECK(snap->holds[1].until_ns == 200);
  CHECK(snap->holds[2].switch_name == "ocs2");
  CHECK(snap->holds[2].until_ns == 900);
}

TEST_CASE("a hold without a switch name or with a bad port rolls back the whole batch") {
  TempDir dir;
  auto s = open_store(dir.file("state.db"));
  require_ok(s->commit(holds({{"ocs1", 1, 10}})));
  for (const store::PortHold& bad_one :
       {store::PortHold{"", 1, 3}, store::PortHold{"ocs1", -1, 3}}) {
    store::WriteBatch bad = holds({{"ocs1", 1, 50}, bad_one});
    bad.requests.push_back(request_record("r1", {}));
    auto r = s->commit(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "STORE_INVALID");
    CAPTURE(r.error().message);
    CHECK(r.error().message.find("not a port of a named switch") != std::string::npos);
  }
  auto snap = s->load();
  REQUIRE(snap);
  REQUIRE(snap->holds.size() == 1);
  CHECK(snap->holds[0].until_ns == 10);
  CHECK(snap->requests.empty());
  REQUIRE(s->integrity_check());
}

}  // namespace
}  // namespace lightpath::testing
