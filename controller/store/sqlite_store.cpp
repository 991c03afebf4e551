#include "controller/store/sqlite_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <chrono>
#include <limits>

#include "controller/store/record_json.h"
#include "controller/store/schema.h"
#include "controller/store/sqlite_db.h"
#include "controller/store/store_rows.h"

namespace lightpath::store {
namespace {

constexpr const char* kInsertRequest =
    "INSERT INTO requests (request_id, tenant, job_id, priority, body, accepted, reason, "
    "message, packet_flows_json, created_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
// A circuit not yet stored; DO NOTHING (changes() == 0) tells that it is.
constexpr const char* kInsertNewCircuit =
    "INSERT INTO circuits (id, request_id, job_id, tenant, priority, state, reason, a_port, "
    "b_port, bandwidth_bps, latency_max_ns, min_margin_db, lease_end_ns, created_ns, updated_ns) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
// A stored circuit whose fixed fields are unchanged: only what moves. The
// indexes on request_id and tenant are left alone.
constexpr const char* kUpdateCircuitState =
    "UPDATE circuits SET state = ?, reason = ?, lease_end_ns = ?, updated_ns = ? WHERE id = ?";
// A stored circuit rewritten with other fixed fields (a restoration's new path).
constexpr const char* kRewriteCircuit =
    "UPDATE circuits SET request_id = ?, job_id = ?, tenant = ?, priority = ?, state = ?, "
    "reason = ?, a_port = ?, b_port = ?, bandwidth_bps = ?, latency_max_ns = ?, "
    "min_margin_db = ?, lease_end_ns = ?, created_ns = ?, updated_ns = ? WHERE id = ?";
constexpr const char* kDeleteHops = "DELETE FROM circuit_hops WHERE circuit_id = ?";
constexpr const char* kInsertHop =
    "INSERT INTO circuit_hops (circuit_id, idx, switch_id, in_port, out_port) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr const char* kDeleteWavelengths = "DELETE FROM circuit_wavelengths WHERE circuit_id = ?";
constexpr const char* kInsertWavelength =
    "INSERT INTO circuit_wavelengths (circuit_id, idx, wavelength) VALUES (?, ?, ?)";
constexpr const char* kInsertLink =
    "INSERT INTO request_circuits (request_id, role, idx, circuit_id) VALUES (?, ?, ?, ?)";
// snapshot is NULL unless the event's circuit differs from the stored one in
// a fixed field; read_events then joins the circuit's rows.
constexpr const char* kInsertEvent =
    "INSERT INTO events (sequence, at_ns, circuit_id, previous_state, state, reason, "
    "lease_end_ns, updated_ns, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kCompactEventsOf =
    "SELECT sequence, state, reason, lease_end_ns, updated_ns FROM events "
    "WHERE circuit_id = ? AND snapshot IS NULL ORDER BY sequence";
constexpr const char* kSetEventSnapshot = "UPDATE events SET snapshot = ? WHERE sequence = ?";
constexpr const char* kLastSequence =
    "SELECT value FROM counters WHERE name = 'last_event_sequence'";
constexpr const char* kSetLastSequence =
    "UPDATE counters SET value = ? WHERE name = 'last_event_sequence'";

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<std::int64_t> ns_or_null(const std::optional<TimePoint>& t) {
  return t ? std::optional<std::int64_t>(t->since_epoch_ns()) : std::nullopt;
}
std::optional<std::int64_t> ns_or_null(const std::optional<Duration>& d) {
  return d ? std::optional<std::int64_t>(d->count_ns()) : std::nullopt;
}

// Runs a cached statement with `args`; on failure prefixes the message with
// what `what()` names. The name is built only then: the success path of a
// commit allocates no strings of its own.
template <class What, class... A>
Result<bool> run(Database& db, const char* sql, What&& what, const A&... args) {
  auto st = db.cached(sql);
  if (!st) return unexpected(std::move(st).error());
  auto r = (*st)->bind_all(args...).run();
  if (r) return r;
  Error e = std::move(r).error();
  e.message = what() + ": " + e.message;
  return unexpected(std::move(e));
}

// Constraint failures get a sentence about the item instead of SQLite's.
Error explain(Database& db, Error e, const std::string& item, bool request_row = false) {
  const int code = db.extended_code();
  if (code == SQLITE_CONSTRAINT_PRIMARYKEY && request_row)
    return Error{"STORE_DUPLICATE_REQUEST",
                 fmt::format("store '{}': {} is already stored", db.path(), item)};
  if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
    return Error{"STORE_CONSTRAINT",
                 fmt::format("store '{}': {} refers to a circuit that is neither stored nor "
                             "in the batch",
                             db.path(), item)};
  return e;
}

Result<bool> write_path(Database& db, const core::CircuitRecord& rec, bool replace) {
  const solver::Circuit& c = rec.circuit;
  const std::int64_t id = c.id.value();
  auto item = [&] { return fmt::format("circuit {}", id); };
  if (replace) {
    if (auto r = run(db, kDeleteHops, item, id); !r) return r;
    if (auto r = run(db, kDeleteWavelengths, item, id); !r) return r;
  }
  for (std::size_t i = 0; i < c.hops.size(); ++i) {
    const solver::Hop& h = c.hops[i];
    auto r = run(
        db, kInsertHop, [&] { return fmt::format("circuit {} hop {}", id, i); }, id,
        static_cast<std::int64_t>(i), std::int64_t{h.optical_switch.value()}, h.in_port,
        h.out_port);
    if (!r) return r;
  }
  for (std::size_t i = 0; i < c.wavelengths.size(); ++i) {
    auto r = run(
        db, kInsertWavelength,
        [&] { return fmt::format("circuit {} wavelength {}", id, c.wavelengths[i]); }, id,
        static_cast<std::int64_t>(i), c.wavelengths[i]);
    if (!r) return r;
  }
  return true;
}

// Before a circuit's fixed fields change, its compact events get the full
// snapshot they describe (the stored circuit with each event's own state),
// since they could no longer be rebuilt from the circuit's rows.
Result<bool> freeze_compact_events(Database& db, const core::CircuitRecord& stored) {
  const std::int64_t id = stored.circuit.id.value();
  auto st = db.cached(kCompactEventsOf);
  if (!st) return unexpected(std::move(st).error());
  Statement& q = **st;
  q.bind_all(id);
  std::vector<std::pair<std::int64_t, std::string>> frozen;
  for (;;) {
    auto row = q.step();
    if (!row) return unexpected(std::move(row).error());
    if (!*row) break;
    core::CircuitRecord rec = stored;
    const auto state = core::parse_circuit_state(q.text(1));
    if (!state) {
      q.reset();
      return unexpected(Error{"STORE_CORRUPT", fmt::format("store '{}': event {} is unreadable",
                                                           db.path(), q.int64(0))});
    }
    rec.state = *state;
    rec.reason = q.text(2);
    rec.lease_end =
        q.is_null(3) ? std::nullopt : std::optional<TimePoint>(TimePoint::from_ns(q.int64(3)));
    rec.updated = TimePoint::from_ns(q.int64(4));
    frozen.emplace_back(q.int64(0), circuit_record_to_json(rec).dump());
  }
  q.reset();
  for (const auto& [sequence, json] : frozen) {
    // Captured by copy: clang 14 cannot capture a structured binding.
    auto r = run(
        db, kSetEventSnapshot, [s = sequence] { return fmt::format("event {}", s); }, json,
        sequence);
    if (!r) return r;
  }
  return true;
}

Result<bool> write_links(Database& db, const core::RequestRecord& rec) {
  const std::string& rid = rec.request.request_id;
  for (const char* role : {"allocated", "preempted"}) {
    const auto& ids = std::string_view(role) == "allocated" ? rec.circuits : rec.preempted;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      auto item = [&] {
        return fmt::format("request '{}' ({} circuit {})", rid, role, ids[i].value());
      };
      auto r = run(db, kInsertLink, item, rid, role, static_cast<std::int64_t>(i),
                   std::int64_t{ids[i].value()});
      if (!r) return unexpected(explain(db, std::move(r).error(), item()));
    }
  }
  return true;
}

}  // namespace

