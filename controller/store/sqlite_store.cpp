#include "controller/store/sqlite_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <unordered_set>

#include "controller/store/record_json.h"
#include "controller/store/row_text.h"
#include "controller/store/schema.h"
#include "controller/store/sqlite_db.h"
#include "controller/store/store_rows.h"

namespace lightpath::store {
namespace {

constexpr const char* kInsertRequest =
    "INSERT INTO requests (request_id, tenant, job_id, priority, body, accepted, reason, "
    "message, packet_flows_json, created_ns, circuit_ids, preempted_ids) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kCircuitExists = "SELECT 1 FROM circuits WHERE id = ?";
// A circuit not yet stored; DO NOTHING (changes() == 0) tells that it is.
constexpr const char* kInsertNewCircuit =
    "INSERT INTO circuits (id, request_id, job_id, tenant, priority, state, reason, a_port, "
    "b_port, bandwidth_bps, latency_max_ns, min_margin_db, lease_end_ns, created_ns, updated_ns, "
    "hops, wavelengths) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (id) DO NOTHING";
// A stored circuit whose fixed fields are unchanged: only what moves.
constexpr const char* kUpdateCircuitState =
    "UPDATE circuits SET state = ?, reason = ?, lease_end_ns = ?, updated_ns = ? WHERE id = ?";
// A stored circuit rewritten with other fixed fields (a restoration's new path).
constexpr const char* kRewriteCircuit =
    "UPDATE circuits SET request_id = ?, job_id = ?, tenant = ?, priority = ?, state = ?, "
    "reason = ?, a_port = ?, b_port = ?, bandwidth_bps = ?, latency_max_ns = ?, "
    "min_margin_db = ?, lease_end_ns = ?, created_ns = ?, updated_ns = ?, hops = ?, "
    "wavelengths = ?, version = ? WHERE id = ?";
constexpr const char* kKeepVersion =
    "INSERT OR REPLACE INTO circuit_history (circuit_id, version, record) VALUES (?, ?, ?)";
constexpr const char* kSetHighWater =
    "UPDATE counters SET value = ? WHERE name = 'last_event_sequence'";
constexpr const char* kInsertEvents =
    "INSERT INTO event_log (last_sequence, first_sequence, events) VALUES (?, ?, ?)";

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

// Constraint failures get a sentence about the item instead of SQLite's.
Error explain(Database& db, Error e, const std::string& item, bool request_row = false) {
  const int code = db.extended_code();
  // Schema 5 keys requests by a unique index, earlier ones by the primary key.
  if ((code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) && request_row)
    return Error{"STORE_DUPLICATE_REQUEST",
                 fmt::format("store '{}': {} is already stored", db.path(), item)};
  if (code == SQLITE_CONSTRAINT_FOREIGNKEY)
    return Error{"STORE_CONSTRAINT",
                 fmt::format("store '{}': {} refers to a circuit that is neither stored nor "
                             "in the batch",
                             db.path(), item)};
  return e;
}

// A circuit listing a wavelength twice could not be loaded back as it was.
Result<bool> check_wavelengths(const Database& db, const solver::Circuit& c) {
  for (std::size_t i = 0; i < c.wavelengths.size(); ++i)
    for (std::size_t j = i + 1; j < c.wavelengths.size(); ++j)
      if (c.wavelengths[i] == c.wavelengths[j])
        return unexpected(Error{"STORE_CONSTRAINT",
                                fmt::format("store '{}': circuit {} lists wavelength {} twice",
                                            db.path(), c.id.value(), c.wavelengths[i])});
  return true;
}

Error dangling(const Database& db, const std::string& item) {
  return Error{"STORE_CONSTRAINT",
               fmt::format("store '{}': {} refers to a circuit that is neither stored nor "
                           "in the batch",
                           db.path(), item)};
}

// Lifecycle moves of `n` circuits in one statement: per statement, SQLite's
// fixed cost is most of a narrow UPDATE's.
std::string move_many_sql(int n) {
  std::string sql =
      "UPDATE circuits SET state = v.column2, reason = v.column3, lease_end_ns = v.column4, "
      "updated_ns = v.column5 FROM (VALUES ";
  for (int i = 0; i < n; ++i) sql += i ? ",(?,?,?,?,?)" : "(?,?,?,?,?)";
  return sql + ") AS v WHERE circuits.id = v.column1";
}

// New circuits, `n` per statement; DO NOTHING and changes() tell if one was
// stored after all.
std::string insert_many_sql(int n) {
  std::string sql =
      "INSERT INTO circuits (id, request_id, job_id, tenant, priority, state, reason, a_port, "
      "b_port, bandwidth_bps, latency_max_ns, min_margin_db, lease_end_ns, created_ns, "
      "updated_ns, hops, wavelengths) VALUES ";
  for (int i = 0; i < n; ++i)
    sql += i ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
  return sql + " ON CONFLICT (id) DO NOTHING";
}

std::uint64_t fixed_hash(const std::string& encoded) {
  return std::hash<std::string_view>{}(encoded);
}

}  // namespace

void WriteBatch::append(WriteBatch&& other) {
  for (auto& r : other.requests) requests.push_back(std::move(r));
  for (auto& c : other.circuits) circuits.push_back(std::move(c));
  for (auto& e : other.events) events.push_back(std::move(e));
  for (auto& d : other.drains) drains.push_back(std::move(d));
  for (auto& h : other.holds) holds.push_back(std::move(h));
  drop_events_through = std::max(drop_events_through, other.drop_events_through);
  other = WriteBatch{};
}

SqliteStore::SqliteStore(std::string path, std::unique_ptr<Database> db, int version)
    : path_(std::move(path)), db_(std::move(db)), schema_version_(version) {
  for (std::size_t n = 1; n <= kMovesPerStatement; ++n) {
    move_sql_.push_back(move_many_sql(static_cast<int>(n)));
    insert_sql_.push_back(insert_many_sql(static_cast<int>(n)));
  }
}

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
  std::uint64_t high = high_.value_or(0);
  auto done = [&](Result<bool> r) {
    if (r) {
      for (auto& [id, known] : staged_) {
        known_[id] = known;
        if (max_id_) max_id_ = std::max<std::int64_t>(*max_id_, id);
      }
      // Released circuits rarely move again; forgetting them bounds the
      // memory by the live circuits (a later write looks them up again).
      for (std::uint32_t id : released_) known_.erase(id);
      if (!batch.events.empty()) high_ = high;
    }
    staged_.clear();
    released_.clear();
    return r;
  };
  auto tx = Transaction::begin(*db_, Transaction::Kind::kWrite);
  if (!tx) return unexpected(std::move(tx).error());
  if (auto r = write_batch(batch, high); !r)
    return done(std::move(r));  // tx's destructor rolls back
  if (batch.drop_events_through > 0)
    if (auto r = drop_events(batch.drop_events_through, high); !r) return done(std::move(r));
  return done(tx->commit());
}

