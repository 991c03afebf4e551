// A rejected batch leaves nothing behind, and a store that cannot be opened
// says which file and why.

#include <fstream>

#include "controller/store/sqlite_db.h"
#include "store/store_test_util.h"

namespace lightpath::testing {
namespace {

using core::CircuitState;
using store::WriteBatch;

// One committed batch: request r1 with circuit 1 (ACTIVE) and event 1.
std::unique_ptr<store::SqliteStore> seeded(const std::string& path) {
  auto s = open_store(path);
  WriteBatch b;
  b.requests = {request_record("r1", {CircuitId(1)})};
  b.circuits = {circuit_record(1, "r1")};
  b.events = {event(1, b.circuits[0])};
  require_ok(s->commit(b));
  return s;
}

// Nothing of a failed batch (request r2, circuit 2, a change to circuit 1,
// events >= 2) may be visible, and the seed must be intact.
void check_only_seed(const store::SqliteStore& s) {
  auto snap = s.load();
  REQUIRE(snap);
  REQUIRE(snap->requests.size() == 1);
  check_same(snap->requests[0], request_record("r1", {CircuitId(1)}));
  REQUIRE(snap->circuits.size() == 1);
  check_same(snap->circuits[0], circuit_record(1, "r1"));
  CHECK(snap->last_event_sequence == 1);
  CHECK(snap->next_circuit_id == 2);
  CHECK_FALSE(s.find_request("r2")->has_value());
  CHECK_FALSE(s.find_circuit(CircuitId(2))->has_value());
  CHECK(s.events_after(0, 100)->size() == 1);
  require_ok(s.integrity_check());
}

// A batch that would change everything if it were applied.
WriteBatch doomed() {
  WriteBatch b;
  b.requests = {request_record("r2", {CircuitId(2)})};
  auto changed = circuit_record(1, "r1", CircuitState::kReleasing);
  changed.circuit.hops = {{SwitchId(7), 1, 1}};
  b.circuits = {changed, circuit_record(2, "r2")};
  b.events = {event(2, changed), event(3, b.circuits[1])};
  return b;
}

TEST_CASE("a duplicate request_id rolls back the whole batch") {
  TempDir dir;
  auto s = seeded(dir.file("state.db"));
  auto b = doomed();
  b.requests.push_back(request_record("r1", {}));  // already stored
  auto r = s->commit(b);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "STORE_DUPLICATE_REQUEST");
  CHECK(r.error().message.find("'r1'") != std::string::npos);
  check_only_seed(*s);

  auto twice = doomed();
  twice.requests.push_back(request_record("r2", {}));  // twice in one batch
  CHECK(s->commit(twice).error().code == "STORE_DUPLICATE_REQUEST");
  check_only_seed(*s);
}

TEST_CASE("an event sequence that does not increase rolls back the whole batch") {
  TempDir dir;
  auto s = seeded(dir.file("state.db"));
  auto b = doomed();
  b.events.push_back(event(1, b.circuits[0]));  // at or below the stored high-water mark
  auto r = s->commit(b);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "STORE_EVENT_SEQUENCE");
  check_only_seed(*s);

  auto backwards = doomed();
  std::swap(backwards.events[0], backwards.events[1]);  // 3 then 2
  CHECK(s->commit(backwards).error().code == "STORE_EVENT_SEQUENCE");
  check_only_seed(*s);

  // The store stays usable: the same batch, well formed, goes through.
  require_ok(s->commit(doomed()));
  CHECK(s->load()->last_event_sequence == 3);
}

TEST_CASE("a reference to an unknown circuit or a repeated wavelength rolls back") {
  TempDir dir;
  auto s = seeded(dir.file("state.db"));
  auto dangling = doomed();
  dangling.requests[0].preempted = {CircuitId(99)};
  auto r = s->commit(dangling);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "STORE_CONSTRAINT");
  CHECK(r.error().message.find("circuit 99") != std::string::npos);
  check_only_seed(*s);

  auto orphan_event = doomed();
  orphan_event.events.push_back(event(4, circuit_record(42, "r2")));
  CHECK_FALSE(s->commit(orphan_event));
  check_only_seed(*s);

  auto repeated = doomed();
  repeated.circuits[1].circuit.wavelengths = {4, 4};
  CHECK(s->commit(repeated).error().code == "STORE_CONSTRAINT");
  check_only_seed(*s);

  auto no_id = doomed();
  no_id.requests.push_back(request_record("", {}));
  CHECK_FALSE(s->commit(no_id));
  check_only_seed(*s);
}

TEST_CASE("a file that is not SQLite is refused, naming the path") {
  TempDir dir;
  const auto path = dir.file("notes.txt");
  std::ofstream(path) << "these are somebody's notes, not a database; do not overwrite them\n";
  auto r = store::SqliteStore::open(path);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "STORE_NOT_A_DATABASE");
  CHECK(r.error().message.find(path) != std::string::npos);
  std::ifstream in(path);
  std::string first;
  std::getline(in, first);
  CHECK(first.starts_with("these are somebody's notes"));  // left untouched
}

TEST_CASE("an SQLite file of another program is refused") {
  TempDir dir;
  const auto path = dir.file("other.db");
  {
    auto db = store::Database::open(path, true);
    REQUIRE(db);
    REQUIRE((*db)->exec("CREATE TABLE accounts (id INTEGER PRIMARY KEY)"));
  }
  auto r = store::SqliteStore::open(path);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "STORE_NOT_A_LIGHTPATH_STORE");
  CHECK(r.error().message.find(path) != std::string::npos);
}

TEST_CASE("a store with damaged pages reports corruption, naming the path") {
  TempDir dir;
  const auto path = dir.file("state.db");
  seeded(path).reset();  // a clean close checkpoints the WAL into the file
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);  // past the 100-byte header: page 1 holds the schema
    const std::string junk(4000, '\xA5');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  // Depending on which page SQLite reads first, open or load reports it.
  auto s = store::SqliteStore::open(path);
  std::optional<Error> error;
  if (!s) {
    error = s.error();
  } else if (auto snap = (*s)->load(); !snap) {
    error = snap.error();
  } else if (auto ok = (*s)->integrity_check(); !ok) {
    error = ok.error();
  }
  REQUIRE(error);
  CHECK((error->code == "STORE_CORRUPT" || error->code == "STORE_NOT_A_DATABASE"));
  CHECK(error->message.find(path) != std::string::npos);
}

TEST_CASE("an unwritable path is refused, naming the path") {
  TempDir dir;
  const auto plain_file = dir.file("plain");
  std::ofstream(plain_file) << "x";
  for (const auto& path : {plain_file + "/state.db", dir.file("missing-dir/state.db")}) {
    auto r = store::SqliteStore::open(path);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == "STORE_OPEN_FAILED");
    CHECK(r.error().message.find(path) != std::string::npos);
  }
}

}  // namespace
}  // namespace lightpath::testing