void WriteBatch::append(WriteBatch&& other) {
  for (auto& r : other.requests) requests.push_back(std::move(r));
  for (auto& c : other.circuits) circuits.push_back(std::move(c));
  for (auto& e : other.events) events.push_back(std::move(e));
  other = WriteBatch{};
}

SqliteStore::SqliteStore(std::string path, std::unique_ptr<Database> db, int version)
    : path_(std::move(path)), db_(std::move(db)), schema_version_(version) {}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path,
                                                       StoreOptions options) {
  auto db = Database::open(path, /*create=*/true);
  if (!db) return unexpected(std::move(db).error());
  Database& d = **db;
  // The busy timeout goes first so that every later step waits for a lock
  // held by another process rather than failing at once.
  if (auto r = d.exec(fmt::format("PRAGMA busy_timeout = {}", options.busy_timeout_ms)); !r)
    return unexpected(std::move(r).error());
  // The first statement that reads the file: a file that is not SQLite fails here.
  auto mode = d.query_text("PRAGMA journal_mode = WAL");
  if (!mode) return unexpected(std::move(mode).error());
  if (mode->value_or("") != "wal")
    return unexpected(Error{"STORE_IO", fmt::format("store '{}': cannot use WAL (journal mode "
                                                    "stays '{}')",
                                                    path, mode->value_or("?"))});
  const char* sync = options.durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL";
  if (auto r = d.exec(sync); !r) return unexpected(std::move(r).error());
  if (auto r = d.exec("PRAGMA foreign_keys = ON"); !r) return unexpected(std::move(r).error());
  // Sorts and other temporary tables stay off the disk. (The page cache
  // keeps SQLite's default 2 MiB: a larger one bought nothing measurable and
  // cost the daemon's resident memory.)
  if (auto r = d.exec("PRAGMA temp_store = MEMORY"); !r) return unexpected(std::move(r).error());
  auto version = migrate(d, now_ns());
  if (!version) return unexpected(std::move(version).error());
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, std::move(*db), *version));
}