Result<bool> SqliteStore::drop_events(std::uint64_t through, std::uint64_t high) {
  auto what = [] { return std::string("dropping old events"); };
  if (high == 0) {
    auto h = read_high_water(*db_);
    if (!h) return unexpected(std::move(h).error());
    high = *h;
  }
  // The mark goes to the counter first, so that a log emptied by the cut
  // still never lets a sequence number be issued twice.
  if (auto r = run(*db_, kSetHighWater, what, static_cast<std::int64_t>(high)); !r) return r;
  return run(*db_, "DELETE FROM event_log WHERE last_sequence <= ?", what,
             static_cast<std::int64_t>(through));
}

Result<const SqliteStore::Known*> SqliteStore::stored_known(std::uint32_t id) {
  if (auto it = staged_.find(id); it != staged_.end()) return &it->second;
  if (auto it = known_.find(id); it != known_.end()) return &it->second;
  auto found = read_circuit_rows(*db_, CircuitSelection::kOne, CircuitId(id));
  if (!found) return unexpected(std::move(found).error());
  if (found->empty()) return nullptr;
  encode_fixed(found->front().record, scratch_);
  return &staged_.insert_or_assign(id, Known{fixed_hash(scratch_), found->front().version})
              .first->second;
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
  const std::uint64_t hash = fixed_hash(scratch_);
  auto path_text = [&] {
    hops_.clear();
    append_hops(hops_, c.hops);
    waves_.clear();
    append_numbers(waves_, c.wavelengths);
  };

  const Known* stored = nullptr;
  if (auto it = staged_.find(id32); it != staged_.end())
    stored = &it->second;
  else if (auto jt = known_.find(id32); jt != known_.end())
    stored = &jt->second;
  if (!stored) {
    // Unknown to this store object: most likely new. One statement inserts
    // it, or does nothing if it is stored after all.
    if (auto ok = check_wavelengths(db, c); !ok) return ok;
    path_text();
    auto r = run(db, kInsertNewCircuit, item, id, c.request_id, rec.job_id, rec.tenant, c.priority,
                 core::to_string(rec.state), rec.reason, std::int64_t{c.a.value()},
                 std::int64_t{c.b.value()}, c.bandwidth.bits_per_second(),
                 ns_or_null(c.latency_max), c.min_margin.value(), ns_or_null(rec.lease_end),
                 rec.created.since_epoch_ns(), rec.updated.since_epoch_ns(), hops_, waves_);
    if (!r) return unexpected(explain(db, std::move(r).error(), item()));
    if (db.changes() == 1) {
      staged_.insert_or_assign(id32, Known{hash, 0});
      return true;
    }
    auto s = stored_known(id32);  // stored by an earlier run of lightpathd
    if (!s) return unexpected(std::move(s).error());
    stored = *s;
    if (!stored)
      return unexpected(Error{"STORE_CORRUPT", fmt::format("store '{}': circuit {} is neither "
                                                           "stored nor insertable",
                                                           path_, id)});
  }

  if (stored->fixed_hash == hash) {
    auto r = run(db, kUpdateCircuitState, item, core::to_string(rec.state), rec.reason,
                 ns_or_null(rec.lease_end), rec.updated.since_epoch_ns(), id);
    if (!r) return unexpected(explain(db, std::move(r).error(), item()));
    if (db.changes() == 1) return true;
    // The row is gone (changed behind our back): forget what we knew and
    // write it in full.
    staged_.erase(id32);
    known_.erase(id32);
    return write_circuit(rec);
  }

  // Fixed fields change: the version events so far describe is kept, so
  // they still read back as they were; then the circuit is rewritten.
  if (auto ok = check_wavelengths(db, c); !ok) return ok;
  auto old = read_circuit_rows(db, CircuitSelection::kOne, c.id);
  if (!old) return unexpected(std::move(old).error());
  if (old->empty()) return unexpected(Error{"STORE_CORRUPT", path_ + ": " + item() + " vanished"});
  const std::int64_t version = old->front().version;
  auto kept =
      run(db, kKeepVersion, item, id, version, circuit_record_to_json(old->front().record).dump());
  if (!kept) return kept;
  path_text();
  auto r = run(db, kRewriteCircuit, item, c.request_id, rec.job_id, rec.tenant, c.priority,
               core::to_string(rec.state), rec.reason, std::int64_t{c.a.value()},
               std::int64_t{c.b.value()}, c.bandwidth.bits_per_second(), ns_or_null(c.latency_max),
               c.min_margin.value(), ns_or_null(rec.lease_end), rec.created.since_epoch_ns(),
               rec.updated.since_epoch_ns(), hops_, waves_, version + 1, id);
  if (!r) return unexpected(explain(db, std::move(r).error(), item()));
  staged_.insert_or_assign(id32, Known{hash, version + 1});
  return true;
}

