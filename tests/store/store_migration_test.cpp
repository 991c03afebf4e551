// Schema migrations: stores written at versions 1 to 4 are upgraded in
// place with their data; a store from a newer lightpathd is refused.

#include "controller/store/record_json.h"
#include "controller/store/schema.h"
#include "controller/store/sqlite_db.h"
#include "store/store_test_util.h"

namespace lightpath::testing {
namespace {

// Creates `path` exactly as version 1 of the schema left it, with one circuit
// and two events written by hand.
void write_version_1(const std::string& path) {
  auto db = store::Database::open(path, true);
  REQUIRE(db);
  store::Database& d = **db;
  REQUIRE(store::migrations()[0].version == 1);
  REQUIRE(d.exec(store::migrations()[0].sql));
  REQUIRE(d.exec("INSERT INTO schema_migrations VALUES (1, 0)"));
  REQUIRE(d.exec(
      "INSERT INTO circuits VALUES (5, 'r1', 'j', 't', 0, 'ACTIVE', '', 1, 2, 100, NULL, 0.5, "
      "NULL, 10, 20)"));
  auto c = circuit_record(5, "r1");
  c.circuit.hops.clear();
  c.circuit.wavelengths.clear();
  for (int seq : {3, 8}) {
    c.state = seq == 3 ? core::CircuitState::kProgramming : core::CircuitState::kActive;
    auto st = d.prepare("INSERT INTO events VALUES (?, ?, 5, 'PENDING', ?)");
    REQUIRE(st);
    st->bind_all(seq, std::int64_t{seq * 100}, store::circuit_record_to_json(c).dump());
    REQUIRE(st->run());
  }
}

TEST_CASE("opening a version 1 store migrates it to the latest, keeping its data") {
  TempDir dir;
  const auto path = dir.file("v1.db");
  write_version_1(path);
  {
    auto db = store::Database::open(path, false);
    REQUIRE(db);
    CHECK(*store::current_schema_version(**db) == 1);
    CHECK(*(*db)->query_int("SELECT count(*) FROM sqlite_master WHERE name = 'counters'") == 0);
  }

  auto s = open_store(path);
  CHECK(s->schema_version() == store::latest_schema_version());
  CHECK(s->schema_version() == 7);
  auto snap = s->load();
  REQUIRE(snap);
  REQUIRE(snap->circuits.size() == 1);
  CHECK(snap->circuits[0].circuit.id == CircuitId(5));
  CHECK(snap->last_event_sequence == 8);  // the new counter starts at the log's end
  CHECK(snap->next_circuit_id == 6);
  auto events = s->events_after(0, 10);
  REQUIRE(events);
  REQUIRE(events->size() == 2);
  CHECK(events->back().circuit.state == core::CircuitState::kActive);

  // The new sequence rule holds over the migrated log.
  store::WriteBatch stale;
  stale.events = {event(8, snap->circuits[0])};
  CHECK(s->commit(stale).error().code == "STORE_EVENT_SEQUENCE");
  store::WriteBatch next;
  next.events = {event(9, snap->circuits[0])};
  require_ok(s->commit(next));
  s.reset();

  auto db = store::Database::open(path, false);
  REQUIRE(db);
  store::Database& d = **db;
  CHECK(*d.query_int("SELECT count(*) FROM schema_migrations") == 7);
  CHECK(*d.query_int("SELECT count(*) FROM sqlite_master WHERE name IN ('events', "
                     "'circuit_hops', 'circuit_wavelengths', 'request_circuits')") == 0);
  // The states were filled from the snapshots written before version 2 had a column for them.
  auto again = open_store(path);
  auto all = again->events_after(0, 10);
  REQUIRE(all);
  std::string states;
  for (const auto& e : *all) states += std::string(core::to_string(e.circuit.state)) + ",";
  CHECK(states == "PROGRAMMING,ACTIVE,ACTIVE,");
}

// Creates `path` as version 2 left it: circuit 5 with one hop and one
// wavelength, and two events whose JSON snapshots differ from the circuit's
// rows (an older path), as a restoration would have left them.
std::vector<core::CircuitEvent> write_version_2(const std::string& path) {
  auto db = store::Database::open(path, true);
  REQUIRE(db);
  store::Database& d = **db;
  for (int v : {1, 2}) {
    REQUIRE(d.exec(store::migrations()[v - 1].sql));
    auto st = d.prepare("INSERT INTO schema_migrations VALUES (?, 0)");
    REQUIRE(st);
    st->bind_all(v);
    REQUIRE(st->run());
  }
  REQUIRE(d.exec(
      "INSERT INTO circuits VALUES (5, 'r1', 'job-r1', 'tenant-a', 7, 'ACTIVE', 'programmed', 15, "
      "1005, 100000000000, 900001, 2.718281828459045, NULL, 1700000000000000001, 20)"));
  REQUIRE(d.exec("INSERT INTO circuit_hops VALUES (5, 0, 4, 1, 2)"));
  REQUIRE(d.exec("INSERT INTO circuit_wavelengths VALUES (5, 0, 9)"));
  REQUIRE(d.exec("UPDATE counters SET value = 8"));
  std::vector<core::CircuitEvent> written;
  auto c = circuit_record(5, "r1");
  for (int seq : {3, 8}) {
    c.state = seq == 3 ? core::CircuitState::kProgramming : core::CircuitState::kActive;
    c.updated = TimePoint::from_ns(seq * 1000);
    written.push_back(event(static_cast<std::uint64_t>(seq), c));
    auto st = d.prepare(
        "INSERT INTO events (sequence, at_ns, circuit_id, previous_state, snapshot, state) "
        "VALUES (?, ?, 5, 'PENDING', ?, ?)");
    REQUIRE(st);
    st->bind_all(seq, written.back().at.since_epoch_ns(), store::circuit_record_to_json(c).dump(),
                 core::to_string(c.state));
    REQUIRE(st->run());
  }
  return written;
}

TEST_CASE("opening a version 2 store migrates its events to the compact form, losing nothing") {
  TempDir dir;
  const auto path = dir.file("v2.db");
  const auto written = write_version_2(path);
  auto s = open_store(path);
  CHECK(s->schema_version() == 7);

  // Old events keep their snapshots: they read back exactly as written,
  // though the circuit's rows now hold another path.
  auto events = s->events_after(0, 10);
  REQUIRE(events);
  REQUIRE(events->size() == 2);
  check_same((*events)[0], written[0]);
  check_same((*events)[1], written[1]);

  // New events for the same circuit are compact and read back in full.
  auto snap = s->load();
  REQUIRE(snap);
  REQUIRE(snap->circuits.size() == 1);
  CHECK(snap->last_event_sequence == 8);
  auto c = snap->circuits[0];
  CHECK(c.circuit.hops == std::vector<solver::Hop>{{SwitchId(4), 1, 2}});
  c.state = core::CircuitState::kReleasing;
  c.reason = "lease over";
  c.updated = TimePoint::from_ns(99);
  store::WriteBatch next;
  next.circuits = {c};
  next.events = {event(9, c, core::CircuitState::kActive)};
  require_ok(s->commit(next));
  events = s->events_after(8, 10);
  REQUIRE(events);
  REQUIRE(events->size() == 1);
  check_same(events->front(), next.events[0]);
  s.reset();

  auto db = store::Database::open(path, false);
  REQUIRE(db);
  store::Database& d = **db;
  // The two old events kept their snapshots; the new one is compact.
  CHECK(*d.query_int("SELECT count(*) FROM event_log WHERE events LIKE '%	{%'") == 2);
  CHECK(d.query_text("SELECT events FROM event_log WHERE last_sequence = 9")->value_or("") ==
        "9	" + std::to_string(next.events[0].at.since_epoch_ns()) +
            "	5	0	ACTIVE	RELEASING	lease over		99	");
  CHECK(*d.query_int("SELECT count(*) FROM schema_migrations") == 7);
  auto s2 = open_store(path);
  REQUIRE(s2->integrity_check());
}

// Creates `path` as version 3 left it: request r1 holding circuit 5 (two
// hops, three wavelengths) and having preempted circuit 6, and events for
// circuit 5 written compact, one with a reason that holds a tab, a newline
// and a backslash, then one with a JSON snapshot.
std::vector<core::CircuitEvent> write_version_3(const std::string& path,
                                                const core::RequestRecord& request,
                                                const std::vector<core::CircuitRecord>& circuits) {
  auto db = store::Database::open(path, true);
  REQUIRE(db);
  store::Database& d = **db;
  for (int v : {1, 2, 3}) {
    REQUIRE(d.exec(store::migrations()[v - 1].sql));
    auto st = d.prepare("INSERT INTO schema_migrations VALUES (?, 0)");
    REQUIRE(st);
    st->bind_all(v);
    REQUIRE(st->run());
  }
  auto req = d.prepare("INSERT INTO requests VALUES (?, ?, ?, ?, ?, 1, '', ?, ?, ?)");
  REQUIRE(req);
  req->bind_all(request.request.request_id, request.request.tenant, request.request.job_id,
                request.request.priority, store::request_to_json(request.request).dump(),
                request.message, request.packet_flows_json, request.created.since_epoch_ns());
  REQUIRE(req->run());
  REQUIRE(
      d.exec("INSERT INTO request_circuits VALUES ('r1', 'allocated', 0, 5), "
             "('r1', 'preempted', 0, 6)"));
  for (const auto& c : circuits) {
    const solver::Circuit& k = c.circuit;
    auto st =
        d.prepare("INSERT INTO circuits VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    REQUIRE(st);
    st->bind_all(std::int64_t{k.id.value()}, k.request_id, c.job_id, c.tenant, k.priority,
                 core::to_string(c.state), c.reason, std::int64_t{k.a.value()},
                 std::int64_t{k.b.value()}, k.bandwidth.bits_per_second(),
                 std::optional<std::int64_t>(k.latency_max->count_ns()), k.min_margin.value(),
                 std::optional<std::int64_t>(c.lease_end->since_epoch_ns()),
                 c.created.since_epoch_ns(), c.updated.since_epoch_ns());
    REQUIRE(st->run());
    for (std::size_t i = 0; i < k.hops.size(); ++i) {
      auto h = d.prepare("INSERT INTO circuit_hops VALUES (?, ?, ?, ?, ?)");
      REQUIRE(h);
      h->bind_all(std::int64_t{k.id.value()}, static_cast<std::int64_t>(i),
                  std::int64_t{k.hops[i].optical_switch.value()}, k.hops[i].in_port,
                  k.hops[i].out_port);
      REQUIRE(h->run());
    }
    for (std::size_t i = 0; i < k.wavelengths.size(); ++i) {
      auto w = d.prepare("INSERT INTO circuit_wavelengths VALUES (?, ?, ?)");
      REQUIRE(w);
      w->bind_all(std::int64_t{k.id.value()}, static_cast<std::int64_t>(i), k.wavelengths[i]);
      REQUIRE(w->run());
    }
  }
  REQUIRE(d.exec("UPDATE counters SET value = 12"));
  std::vector<core::CircuitEvent> written;
  auto c = circuits[0];
  for (int seq : {10, 11, 12}) {
    c.state = seq == 10 ? core::CircuitState::kProgramming : core::CircuitState::kActive;
    c.reason = seq == 11 ? "line\tone\nline two \\ end" : "";
    c.updated = TimePoint::from_ns(seq * 1000);
    if (seq == 12) c.circuit.hops = {{SwitchId(1), 1, 1}};  // an older path: snapshot only
    written.push_back(event(static_cast<std::uint64_t>(seq), c));
    auto st = d.prepare("INSERT INTO events VALUES (?, ?, 5, 'PENDING', ?, ?, ?, ?, ?)");
    REQUIRE(st);
    st->bind_all(seq, written.back().at.since_epoch_ns(), core::to_string(c.state), c.reason,
                 std::optional<std::int64_t>(c.lease_end->since_epoch_ns()),
                 c.updated.since_epoch_ns());
    if (seq == 12) st->bind(7, store::circuit_record_to_json(c).dump());
    REQUIRE(st->run());
  }
  return written;
}

TEST_CASE("opening a version 3 store packs paths, links and events into rows, losing nothing") {
  TempDir dir;
  const auto path = dir.file("v3.db");
  const auto request = request_record("r1", {CircuitId(5)}, {CircuitId(6)});
  const std::vector<core::CircuitRecord> circuits{
      circuit_record(5, "r1"), circuit_record(6, "r0", core::CircuitState::kPreempted)};
  const auto written = write_version_3(path, request, circuits);
  auto s = open_store(path);
  CHECK(s->schema_version() == 7);

  auto found = s->find_request("r1");
  REQUIRE(found);
  REQUIRE(found->has_value());
  check_same(**found, request);
  for (const auto& c : circuits) {
    auto got = s->find_circuit(c.circuit.id);
    REQUIRE(got);
    REQUIRE(got->has_value());
    check_same(**got, c);
  }
  auto events = s->events_after(0, 10);
  REQUIRE(events);
  REQUIRE(events->size() == written.size());
  for (std::size_t i = 0; i < written.size(); ++i) check_same((*events)[i], written[i]);
  auto tail = s->events_after(10, 1);
  REQUIRE(tail);
  REQUIRE(tail->size() == 1);
  CHECK(tail->front().circuit.reason == "line\tone\nline two \\ end");
  CHECK(s->load()->last_event_sequence == 12);
  REQUIRE(s->integrity_check());
}

TEST_CASE("opening a version 4 store moves its requests to a rowid table, losing nothing") {
  TempDir dir;
  const auto path = dir.file("v4.db");
  // Requests with bodies of several sizes, one past the ~1 KB that spilled
  // to an overflow page in version 4's WITHOUT ROWID table.
  std::vector<core::RequestRecord> requests;
  for (int i = 0; i < 3; ++i) {
    auto r =
        request_record("r" + std::to_string(i), {CircuitId(static_cast<std::uint32_t>(i + 1))});
    r.request.application = std::string(static_cast<std::size_t>(i) * 800, 'x');
    r.created = TimePoint::from_ns(1'700'000'000'000'000'000 - i);  // newest first
    requests.push_back(r);
  }
  {
    auto db = store::Database::open(path, true);
    REQUIRE(db);
    store::Database& d = **db;
    for (int v : {1, 2, 3, 4}) {
      REQUIRE(d.exec(store::migrations()[v - 1].sql));
      auto st = d.prepare("INSERT INTO schema_migrations VALUES (?, 0)");
      REQUIRE(st);
      st->bind_all(v);
      REQUIRE(st->run());
    }
    for (const auto& r : requests) {
      auto st = d.prepare("INSERT INTO requests VALUES (?, ?, ?, ?, ?, 1, '', ?, ?, ?, ?, '')");
      REQUIRE(st);
      st->bind_all(r.request.request_id, r.request.tenant, r.request.job_id, r.request.priority,
                   store::request_to_json(r.request).dump(), r.message, r.packet_flows_json,
                   r.created.since_epoch_ns(), std::to_string(r.circuits[0].value()));
      REQUIRE(st->run());
    }
  }
  auto s = open_store(path);
  CHECK(s->schema_version() == 7);
  for (const auto& r : requests) {
    auto found = s->find_request(r.request.request_id);
    REQUIRE(found);
    REQUIRE(found->has_value());
    check_same(**found, r);
  }
  auto snap = s->load();
  REQUIRE(snap);
  CHECK(snap->requests.size() == requests.size());
  // The unique index still refuses a request id a second time.
  store::WriteBatch again;
  again.requests.push_back(request_record("r1", {}));
  auto dup = s->commit(again);
  REQUIRE_FALSE(dup);
  CHECK(dup.error().code == "STORE_DUPLICATE_REQUEST");
  REQUIRE(s->integrity_check());
}

TEST_CASE("reopening a current store applies nothing twice") {
  TempDir dir;
  const auto path = dir.file("state.db");
  open_store(path).reset();
  open_store(path).reset();
  auto db = store::Database::open(path, false);
  REQUIRE(db);
  CHECK(*(*db)->query_int("SELECT count(*) FROM schema_migrations") ==
        store::latest_schema_version());
}

TEST_CASE("a store from a newer lightpathd is refused and left alone") {
  TempDir dir;
  const auto path = dir.file("future.db");
  open_store(path).reset();
  {
    auto db = store::Database::open(path, false);
    REQUIRE(db);
    REQUIRE((*db)->exec("INSERT INTO schema_migrations VALUES (99, 0)"));
  }
  auto r = store::SqliteStore::open(path);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == "STORE_SCHEMA_TOO_NEW");
  CHECK(r.error().message.find(path) != std::string::npos);
  CHECK(r.error().message.find("99") != std::string::npos);
  auto db = store::Database::open(path, false);
  REQUIRE(db);
  CHECK(*store::current_schema_version(**db) == 99);
}

TEST_CASE("migrations are numbered 1, 2, ... without gaps") {
  int expected = 1;
  for (const auto& m : store::migrations()) CHECK(m.version == expected++);
}

}  // namespace
}  // namespace lightpath::testing