Result<bool> SqliteStore::commit(const WriteBatch& batch) {
  if (batch.empty()) return true;
  std::lock_guard lock(mu_);
  staged_.clear();
  released_.clear();
  auto done = [&](Result<bool> r) {
    if (r) {
      for (auto& [id, fixed] : staged_) fixed_[id] = std::move(fixed);
      // Released circuits rarely move again; forgetting them bounds the
      // memory by the live circuits (a later write looks them up again).
      for (std::uint32_t id : released_) fixed_.erase(id);
    }
    staged_.clear();
    released_.clear();
    return r;
  };
  auto tx = Transaction::begin(*db_, Transaction::Kind::kWrite);
  if (!tx) return unexpected(std::move(tx).error());
  if (auto r = write_batch(batch); !r) return done(std::move(r));  // tx's destructor rolls back
  return done(tx->commit());
}

Result<const std::string*> SqliteStore::stored_fixed(std::uint32_t id) {
  if (auto it = staged_.find(id); it != staged_.end()) return &it->second;
  if (auto it = fixed_.find(id); it != fixed_.end()) return &it->second;
  auto found = read_circuits(*db_, CircuitSelection::kOne, CircuitId(id));
  if (!found) return unexpected(std::move(found).error());
  if (found->empty()) return nullptr;
  std::string fixed;
  encode_fixed(found->front(), fixed);
  return &staged_.insert_or_assign(id, std::move(fixed)).first->second;
}