Result<bool> SqliteStore::check_circuits_stored(const core::RequestRecord& rec) {
  for (const char* role : {"allocated", "preempted"}) {
    const auto& ids = std::string_view(role) == "allocated" ? rec.circuits : rec.preempted;
    for (CircuitId cid : ids) {
      if (staged_.count(cid.value()) || known_.count(cid.value())) continue;
      auto st = db_->cached(kCircuitExists);
      if (!st) return unexpected(std::move(st).error());
      (*st)->bind_all(std::int64_t{cid.value()});
      auto row = (*st)->step();
      (*st)->reset();
      if (!row) return unexpected(std::move(row).error());
      if (!*row)
        return unexpected(dangling(*db_, fmt::format("request '{}' ({} circuit {})",
                                                     rec.request.request_id, role, cid.value())));
    }
  }
  return true;
}

Result<bool> SqliteStore::write_events(const std::vector<core::CircuitEvent>& events,
                                       std::uint64_t& high) {
  lines_.clear();
  const std::uint64_t first = events.front().sequence;
  for (const auto& ev : events) {
    if (ev.sequence <= high ||
        ev.sequence > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return unexpected(Error{
          "STORE_EVENT_SEQUENCE",
          fmt::format("store '{}': event {} does not follow {}: sequences must strictly increase",
                      path_, ev.sequence, high)});
    high = ev.sequence;
    const core::CircuitRecord& rec = ev.circuit;
    // Compact when the event's circuit has a stored version's fixed fields.
    const Known* known = nullptr;
    if (rec.circuit.id.valid() && rec.circuit.id.value() != 0) {
      auto k = stored_known(rec.circuit.id.value());
      if (!k) return unexpected(std::move(k).error());
      known = *k;
    }
    if (!known)
      return unexpected(dangling(
          *db_, fmt::format("event {} (circuit {})", ev.sequence, rec.circuit.id.value())));
    encode_fixed(rec, scratch_);
    if (known->fixed_hash == fixed_hash(scratch_))
      append_event_line(lines_, ev, known->version, {});
    else
      append_event_line(lines_, ev, std::nullopt, circuit_record_to_json(rec).dump());
  }
  return run(
      *db_, kInsertEvents, [&] { return fmt::format("events {}..{}", first, high); },
      static_cast<std::int64_t>(high), static_cast<std::int64_t>(first), lines_);
}

Result<bool> SqliteStore::write_moves(std::vector<const core::CircuitRecord*>& moves) {
  for (std::size_t from = 0; from < moves.size(); from += kMovesPerStatement) {
    const std::size_t n = std::min(kMovesPerStatement, moves.size() - from);
    auto st = db_->cached(move_sql_[n - 1].c_str());
    if (!st) return unexpected(std::move(st).error());
    Statement& q = **st;
    q.reset();
    int at = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      const core::CircuitRecord& rec = *moves[i];
      q.bind(++at, std::int64_t{rec.circuit.id.value()});
      q.bind(++at, core::to_string(rec.state));
      q.bind(++at, rec.reason);
      q.bind(++at, ns_or_null(rec.lease_end));
      q.bind(++at, rec.updated.since_epoch_ns());
    }
    if (auto r = q.run(); !r) return r;
    if (db_->changes() == static_cast<std::int64_t>(n)) continue;
    // Some row is gone (changed behind our back): one at a time, which
    // writes a missing circuit in full.
    for (std::size_t i = from; i < from + n; ++i)
      if (auto r = write_circuit(*moves[i]); !r) return r;
  }
  moves.clear();
  return true;
}

