#include "controller/store/schema.h"

#include <fmt/format.h>

#include <array>

namespace lightpath::store {
namespace {

// Version 1: desired state. STRICT tables reject values of the wrong type
// instead of storing them, and the CHECKs keep out states, roles and ids the
// code could not load back. Times are int64 nanoseconds (leases: Unix epoch).
constexpr const char* kV1 = R"sql(
CREATE TABLE schema_migrations (
  version INTEGER PRIMARY KEY,
  applied_at_ns INTEGER NOT NULL
) STRICT;

CREATE TABLE requests (
  request_id TEXT PRIMARY KEY CHECK (request_id <> ''),
  tenant TEXT NOT NULL,
  job_id TEXT NOT NULL,
  priority INTEGER NOT NULL,
  body TEXT NOT NULL CHECK (json_valid(body)),
  accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  packet_flows_json TEXT NOT NULL,
  created_ns INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE circuits (
  id INTEGER PRIMARY KEY CHECK (id BETWEEN 1 AND 4294967294),
  request_id TEXT NOT NULL,
  job_id TEXT NOT NULL,
  tenant TEXT NOT NULL,
  priority INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('PENDING', 'PROGRAMMING', 'ACTIVE', 'RELEASING',
                                       'RELEASED', 'FAILED', 'PREEMPTED', 'RESTORING')),
  reason TEXT NOT NULL,
  a_port INTEGER NOT NULL,
  b_port INTEGER NOT NULL,
  bandwidth_bps INTEGER NOT NULL,
  latency_max_ns INTEGER,
  min_margin_db REAL NOT NULL,
  lease_end_ns INTEGER,
  created_ns INTEGER NOT NULL,
  updated_ns INTEGER NOT NULL
) STRICT;
CREATE INDEX circuits_by_state ON circuits(state);
CREATE INDEX circuits_by_request ON circuits(request_id);
CREATE INDEX circuits_by_tenant ON circuits(tenant);

-- The cross-connects of a circuit, in path order from end a to end b.
CREATE TABLE circuit_hops (
  circuit_id INTEGER NOT NULL REFERENCES circuits(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  switch_id INTEGER NOT NULL,
  in_port INTEGER NOT NULL,
  out_port INTEGER NOT NULL,
  PRIMARY KEY (circuit_id, idx)
) STRICT, WITHOUT ROWID;

-- idx keeps the order the solver gave; a channel appears once per circuit.
CREATE TABLE circuit_wavelengths (
  circuit_id INTEGER NOT NULL REFERENCES circuits(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  wavelength INTEGER NOT NULL CHECK (wavelength >= 0),
  PRIMARY KEY (circuit_id, idx),
  UNIQUE (circuit_id, wavelength)
) STRICT, WITHOUT ROWID;

CREATE TABLE request_circuits (
  request_id TEXT NOT NULL REFERENCES requests(request_id),
  role TEXT NOT NULL CHECK (role IN ('allocated', 'preempted')),
  idx INTEGER NOT NULL,
  circuit_id INTEGER NOT NULL REFERENCES circuits(id),
  PRIMARY KEY (request_id, role, idx)
) STRICT, WITHOUT ROWID;
CREATE INDEX request_circuits_by_circuit ON request_circuits(circuit_id);

-- The watch stream's log; snapshot is the circuit record after the change.
CREATE TABLE events (
  sequence INTEGER PRIMARY KEY CHECK (sequence > 0),
  at_ns INTEGER NOT NULL,
  circuit_id INTEGER NOT NULL REFERENCES circuits(id),
  previous_state TEXT NOT NULL,
  snapshot TEXT NOT NULL CHECK (json_valid(snapshot))
) STRICT;
)sql";

// Version 2: trimming the event log must not let sequence numbers go back
// (a watcher resuming "after N" would miss events), so the high-water mark
// moves out of the table into a counter. The new state also gets its own
// column and the log an index by circuit, for per-circuit history queries.
constexpr const char* kV2 = R"sql(
CREATE TABLE counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO counters (name, value)
  SELECT 'last_event_sequence', COALESCE(MAX(sequence), 0) FROM events;

ALTER TABLE events ADD COLUMN state TEXT NOT NULL DEFAULT '';
UPDATE events SET state = json_extract(snapshot, '$.state');
CREATE INDEX events_by_circuit ON events(circuit_id, sequence);
)sql";

// Version 3: compact events. A circuit's ports, path, wavelengths and
// bandwidth are fixed while it exists, so an event stores only what changes
// (state, reason, lease end, update time) and is read back joined to the
// circuit's rows; snapshot (JSON) is kept only for events whose circuit was
// later rewritten with other fixed fields, and for the events of earlier
// versions. SQLite cannot relax a column's NOT NULL and CHECK in place, so
// the table is rebuilt; old rows keep their snapshot and get the new columns
// from it.
constexpr const char* kV3 = R"sql(
CREATE TABLE events_v3 (
  sequence INTEGER PRIMARY KEY CHECK (sequence > 0),
  at_ns INTEGER NOT NULL,
  circuit_id INTEGER NOT NULL REFERENCES circuits(id),
  previous_state TEXT NOT NULL,
  state TEXT NOT NULL,
  reason TEXT NOT NULL,
  lease_end_ns INTEGER,
  updated_ns INTEGER NOT NULL,
  snapshot TEXT CHECK (snapshot IS NULL OR json_valid(snapshot))
) STRICT;
INSERT INTO events_v3 (sequence, at_ns, circuit_id, previous_state, state, reason,
                       lease_end_ns, updated_ns, snapshot)
  SELECT sequence, at_ns, circuit_id, previous_state, state,
         COALESCE(json_extract(snapshot, '$.reason'), ''),
         json_extract(snapshot, '$.lease_end_ns'),
         COALESCE(json_extract(snapshot, '$.updated_ns'), 0), snapshot
  FROM events;
DROP TABLE events;
ALTER TABLE events_v3 RENAME TO events;
CREATE INDEX events_by_circuit ON events(circuit_id, sequence);
)sql";

// Version 4: one row per circuit, per request and per commit. A commit used
// to write a row in six tables for every circuit (hops, wavelengths, request
// links, events, each with its indexes) and that, not the fsync, was most of
// its cost. Now hops and wavelengths are text columns of the circuit, a
// request lists its circuit ids, and a commit's events are one row of
// tab-separated lines (row_text.h). A compact event names the circuit
// version whose fixed fields it shares; rewriting a circuit's fixed fields
// (a restoration's new path) keeps the old version in circuit_history, so
// earlier events still read back as they were. The sequence counter moves
// only when the log is trimmed: otherwise the log's last sequence is the
// high-water mark. The circuits indexes went with the queries that needed
// them (a live-circuit load scans the table either way).
constexpr const char* kV4 = R"sql(
ALTER TABLE circuits ADD COLUMN hops TEXT NOT NULL DEFAULT '';
ALTER TABLE circuits ADD COLUMN wavelengths TEXT NOT NULL DEFAULT '';
ALTER TABLE circuits ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
UPDATE circuits SET hops = x.h FROM (
  SELECT circuit_id, group_concat(switch_id || ':' || in_port || ':' || out_port, ',') AS h
  FROM (SELECT * FROM circuit_hops ORDER BY circuit_id, idx) GROUP BY circuit_id) AS x
WHERE x.circuit_id = circuits.id;
UPDATE circuits SET wavelengths = x.w FROM (
  SELECT circuit_id, group_concat(wavelength, ',') AS w
  FROM (SELECT * FROM circuit_wavelengths ORDER BY circuit_id, idx) GROUP BY circuit_id) AS x
WHERE x.circuit_id = circuits.id;

ALTER TABLE requests ADD COLUMN circuit_ids TEXT NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN preempted_ids TEXT NOT NULL DEFAULT '';
UPDATE requests SET circuit_ids = x.ids FROM (
  SELECT request_id, group_concat(circuit_id, ',') AS ids
  FROM (SELECT * FROM request_circuits WHERE role = 'allocated' ORDER BY request_id, idx)
  GROUP BY request_id) AS x
WHERE x.request_id = requests.request_id;
UPDATE requests SET preempted_ids = x.ids FROM (
  SELECT request_id, group_concat(circuit_id, ',') AS ids
  FROM (SELECT * FROM request_circuits WHERE role = 'preempted' ORDER BY request_id, idx)
  GROUP BY request_id) AS x
WHERE x.request_id = requests.request_id;

CREATE TABLE circuit_history (
  circuit_id INTEGER NOT NULL,
  version INTEGER NOT NULL,
  record TEXT NOT NULL CHECK (json_valid(record)),
  PRIMARY KEY (circuit_id, version)
) STRICT, WITHOUT ROWID;

CREATE TABLE event_log (
  last_sequence INTEGER PRIMARY KEY CHECK (last_sequence > 0),
  first_sequence INTEGER NOT NULL CHECK (first_sequence BETWEEN 1 AND last_sequence),
  events TEXT NOT NULL
) STRICT;
INSERT INTO event_log (last_sequence, first_sequence, events)
  SELECT sequence, sequence,
         sequence || char(9) || at_ns || char(9) || circuit_id || char(9) ||
         CASE WHEN snapshot IS NULL THEN '0' ELSE '' END || char(9) ||
         previous_state || char(9) || state || char(9) ||
         replace(replace(replace(reason, '\', '\\'), char(9), '\t'), char(10), '\n') || char(9) ||
         COALESCE(lease_end_ns, '') || char(9) || updated_ns || char(9) || COALESCE(snapshot, '')
  FROM events ORDER BY sequence;
UPDATE counters SET value = max(value, COALESCE((SELECT MAX(sequence) FROM events), 0))
  WHERE name = 'last_event_sequence';

DROP TABLE events;
DROP TABLE request_circuits;
DROP TABLE circuit_hops;
DROP TABLE circuit_wavelengths;
DROP INDEX circuits_by_state;
DROP INDEX circuits_by_request;
DROP INDEX circuits_by_tenant;
)sql";

// Version 5: requests in a rowid table with a unique index on request_id.
// Without a rowid, a row lives in an index B-tree, whose cells spill to an
// overflow page past about a quarter of a 4 KiB page; a request's row (its
// JSON body is about 1 KB for 8 flows) took a page of its own for a few
// dozen bytes, one more page to write and sync per request and most of the
// file. A rowid table keeps rows up to the whole page inline and appends new
// ones at its right edge, where the requests of one commit share a page.
constexpr const char* kV5 = R"sql(
CREATE TABLE requests_v5 (
  request_id TEXT NOT NULL CHECK (request_id <> ''),
  tenant TEXT NOT NULL,
  job_id TEXT NOT NULL,
  priority INTEGER NOT NULL,
  body TEXT NOT NULL CHECK (json_valid(body)),
  accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  packet_flows_json TEXT NOT NULL,
  created_ns INTEGER NOT NULL,
  circuit_ids TEXT NOT NULL DEFAULT '',
  preempted_ids TEXT NOT NULL DEFAULT ''
) STRICT;
INSERT INTO requests_v5 (request_id, tenant, job_id, priority, body, accepted, reason, message,
                         packet_flows_json, created_ns, circuit_ids, preempted_ids)
  SELECT request_id, tenant, job_id, priority, body, accepted, reason, message,
         packet_flows_json, created_ns, circuit_ids, preempted_ids
  FROM requests ORDER BY created_ns, request_id;
DROP TABLE requests;
ALTER TABLE requests_v5 RENAME TO requests;
CREATE UNIQUE INDEX requests_by_id ON requests(request_id);
)sql";

// Version 6: switches and ports an operator drained (port -1: the whole
// switch). Kept so that a restarted lightpathd does not place new circuits
// on hardware taken out for maintenance; by switch name, which stays the
// same when the topology is edited.
constexpr const char* kV6 = R"sql(
CREATE TABLE drains (
  switch_name TEXT NOT NULL CHECK (switch_name <> ''),
  port INTEGER NOT NULL CHECK (port >= -1),
  drained_ns INTEGER NOT NULL,
  PRIMARY KEY (switch_name, port)
) STRICT, WITHOUT ROWID;
)sql";

// Version 7: ports held out of service after a dark-port alarm cleared, with
// the wall-clock end of the hold. An idle dark port shows no alarm, so a
// restarted lightpathd would otherwise offer it to the next circuit.
constexpr const char* kV7 = R"sql(
CREATE TABLE port_holds (
  switch_name TEXT NOT NULL CHECK (switch_name <> ''),
  port INTEGER NOT NULL CHECK (port >= 0),
  until_ns INTEGER NOT NULL,
  PRIMARY KEY (switch_name, port)
) STRICT, WITHOUT ROWID;
)sql";