Result<bool> SqliteStore::write_circuit(const core::CircuitRecord& rec) {
  Database& db = *db_;
  const solver::Circuit& c = rec.circuit;
  if (!c.id.valid() || c.id.value() == 0)
    return unexpected(
        Error{"STORE_INVALID", fmt::format("store '{}': a circuit without an id", path_)});
  const std::uint32_t id32 = c.id.value();
  const std::int64_t id = id32;
  auto item = [&] { return fmt::format("circuit {}", id); };
  if (rec.state == core::CircuitState::kReleased) released_.push_back(id32);
  encode_fixed(rec, scratch_);

  const std::string* stored = nullptr;
  if (auto it = staged_.find(id32); it != staged_.end())
    stored = &it->second;
  else if (auto jt = fixed_.find(id32); jt != fixed_.end())
    stored = &jt->second;
  if (!stored) {
    // Unknown to this store object: most likely new. One statement inserts
    // it, or does nothing if it is stored after all.
    auto r = run(db, kInsertNewCircuit, item, id, c.request_id, rec.job_id, rec.tenant, c.priority,
                 core::to_string(rec.state), rec.reason, std::int64_t{c.a.value()},
                 std::int64_t{c.b.value()}, c.bandwidth.bits_per_second(),
                 ns_or_null(c.latency_max), c.min_margin.value(), ns_or_null(rec.lease_end),
                 rec.created.since_epoch_ns(), rec.updated.since_epoch_ns());
    if (!r) return unexpected(explain(db, std::move(r).error(), item()));
    if (db.changes() == 1) {
      if (auto p = write_path(db, rec, /*replace=*/false); !p) return p;
      staged_.insert_or_assign(id32, scratch_);
      return true;
    }
    auto s = stored_fixed(id32);  // stored by an earlier run of lightpathd
    if (!s) return unexpected(std::move(s).error());
    stored = *s;
    if (!stored)
      return unexpected(Error{"STORE_CORRUPT", fmt::format("store '{}': circuit {} is neither "
                                                           "stored nor insertable",
                                                           path_, id)});
  }

  if (*stored == scratch_) {
    auto r = run(db, kUpdateCircuitState, item, core::to_string(rec.state), rec.reason,
                 ns_or_null(rec.lease_end), rec.updated.since_epoch_ns(), id);
    if (!r) return unexpected(explain(db, std::move(r).error(), item()));
    if (db.changes() == 1) return true;
    // The row is gone (changed behind our back): forget what we knew and
    // write it in full.
    staged_.erase(id32);
    fixed_.erase(id32);
    return write_circuit(rec);
  }

  // Fixed fields change: keep the events written so far true, then rewrite.
  auto old = read_circuits(db, CircuitSelection::kOne, c.id);
  if (!old) return unexpected(std::move(old).error());
  if (!old->empty())
    if (auto r = freeze_compact_events(db, old->front()); !r) return r;
  auto r = run(db, kRewriteCircuit, item, c.request_id, rec.job_id, rec.tenant, c.priority,
               core::to_string(rec.state), rec.reason, std::int64_t{c.a.value()},
               std::int64_t{c.b.value()}, c.bandwidth.bits_per_second(), ns_or_null(c.latency_max),
               c.min_margin.value(), ns_or_null(rec.lease_end), rec.created.since_epoch_ns(),
               rec.updated.since_epoch_ns(), id);
  if (!r) return unexpected(explain(db, std::move(r).error(), item()));
  if (auto p = write_path(db, rec, /*replace=*/true); !p) return p;
  staged_.insert_or_assign(id32, scratch_);
  return true;
}