Result<bool> SqliteStore::write_inserts(std::vector<const core::CircuitRecord*>& fresh) {
  for (std::size_t from = 0; from < fresh.size(); from += kMovesPerStatement) {
    const std::size_t n = std::min(kMovesPerStatement, fresh.size() - from);
    for (std::size_t i = from; i < from + n; ++i)
      if (auto ok = check_wavelengths(*db_, fresh[i]->circuit); !ok) return ok;
    auto st = db_->cached(insert_sql_[n - 1].c_str());
    if (!st) return unexpected(std::move(st).error());
    Statement& q = **st;
    q.reset();
    int at = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      const core::CircuitRecord& rec = *fresh[i];
      const solver::Circuit& c = rec.circuit;
      hops_.clear();
      append_hops(hops_, c.hops);
      waves_.clear();
      append_numbers(waves_, c.wavelengths);
      q.bind(++at, std::int64_t{c.id.value()});
      q.bind(++at, c.request_id);
      q.bind(++at, rec.job_id);
      q.bind(++at, rec.tenant);
      q.bind(++at, c.priority);
      q.bind(++at, core::to_string(rec.state));
      q.bind(++at, rec.reason);
      q.bind(++at, std::int64_t{c.a.value()});
      q.bind(++at, std::int64_t{c.b.value()});
      q.bind(++at, c.bandwidth.bits_per_second());
      q.bind(++at, ns_or_null(c.latency_max));
      q.bind(++at, c.min_margin.value());
      q.bind(++at, ns_or_null(rec.lease_end));
      q.bind(++at, rec.created.since_epoch_ns());
      q.bind(++at, rec.updated.since_epoch_ns());
      q.bind(++at, hops_);  // copied by the bind
      q.bind(++at, waves_);
    }
    if (auto r = q.run(); !r) return r;
    if (db_->changes() == static_cast<std::int64_t>(n)) {
      for (std::size_t i = from; i < from + n; ++i) {
        encode_fixed(*fresh[i], scratch_);
        staged_.insert_or_assign(fresh[i]->circuit.id.value(), Known{fixed_hash(scratch_), 0});
      }
      continue;
    }
    // Some were stored after all: one at a time, which tells which.
    for (std::size_t i = from; i < from + n; ++i)
      if (auto r = write_circuit(*fresh[i]); !r) return r;
  }
  fresh.clear();
  return true;
}

