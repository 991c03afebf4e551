// What goes into the store comes back out, field for field, across a close
// and reopen; upserts replace; released circuits leave the snapshot but keep
// their ids; the event log reads back in order and trims without rewinding.

#include <thread>
#include <tuple>

#include "controller/store/sqlite_db.h"
#include "store/store_test_util.h"

namespace lightpath::testing {
namespace {

using core::CircuitState;
using store::WriteBatch;

TEST_CASE("a new store is empty, in WAL mode, at the latest schema version") {
  TempDir dir;
  auto s = open_store(dir.file("state.db"));
  CHECK(s->schema_version() == 7);
  auto snap = s->load();
  REQUIRE(snap);
  CHECK(snap->requests.empty());
  CHECK(snap->circuits.empty());
  CHECK(snap->last_event_sequence == 0);
  CHECK(snap->next_circuit_id == 1);
  CHECK(std::filesystem::exists(dir.file("state.db-wal")));
  require_ok(s->commit(WriteBatch{}));  // an empty batch is a no-op
}

TEST_CASE("every field of requests, circuits and events survives a reopen") {
  TempDir dir;
  const auto path = dir.file("state.db");

  auto accepted = request_record("r-accepted", {CircuitId(1), CircuitId(2)}, {});
  core::RequestRecord refused;
  refused.request.request_id = "r-refused";
  refused.request.bandwidth_per_flow = DataRate::bps(1);
  refused.accepted = false;
  refused.reason = "NO_PATH";
  refused.message = "no free port on rack-9";
  refused.created = TimePoint::from_ns(-5);  // before the epoch still round-trips
  auto c1 = circuit_record(1, "r-accepted");
  auto c2 = circuit_record(2, "r-accepted", CircuitState::kProgramming);
  c2.circuit.latency_max.reset();
  c2.lease_end.reset();
  c2.circuit.hops.clear();
  c2.circuit.wavelengths.clear();
  c2.circuit.a = EndpointPortId(0);
  const auto e1 = event(1, c1);
  const auto e2 = event(2, c2, CircuitState::kPending);
  {
    auto s = open_store(path);
    WriteBatch b;
    b.requests = {accepted, refused};
    b.circuits = {c1, c2};
    b.events = {e1, e2};
    require_ok(s->commit(b));
  }
  auto s = open_store(path);
  auto snap = s->load();
  REQUIRE(snap);
  REQUIRE(snap->requests.size() == 2);
  check_same(snap->requests[0], accepted);  // request_id order
  check_same(snap->requests[1], refused);
  REQUIRE(snap->circuits.size() == 2);
  check_same(snap->circuits[0], c1);
  check_same(snap->circuits[1], c2);
  CHECK(snap->last_event_sequence == 2);
  CHECK(snap->next_circuit_id == 3);

  auto events = s->events_after(0, 100);
  REQUIRE(events);
  REQUIRE(events->size() == 2);
  check_same((*events)[0], e1);
  check_same((*events)[1], e2);
  auto later = s->events_after(1, 100);
  REQUIRE(later);
  REQUIRE(later->size() == 1);
  CHECK(later->front().sequence == 2);
  CHECK(s->events_after(0, 1)->size() == 1);

  auto found = s->find_request("r-accepted");
  REQUIRE(found);
  REQUIRE(found->has_value());
  check_same(**found, accepted);
  CHECK_FALSE(s->find_request("nope")->has_value());
  auto circuit = s->find_circuit(CircuitId(2));
  REQUIRE(circuit);
  REQUIRE(circuit->has_value());
  check_same(**circuit, c2);
}

TEST_CASE("an upsert replaces a circuit's state, lease, hops and wavelengths") {
  TempDir dir;
  auto s = open_store(dir.file("state.db"));
  auto c = circuit_record(1, "r1", CircuitState::kPending);
  WriteBatch first;
  first.requests = {request_record("r1", {CircuitId(1)})};
  first.circuits = {c};
  require_ok(s->commit(first));

  c.state = CircuitState::kRestoring;
  c.reason = "fiber cut on hop 2";
  c.circuit.hops = {{SwitchId(4), 1, 2}};
  c.circuit.wavelengths = {9};
  c.lease_end = TimePoint::from_ns(1'800'000'000'000'000'000);
  c.updated = TimePoint::from_ns(1'700'000'001'000'000'000);
  WriteBatch second;
  second.circuits = {c};
  second.events = {event(1, c, CircuitState::kActive)};
  require_ok(s->commit(second));

  auto snap = s->load();
  REQUIRE(snap);
  REQUIRE(snap->circuits.size() == 1);
  check_same(snap->circuits[0], c);  // no stale hop or wavelength rows remain
  CHECK(snap->requests[0].circuits == std::vector<CircuitId>{CircuitId(1)});
}

// The lifecycle as the controller writes it: created PENDING, then moved
// with only state, reason, lease and time changing. Such events are stored
// compact and read back as the full record as of each event.
TEST_CASE("lifecycle moves are stored compact and every event reads back as of its time") {
  TempDir dir;
  const auto path = dir.file("state.db");
  auto c = circuit_record(1, "r1", CircuitState::kPending);
  std::vector<core::CircuitEvent> written;
  {
    auto s = open_store(path);
    WriteBatch ack;
    ack.requests = {request_record("r1", {CircuitId(1)})};
    ack.circuits = {c};
    written.push_back(event(1, c));
    ack.events = {written.back()};
    require_ok(s->commit(ack));
    for (auto [state, reason, seq] :
         {std::tuple{CircuitState::kProgramming, "sent", 2}, {CircuitState::kActive, "", 3}}) {
      const auto from = c.state;
      c.state = state;
      c.reason = reason;
      c.updated = TimePoint::from_ns(c.updated.since_epoch_ns() + 1000);
      c.lease_end.reset();
      WriteBatch move;
      move.circuits = {c};
      written.push_back(event(static_cast<std::uint64_t>(seq), c, from));
      move.events = {written.back()};
      require_ok(s->commit(move));
    }
  }
  // After a reopen the store no longer remembers the circuit: a further move
  // must still be recognized as one and stored compact.
  auto s = open_store(path);
  const auto from = c.state;
  c.state = CircuitState::kReleasing;
  c.updated = TimePoint::from_ns(c.updated.since_epoch_ns() + 1000);
  WriteBatch move;
  move.circuits = {c};
  written.push_back(event(4, c, from));
  move.events = {written.back()};
  require_ok(s->commit(move));

  auto events = s->events_after(0, 100);
  REQUIRE(events);
  REQUIRE(events->size() == written.size());
  for (std::size_t i = 0; i < written.size(); ++i) check_same((*events)[i], written[i]);
  auto found = s->find_circuit(CircuitId(1));
  REQUIRE(found);
  REQUIRE(found->has_value());
  check_same(**found, c);
  s.reset();

  auto db = store::Database::open(path, false);
  REQUIRE(db);
  // One log row per commit, each event compact: it names circuit version 0
  // (the fifth field) and carries no snapshot (the last).
  CHECK(*(*db)->query_int("SELECT count(*) FROM event_log") == 4);
  CHECK(*(*db)->query_int("SELECT count(*) FROM event_log WHERE events LIKE '%	%	%	"
                          "0	%	'") == 4);
  // The path is packed into the circuit's row.
  CHECK((*db)
            ->query_text("SELECT hops || ' ' || wavelengths FROM circuits WHERE id = 1")
            ->value_or("") == "2:5:17,9:3:120 6,2,31");
}

// A restoration rewrites a circuit's path: the events written before must
// still show the old path, the ones after the new.
TEST_CASE("events keep the path of their time when a circuit's path is rewritten") {
  TempDir dir;
  const auto path = dir.file("state.db");
  auto old_path = circuit_record(1, "r1", CircuitState::kActive);
  auto s = open_store(path);
  WriteBatch first;
  first.circuits = {old_path};
  first.events = {event(1, old_path)};
  require_ok(s->commit(first));
  auto moved = old_path;  // same path, other state: compact
  moved.state = CircuitState::kRestoring;
  moved.reason = "fiber cut";
  WriteBatch second;
  second.circuits = {moved};
  second.events = {event(2, moved, CircuitState::kActive)};
  require_ok(s->commit(second));

  auto new_path = moved;
  new_path.state = CircuitState::kActive;
  new_path.circuit.hops = {{SwitchId(4), 1, 2}};
  new_path.circuit.wavelengths = {9};
  // An event in the same batch but describing the old path keeps it too.
  auto stale = moved;
  stale.reason = "still old";
  WriteBatch third;
  third.circuits = {new_path};
  third.events = {event(3, stale, CircuitState::kRestoring),
                  event(4, new_path, CircuitState::kRestoring)};
  require_ok(s->commit(third));

  for (int reopen = 0; reopen < 2; ++reopen) {
    auto events = s->events_after(0, 100);
    REQUIRE(events);
    REQUIRE(events->size() == 4);
    check_same((*events)[0], first.events[0]);
    check_same((*events)[1], second.events[0]);
    check_same((*events)[2], third.events[0]);
    check_same((*events)[3], third.events[1]);
    auto snap = s->load();
    REQUIRE(snap);
    REQUIRE(snap->circuits.size() == 1);
    check_same(snap->circuits[0], new_path);
    s = open_store(path);
  }
  // Back to the old path after a reopen (the store must look it up).
  WriteBatch fourth;
  fourth.circuits = {old_path};
  fourth.events = {event(5, old_path, CircuitState::kActive)};
  require_ok(s->commit(fourth));
  auto events = s->events_after(0, 100);
  REQUIRE(events);
  REQUIRE(events->size() == 5);
  check_same((*events)[3], third.events[1]);
  check_same((*events)[4], fourth.events[0]);
  REQUIRE(s->integrity_check());
}

// A batch that fails must leave no trace, in the file or in what the store
// remembers about circuits.
TEST_CASE("a failed batch leaves nothing behind for later batches to trip on") {
  TempDir dir;
  auto s = open_store(dir.file("state.db"));
  WriteBatch first;
  first.requests = {request_record("r1", {})};
  require_ok(s->commit(first));

  auto c = circuit_record(1, "r2", CircuitState::kPending);
  WriteBatch bad;
  bad.circuits = {c};
  // Fails after the circuit was written: the whole batch rolls back.
  bad.events = {event(2, c), event(1, c)};
  CHECK(s->commit(bad).error().code == "STORE_EVENT_SEQUENCE");

  WriteBatch again;
  again.circuits = {c};
  again.events = {event(1, c)};
  require_ok(s->commit(again));
  auto snap = s->load();
  REQUIRE(snap);
  REQUIRE(snap->circuits.size() == 1);
  check_same(snap->circuits[0], c);  // hops and wavelengths written, not skipped
  auto events = s->events_after(0, 10);
  REQUIRE(events);
  REQUIRE(events->size() == 1);
  check_same(events->front(), again.events[0]);
}

TEST_CASE("released circuits leave the snapshot but their ids are never reused") {
  TempDir dir;
  const auto path = dir.file("state.db");
  {
    auto s = open_store(path);
    WriteBatch b;
    b.requests = {request_record("r1", {CircuitId(1), CircuitId(2), CircuitId(3)})};
    b.circuits = {circuit_record(1, "r1"), circuit_record(2, "r1"), circuit_record(3, "r1")};
    require_ok(s->commit(b));
    WriteBatch release;
    release.circuits = {circuit_record(3, "r1", CircuitState::kReleased)};
    require_ok(s->commit(release));
  }
  auto s = open_store(path);
  auto snap = s->load();
  REQUIRE(snap);
  REQUIRE(snap->circuits.size() == 2);
  CHECK(snap->circuits[0].circuit.id == CircuitId(1));
  CHECK(snap->circuits[1].circuit.id == CircuitId(2));
  CHECK(snap->next_circuit_id == 4);
  auto released = s->find_circuit(CircuitId(3));
  REQUIRE(released);
  REQUIRE(released->has_value());
  CHECK((*released)->state == CircuitState::kReleased);
  CHECK((*released)->circuit.hops.size() == 2);  // kept for audit
}

TEST_CASE("a request may record the circuits it preempted") {
  TempDir dir;
  auto s = open_store(dir.file("state.db"));
  WriteBatch b1;
  b1.requests = {request_record("low", {CircuitId(1)})};
  b1.circuits = {circuit_record(1, "low")};
  require_ok(s->commit(b1));
  WriteBatch b2;
  b2.requests = {request_record("high", {CircuitId(2)}, {CircuitId(1)})};
  b2.circuits = {circuit_record(1, "low", CircuitState::kPreempted), circuit_record(2, "high")};
  require_ok(s->commit(b2));
  auto high = s->find_request("high");
  REQUIRE(high);
  REQUIRE(high->has_value());
  CHECK((*high)->circuits == std::vector<CircuitId>{CircuitId(2)});
  CHECK((*high)->preempted == std::vector<CircuitId>{CircuitId(1)});
}

TEST_CASE("appended batches commit together as one group") {
  TempDir dir;
  auto s = open_store(dir.file("state.db"));
  WriteBatch group;
  for (std::uint32_t i = 1; i <= 3; ++i) {
    WriteBatch one;
    one.requests = {request_record("r" + std::to_string(i), {CircuitId(i)})};
    one.circuits = {circuit_record(i, "r" + std::to_string(i))};
    one.events = {event(i, one.circuits[0])};
    group.append(std::move(one));
    CHECK(one.empty());
  }
  CHECK(group.size() == 9);
  require_ok(s->commit(group));
  auto snap = s->load();
  REQUIRE(snap);
  CHECK(snap->requests.size() == 3);
  CHECK(snap->circuits.size() == 3);
  CHECK(snap->last_event_sequence == 3);
}

TEST_CASE("trimming the event log keeps the newest and never rewinds the sequence") {
  TempDir dir;
  const auto path = dir.file("state.db");
  auto s = open_store(path);
  const auto c = circuit_record(1, "r1");
  WriteBatch b;
  b.circuits = {c};
  for (std::uint64_t seq = 1; seq <= 10; ++seq) b.events.push_back(event(seq * 2, c));
  require_ok(s->commit(b));

  auto dropped = s->trim_events(3);
  REQUIRE(dropped);
  CHECK(*dropped == 7);
  auto left = s->events_after(0, 100);
  REQUIRE(left);
  REQUIRE(left->size() == 3);
  CHECK(left->front().sequence == 16);
  CHECK(*s->first_event_sequence() == 16);
  CHECK(*s->trim_events(5) == 0);  // fewer than `keep` stored: nothing goes

  CHECK(*s->trim_events(0) == 3);
  CHECK(s->events_after(0, 100)->empty());
  WriteBatch stale;
  stale.events = {event(19, c)};
  CHECK_FALSE(s->commit(stale));
  s.reset();
  s = open_store(path);
  CHECK(s->load()->last_event_sequence == 20);
}

// The log holds one row per commit: a cut that falls inside one keeps that
// row's newest events and drops every older row.
TEST_CASE("trimming across commits drops older commits whole and splits the one at the cut") {
  TempDir dir;
  auto s = open_store(dir.file("state.db"));
  const auto c = circuit_record(1, "r1");
  std::uint64_t seq = 0;
  for (int commit = 0; commit < 3; ++commit) {
    WriteBatch b;
    b.circuits = {c};
    for (int i = 0; i < 3; ++i) b.events.push_back(event(++seq, c));
    require_ok(s->commit(b));
  }
  CHECK(*s->trim_events(4) == 5);
  auto left = s->events_after(0, 100);
  REQUIRE(left);
  REQUIRE(left->size() == 4);
  CHECK(left->front().sequence == 6);
  CHECK(left->back().sequence == 9);
  CHECK(*s->first_event_sequence() == 6);
  auto limited = s->events_after(6, 2);
  REQUIRE(limited);
  REQUIRE(limited->size() == 2);
  CHECK(limited->front().sequence == 7);
  CHECK(limited->back().sequence == 8);
}

// Retention as lightpathd runs it: a batch names the sequence up to which
// events may go, and whole commits at or below it leave in its transaction.
TEST_CASE("a batch that drops old events removes whole commits and keeps the mark") {
  TempDir dir;
  const auto path = dir.file("state.db");
  auto s = open_store(path);
  const auto c = circuit_record(1, "r1");
  std::uint64_t seq = 0;
  for (int commit = 0; commit < 3; ++commit) {  // commits of events 1-3, 4-6, 7-9
    WriteBatch b;
    b.circuits = {c};
    for (int i = 0; i < 3; ++i) b.events.push_back(event(++seq, c));
    if (commit == 2) b.drop_events_through = 4;  // the commit of 4-6 straddles the cut: it stays
    require_ok(s->commit(b));
  }
  CHECK(*s->first_event_sequence() == 4);
  auto left = s->events_after(0, 100);
  REQUIRE(left);
  REQUIRE(left->size() == 6);
  CHECK(left->front().sequence == 4);

  // A batch without events may cut too, and a cut past every event empties
  // the log without letting a sequence be issued again, even after a restart.
  WriteBatch cut;
  cut.circuits = {c};
  cut.drop_events_through = 9;
  require_ok(s->commit(cut));
  CHECK(s->events_after(0, 100)->empty());
  CHECK(*s->first_event_sequence() == 0);
  s.reset();
  s = open_store(path);
  CHECK(s->load()->last_event_sequence == 9);
  WriteBatch stale;
  stale.events = {event(9, c)};
  CHECK_FALSE(s->commit(stale));
  WriteBatch next;
  next.events = {event(10, c)};
  require_ok(s->commit(next));
  CHECK(*s->first_event_sequence() == 10);
}

TEST_CASE("commits from several threads serialize safely") {
  TempDir dir;
  auto s = open_store(dir.file("state.db"), /*durable=*/false);
  auto writer = [&](std::uint32_t first) {
    for (std::uint32_t i = first; i < first + 40; ++i) {
      // Built by append: GCC 12 warns falsely (-Wrestrict) on "r" + to_string here.
      std::string id = "r";
      id += std::to_string(i);
      WriteBatch b;
      b.requests = {request_record(id, {CircuitId(i)})};
      b.circuits = {circuit_record(i, id)};
      CHECK(s->commit(b));
      CHECK(s->load());
    }
  };
  std::thread t1(writer, 1), t2(writer, 101);
  t1.join();
  t2.join();
  auto snap = s->load();
  REQUIRE(snap);
  CHECK(snap->requests.size() == 80);
  CHECK(snap->next_circuit_id == 141);
  require_ok(s->integrity_check());
}

}  // namespace
}  // namespace lightpath::testing