Result<bool> SqliteStore::write_event(const core::CircuitEvent& ev) {
  Database& db = *db_;
  const core::CircuitRecord& rec = ev.circuit;
  const std::int64_t sequence = static_cast<std::int64_t>(ev.sequence);
  auto item = [&] { return fmt::format("event {}", sequence); };
  // Compact when the event's circuit has the stored circuit's fixed fields.
  // A circuit this store does not know is looked up; if it is not stored the
  // insert below fails on the foreign key.
  bool compact = false;
  if (rec.circuit.id.valid() && rec.circuit.id.value() != 0) {
    auto stored = stored_fixed(rec.circuit.id.value());
    if (!stored) return unexpected(std::move(stored).error());
    if (*stored) {
      encode_fixed(rec, scratch_);
      compact = **stored == scratch_;
    }
  }
  std::optional<std::string> snapshot;
  if (!compact) snapshot = circuit_record_to_json(rec).dump();
  auto st = db.cached(kInsertEvent);
  if (!st) return unexpected(std::move(st).error());
  Statement& q = **st;
  q.bind_all(sequence, ev.at.since_epoch_ns(), std::int64_t{rec.circuit.id.value()},
             core::to_string(ev.previous), core::to_string(rec.state), rec.reason,
             ns_or_null(rec.lease_end), rec.updated.since_epoch_ns());
  if (snapshot) q.bind(9, *snapshot);  // unbound stays NULL
  if (auto r = q.run(); !r) {
    Error e = std::move(r).error();
    e.message = item() + ": " + e.message;
    return unexpected(explain(db, std::move(e), item()));
  }
  return true;
}