constexpr std::array<Migration, 7> kMigrations{{
    {1, "desired state: requests, circuits, hops, wavelengths, event log", kV1},
    {2, "event sequence counter; events.state; events by circuit", kV2},
    {3, "compact events: changing fields only, snapshot only when needed", kV3},
    {4, "one row per circuit, request and commit: packed paths, ids and events", kV4},
    {5, "requests in a rowid table, so a request's row needs no overflow page", kV5},
    {6, "switches and ports drained by an operator", kV6},
    {7, "ports held out of service after a dark-port alarm", kV7},
}};

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}
int latest_schema_version() {
  return kMigrations.back().version;
}

Result<int> current_schema_version(Database& db) {
  auto has = db.query_int(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  if (!has) return unexpected(std::move(has).error());
  if (*has == 0) return 0;
  auto v = db.query_int("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  if (!v) return unexpected(std::move(v).error());
  return static_cast<int>(*v);
}

Result<int> migrate(Database& db, std::int64_t now_ns) {
  auto current = current_schema_version(db);
  if (!current) return current;
  if (*current == 0) {
    // Applying our schema over someone else's tables would mix two programs'
    // data in one file; refuse rather than guess.
    auto others = db.query_int("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'");
    if (!others) return unexpected(std::move(others).error());
    if (*others > 0)
      return unexpected(
          Error{"STORE_NOT_A_LIGHTPATH_STORE",
                fmt::format("store '{}': an SQLite database with {} other object(s) but no "
                            "schema_migrations table; not a lightpath store",
                            db.path(), *others)});
  }
  if (*current > latest_schema_version())
    return unexpected(
        Error{"STORE_SCHEMA_TOO_NEW",
              fmt::format("store '{}': schema version {} is newer than this lightpathd knows ({}); "
                          "run a lightpathd at least as new as the one that wrote it",
                          db.path(), *current, latest_schema_version())});

  for (const Migration& m : kMigrations) {
    if (m.version <= *current) continue;
    auto tx = Transaction::begin(db, Transaction::Kind::kWrite);
    if (!tx) return unexpected(std::move(tx).error());
    // Another process may have migrated while we waited for the write lock.
    auto again = current_schema_version(db);
    if (!again) return again;
    if (*again >= m.version) continue;
    if (auto r = db.exec(m.sql); !r) {
      Error e = std::move(r).error();
      e.message = fmt::format("migration {} ({}): {}", m.version, m.description, e.message);
      return unexpected(std::move(e));
    }
    auto st = db.prepare("INSERT INTO schema_migrations (version, applied_at_ns) VALUES (?, ?)");
    if (!st) return unexpected(std::move(st).error());
    st->bind_all(m.version, now_ns);
    if (auto r = st->run(); !r) return unexpected(std::move(r).error());
    if (auto r = tx->commit(); !r) return unexpected(std::move(r).error());
  }
  return current_schema_version(db);
}

}  // namespace lightpath::store
