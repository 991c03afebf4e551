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
constexpr const char* kUpsertCircuit =
    "INSERT INTO circuits (id, request_id, job_id, tenant, priority, state, reason, a_port, "
    "b_port, bandwidth_bps, latency_max_ns, min_margin_db, lease_end_ns, created_ns, updated_ns) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
    "request_id = excluded.request_id, job_id = excluded.job_id, tenant = excluded.tenant, "
    "priority = excluded.priority, state = excluded.state, reason = excluded.reason, "
    "a_port = excluded.a_port, b_port = excluded.b_port, bandwidth_bps = excluded.bandwidth_bps, "
    "latency_max_ns = excluded.latency_max_ns, min_margin_db = excluded.min_margin_db, "
    "lease_end_ns = excluded.lease_end_ns, created_ns = excluded.created_ns, "
    "updated_ns = excluded.updated_ns";
constexpr const char* kDeleteHops = "DELETE FROM circuit_hops WHERE circuit_id = ?";
constexpr const char* kInsertHop =
    "INSERT INTO circuit_hops (circuit_id, idx, switch_id, in_port, out_port) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr const char* kDeleteWavelengths = "DELETE FROM circuit_wavelengths WHERE circuit_id = ?";
constexpr const char* kInsertWavelength =
    "INSERT INTO circuit_wavelengths (circuit_id, idx, wavelength) VALUES (?, ?, ?)";
constexpr const char* kInsertLink =
    "INSERT INTO request_circuits (request_id, role, idx, circuit_id) VALUES (?, ?, ?, ?)";
constexpr const char* kInsertEvent =
    "INSERT INTO events (sequence, at_ns, circuit_id, previous_state, state, snapshot) "
    "VALUES (?, ?, ?, ?, ?, ?)";
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

// Runs a cached statement with `args`, prefixing a failure with `what`.
template <class... A>
Result<bool> run(Database& db, const char* sql, const std::string& what, const A&... args) {
  auto st = db.cached(sql);
  if (!st) return unexpected(std::move(st).error());
  auto r = (*st)->bind_all(args...).run();
  if (r) return r;
  Error e = std::move(r).error();
  e.message = what + ": " + e.message;
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

Result<bool> write_circuit(Database& db, const core::CircuitRecord& rec) {
  const solver::Circuit& c = rec.circuit;
  const std::string item = fmt::format("circuit {}", c.id.value());
  if (!c.id.valid() || c.id.value() == 0)
    return unexpected(
        Error{"STORE_INVALID", fmt::format("store '{}': a circuit without an id", db.path())});
  const std::int64_t id = c.id.value();
  auto r = run(db, kUpsertCircuit, item, id, c.request_id, rec.job_id, rec.tenant, c.priority,
               core::to_string(rec.state), rec.reason, std::int64_t{c.a.value()},
               std::int64_t{c.b.value()}, c.bandwidth.bits_per_second(), ns_or_null(c.latency_max),
               c.min_margin.value(), ns_or_null(rec.lease_end), rec.created.since_epoch_ns(),
               rec.updated.since_epoch_ns());
  if (!r) return unexpected(explain(db, std::move(r).error(), item));
  if (r = run(db, kDeleteHops, item, id); !r) return r;
  for (std::size_t i = 0; i < c.hops.size(); ++i) {
    const solver::Hop& h = c.hops[i];
    r = run(db, kInsertHop, item + " hop " + std::to_string(i), id, static_cast<std::int64_t>(i),
            std::int64_t{h.optical_switch.value()}, h.in_port, h.out_port);
    if (!r) return r;
  }
  if (r = run(db, kDeleteWavelengths, item, id); !r) return r;
  for (std::size_t i = 0; i < c.wavelengths.size(); ++i) {
    r = run(db, kInsertWavelength, item + " wavelength " + std::to_string(c.wavelengths[i]), id,
            static_cast<std::int64_t>(i), c.wavelengths[i]);
    if (!r) return r;
  }
  return true;
}

Result<bool> write_links(Database& db, const core::RequestRecord& rec) {
  const std::string& rid = rec.request.request_id;
  for (const char* role : {"allocated", "preempted"}) {
    const auto& ids = std::string_view(role) == "allocated" ? rec.circuits : rec.preempted;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const std::string item =
          fmt::format("request '{}' ({} circuit {})", rid, role, ids[i].value());
      auto r = run(db, kInsertLink, item, rid, role, static_cast<std::int64_t>(i),
                   std::int64_t{ids[i].value()});
      if (!r) return unexpected(explain(db, std::move(r).error(), item));
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
  auto version = migrate(d, now_ns());
  if (!version) return unexpected(std::move(version).error());
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, std::move(*db), *version));
}

Result<bool> SqliteStore::commit(const WriteBatch& batch) {
  if (batch.empty()) return true;
  std::lock_guard lock(mu_);
  auto tx = Transaction::begin(*db_, Transaction::Kind::kWrite);
  if (!tx) return unexpected(std::move(tx).error());
  if (auto r = write_batch(batch); !r) return r;  // tx's destructor rolls back
  return tx->commit();
}

Result<bool> SqliteStore::write_batch(const WriteBatch& batch) {
  Database& db = *db_;
  for (const auto& rec : batch.requests) {
    const solver::CircuitRequest& q = rec.request;
    const std::string item = fmt::format("request '{}'", q.request_id);
    if (q.request_id.empty())
      return unexpected(
          Error{"STORE_INVALID", fmt::format("store '{}': a request without a request_id", path_)});
    auto r = run(db, kInsertRequest, item, q.request_id, q.tenant, q.job_id, q.priority,
                 request_to_json(q).dump(), rec.accepted ? 1 : 0, rec.reason, rec.message,
                 rec.packet_flows_json, rec.created.since_epoch_ns());
    if (!r) return unexpected(explain(db, std::move(r).error(), item, /*request_row=*/true));
  }
  for (const auto& c : batch.circuits)
    if (auto r = write_circuit(db, c); !r) return r;
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
    const std::string item = fmt::format("event {}", ev.sequence);
    if (ev.sequence <= high ||
        ev.sequence > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return unexpected(
          Error{"STORE_EVENT_SEQUENCE",
                fmt::format("store '{}': {} does not follow {}: sequences must strictly increase",
                            path_, item, high)});
    high = ev.sequence;
    auto r =
        run(db, kInsertEvent, item, static_cast<std::int64_t>(ev.sequence), ev.at.since_epoch_ns(),
            std::int64_t{ev.circuit.circuit.id.value()}, core::to_string(ev.previous),
            core::to_string(ev.circuit.state), circuit_record_to_json(ev.circuit).dump());
    if (!r) return unexpected(explain(db, std::move(r).error(), item));
  }
  return run(db, kSetLastSequence, "event counter", static_cast<std::int64_t>(high));
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
  return read_events(*db_, sequence, limit);
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
  auto r = run(*db_,
               "DELETE FROM events WHERE sequence <= (SELECT sequence FROM events "
               "ORDER BY sequence DESC LIMIT 1 OFFSET ?)",
               "trimming events", static_cast<std::int64_t>(keep));
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