Result<bool> SqliteStore::write_batch(const WriteBatch& batch) {
  Database& db = *db_;
  for (const auto& rec : batch.requests) {
    const solver::CircuitRequest& q = rec.request;
    auto item = [&] { return fmt::format("request '{}'", q.request_id); };
    if (q.request_id.empty())
      return unexpected(
          Error{"STORE_INVALID", fmt::format("store '{}': a request without a request_id", path_)});
    auto r = run(db, kInsertRequest, item, q.request_id, q.tenant, q.job_id, q.priority,
                 request_to_json(q).dump(), rec.accepted ? 1 : 0, rec.reason, rec.message,
                 rec.packet_flows_json, rec.created.since_epoch_ns());
    if (!r) return unexpected(explain(db, std::move(r).error(), item(), /*request_row=*/true));
  }
  for (const auto& c : batch.circuits)
    if (auto r = write_circuit(c); !r) return r;
  for (const auto& rec : batch.requests)
    if (auto r = write_links(db, rec); !r) return r;
  if (batch.events.empty()) return true;

  auto last = db.cached(kLastSequence);
  if (!last) return unexpected(std::move(last).error());
  (*last)->reset();
  auto row = (*last)->step();
  if (!row) return unexpected(std::move(row).error());
  std::uint64_t high = *row ? static_cast<std::uint64_t>((*last)->int64(0)) : 0;
  (*last)->reset();
  for (const auto& ev : batch.events) {
    if (ev.sequence <= high ||
        ev.sequence > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return unexpected(Error{
          "STORE_EVENT_SEQUENCE",
          fmt::format("store '{}': event {} does not follow {}: sequences must strictly increase",
                      path_, ev.sequence, high)});
    high = ev.sequence;
    if (auto r = write_event(ev); !r) return r;
  }
  return run(
      db, kSetLastSequence, [] { return std::string("event counter"); },
      static_cast<std::int64_t>(high));
}

Result<Snapshot> SqliteStore::load() const {
  std::lock_guard lock(mu_);
  // One read transaction: every query sees the same committed state.
  auto tx = Transaction::begin(*db_, Transaction::Kind::kRead);
  if (!tx) return unexpected(std::move(tx).error());
  Snapshot snap;
  auto requests = read_requests(*db_, nullptr);
  if (!requests) return unexpected(std::move(requests).error());
  snap.requests = std::move(*requests);
  auto circuits = read_circuits(*db_, CircuitSelection::kNotReleased, CircuitId());
  if (!circuits) return unexpected(std::move(circuits).error());
  snap.circuits = std::move(*circuits);
  auto last = db_->query_int(kLastSequence);
  if (!last) return unexpected(std::move(last).error());
  snap.last_event_sequence = static_cast<std::uint64_t>(*last);
  auto max_id = db_->query_int("SELECT MAX(id) FROM circuits");
  if (!max_id) return unexpected(std::move(max_id).error());
  snap.next_circuit_id = static_cast<std::uint32_t>(*max_id + 1);
  if (auto r = tx->commit(); !r) return unexpected(std::move(r).error());
  return snap;
}

Result<std::optional<core::RequestRecord>> SqliteStore::find_request(
    const std::string& request_id) const {
  std::lock_guard lock(mu_);
  auto tx = Transaction::begin(*db_, Transaction::Kind::kRead);
  if (!tx) return unexpected(std::move(tx).error());
  auto found = read_requests(*db_, &request_id);
  if (!found) return unexpected(std::move(found).error());
  if (auto r = tx->commit(); !r) return unexpected(std::move(r).error());
  if (found->empty()) return std::optional<core::RequestRecord>();
  return std::optional<core::RequestRecord>(std::move(found->front()));
}

Result<std::optional<core::CircuitRecord>> SqliteStore::find_circuit(CircuitId id) const {
  std::lock_guard lock(mu_);
  auto tx = Transaction::begin(*db_, Transaction::Kind::kRead);
  if (!tx) return unexpected(std::move(tx).error());
  auto found = read_circuits(*db_, CircuitSelection::kOne, id);
  if (!found) return unexpected(std::move(found).error());
  if (auto r = tx->commit(); !r) return unexpected(std::move(r).error());
  if (found->empty()) return std::optional<core::CircuitRecord>();
  return std::optional<core::CircuitRecord>(std::move(found->front()));
}

Result<std::vector<core::CircuitEvent>> SqliteStore::events_after(std::uint64_t sequence,
                                                                  std::size_t limit) const {
  std::lock_guard lock(mu_);
  // Compact events are joined to their circuits' rows: one read snapshot.
  auto tx = Transaction::begin(*db_, Transaction::Kind::kRead);
  if (!tx) return unexpected(std::move(tx).error());
  auto events = read_events(*db_, sequence, limit);
  if (!events) return events;
  if (auto r = tx->commit(); !r) return unexpected(std::move(r).error());
  return events;
}

Result<std::uint64_t> SqliteStore::first_event_sequence() const {
  std::lock_guard lock(mu_);
  auto v = db_->query_int("SELECT MIN(sequence) FROM events");
  if (!v) return unexpected(std::move(v).error());
  return static_cast<std::uint64_t>(*v);
}

Result<std::size_t> SqliteStore::trim_events(std::size_t keep) {
  std::lock_guard lock(mu_);
  auto tx = Transaction::begin(*db_, Transaction::Kind::kWrite);
  if (!tx) return unexpected(std::move(tx).error());
  // The newest `keep` stay; with fewer stored, the subquery is NULL and
  // nothing matches. The counter is untouched, so sequences never go back.
  auto r = run(
      *db_,
      "DELETE FROM events WHERE sequence <= (SELECT sequence FROM events "
      "ORDER BY sequence DESC LIMIT 1 OFFSET ?)",
      [] { return std::string("trimming events"); }, static_cast<std::int64_t>(keep));
  if (!r) return unexpected(std::move(r).error());
  auto dropped = db_->query_int("SELECT changes()");
  if (!dropped) return unexpected(std::move(dropped).error());
  if (auto c = tx->commit(); !c) return unexpected(std::move(c).error());
  return static_cast<std::size_t>(*dropped);
}

Result<bool> SqliteStore::integrity_check() const {
  std::lock_guard lock(mu_);
  auto st = db_->prepare("PRAGMA integrity_check");
  if (!st) return unexpected(std::move(st).error());
  std::string problems;
  for (;;) {
    auto row = st->step();
    if (!row) return unexpected(std::move(row).error());
    if (!*row) break;
    const std::string line = st->text(0);
    if (line != "ok") problems += (problems.empty() ? "" : "; ") + line;
  }
  if (!problems.empty())
    return unexpected(
        Error{"STORE_CORRUPT", fmt::format("store '{}': integrity check: {}", path_, problems)});
  return true;
}

}  // namespace lightpath::store