Result<bool> SqliteStore::write_circuits(const std::vector<core::CircuitRecord>& circuits) {
  // Moves of known circuits and circuits newer than any stored are gathered;
  // anything else (a rewrite, an unknown older circuit, a second write of
  // one circuit) first sends what was gathered, so the batch's order holds.
  std::vector<const core::CircuitRecord*> moves, fresh;
  std::unordered_set<std::uint32_t> gathered;
  auto send = [&]() -> Result<bool> {
    gathered.clear();
    if (auto r = write_inserts(fresh); !r) return r;
    return write_moves(moves);
  };
  if (!max_id_) {
    auto m = db_->query_int("SELECT COALESCE(MAX(id), 0) FROM circuits");
    if (!m) return unexpected(std::move(m).error());
    max_id_ = *m;
  }
  for (const auto& c : circuits) {
    const std::uint32_t id = c.circuit.id.value();
    if (!gathered.count(id) && id != 0) {
      const Known* known = nullptr;
      if (auto it = staged_.find(id); it != staged_.end())
        known = &it->second;
      else if (auto jt = known_.find(id); jt != known_.end())
        known = &jt->second;
      if (!known && id > *max_id_) {
        fresh.push_back(&c);
        gathered.insert(id);
        if (c.state == core::CircuitState::kReleased) released_.push_back(id);
        continue;
      }
      if (known) {
        encode_fixed(c, scratch_);
        if (known->fixed_hash == fixed_hash(scratch_)) {
          moves.push_back(&c);
          gathered.insert(id);
          if (c.state == core::CircuitState::kReleased) released_.push_back(id);
          continue;
        }
      }
    }
    if (auto r = send(); !r) return r;
    if (auto r = write_circuit(c); !r) return r;
  }
  return send();
}

Result<bool> SqliteStore::write_batch(const WriteBatch& batch, std::uint64_t& high) {
  Database& db = *db_;
  if (auto r = write_circuits(batch.circuits); !r) return r;
  for (const auto& rec : batch.requests) {
    const solver::CircuitRequest& q = rec.request;
    auto item = [&] { return fmt::format("request '{}'", q.request_id); };
    if (q.request_id.empty())
      return unexpected(
          Error{"STORE_INVALID", fmt::format("store '{}': a request without a request_id", path_)});
    if (auto ok = check_circuits_stored(rec); !ok) return ok;
    hops_.clear();
    append_numbers(hops_, rec.circuits);
    waves_.clear();
    append_numbers(waves_, rec.preempted);
    auto r = run(db, kInsertRequest, item, q.request_id, q.tenant, q.job_id, q.priority,
                 request_to_json(q).dump(), rec.accepted ? 1 : 0, rec.reason, rec.message,
                 rec.packet_flows_json, rec.created.since_epoch_ns(), hops_, waves_);
    if (!r) return unexpected(explain(db, std::move(r).error(), item(), /*request_row=*/true));
  }
  if (auto r = write_drains(batch.drains); !r) return r;
  if (auto r = write_holds(batch.holds); !r) return r;
  if (batch.events.empty()) return true;
  if (!high_) {
    auto h = read_high_water(db);
    if (!h) return unexpected(std::move(h).error());
    high_ = *h;
  }
  high = *high_;
  return write_events(batch.events, high);
}

Result<std::size_t> SqliteStore::trim_events(std::size_t keep) {
  std::lock_guard lock(mu_);
  auto tx = Transaction::begin(*db_, Transaction::Kind::kWrite);
  if (!tx) return unexpected(std::move(tx).error());
  // The high-water mark goes to the counter first, so that trimming
  // everything never lets a sequence number be issued twice.
  auto high = read_high_water(*db_);
  if (!high) return unexpected(std::move(high).error());
  auto what = [] { return std::string("trimming events"); };
  if (auto r = run(*db_, kSetHighWater, what, static_cast<std::int64_t>(*high)); !r)
    return unexpected(std::move(r).error());
  auto cut = plan_trim(*db_, keep);
  if (!cut) return unexpected(std::move(cut).error());
  if (cut->boundary > 0) {
    if (cut->rewritten.empty()) {
      if (auto r = run(*db_, "DELETE FROM event_log WHERE last_sequence <= ?", what, cut->boundary);
          !r)
        return unexpected(std::move(r).error());
    } else {
      if (auto r = run(*db_, "DELETE FROM event_log WHERE last_sequence < ?", what, cut->boundary);
          !r)
        return unexpected(std::move(r).error());
      if (auto r = run(*db_,
                       "UPDATE event_log SET first_sequence = ?, events = ? "
                       "WHERE last_sequence = ?",
                       what, cut->first_kept, cut->rewritten, cut->boundary);
          !r)
        return unexpected(std::move(r).error());
    }
  }
  if (auto c = tx->commit(); !c) return unexpected(std::move(c).error());
  return cut->dropped;
}

}  // namespace lightpath::store
