#pragma once
// lightpathd's desired state on disk (docs/store.md): requests and their
// answers, circuits with their cross-connects and wavelengths, leases, and
// the event log the watch stream replays. One SQLite file in WAL mode.
//
// A WriteBatch is one group commit: the writes of every request that shares
// it land in one transaction, all or none. The controller acknowledges a
// request only after commit() returns true; with durable = true that means
// the WAL is on stable storage, so neither kill -9 nor power loss loses it.
//
// Thread-safe: every call takes the store's mutex, so calls serialize.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "controller/core/records.h"
#include "lightpath/result.h"

namespace lightpath::store {

class Database;

struct StoreOptions {
  // true: synchronous=FULL, every commit fsyncs the WAL (survives power loss).
  // false: synchronous=NORMAL, survives a process crash but may lose the last
  // commits on power loss; for tests and simulations only.
  bool durable = true;
  int busy_timeout_ms = 5000;  // waiting for another connection's write lock
};

// An operator's drain of a switch or of one of its ports (or its end), kept
// by name: a name means the same switch across topology edits, an id may not.
struct SwitchDrain {
  std::string switch_name;
  int port = -1;  // -1: the whole switch
  bool drained = false;
  std::int64_t at_ns = 0;  // when it was asked, Unix epoch
};

// A port held out of service until `until_ns` (Unix epoch) after its
// dark-port alarm cleared (ControllerOptions::dark_port_hold).
struct PortHold {
  std::string switch_name;
  int port = 0;
  std::int64_t until_ns = 0;
};

struct WriteBatch {
  // Inserted; a request_id already stored (or twice in the batch) fails the batch.
  std::vector<core::RequestRecord> requests;
  // Upserted by circuit id, with their hops and wavelengths replaced. (A
  // circuit whose fixed fields are unchanged costs one narrow UPDATE.)
  std::vector<core::CircuitRecord> circuits;
  // Appended; sequences must be strictly increasing, above every stored one.
  std::vector<core::CircuitEvent> events;
  // Applied in order, so the last word on a switch or port wins. Draining a
  // drained one keeps the time of the first drain.
  std::vector<SwitchDrain> drains;
  // Upserted by switch and port: a later hold of a port replaces its row.
  std::vector<PortHold> holds;
  // Then, in the same transaction, the stored commits whose events all have
  // sequences at or below this leave the log (0: none). The log's retention:
  // cheap, as whole rows go by key, and the commit that straddles the cut stays.
  std::uint64_t drop_events_through = 0;

  bool empty() const {
    return requests.empty() && circuits.empty() && events.empty() && drains.empty() &&
           holds.empty();
  }
  std::size_t size() const {
    return requests.size() + circuits.size() + events.size() + drains.size() + holds.size();
  }
  // Joins another caller's writes into this group commit (theirs go after ours).
  void append(WriteBatch&& other);
};

// Everything needed to resume after a restart.
struct Snapshot {
  std::vector<core::RequestRecord> requests;  // in request_id order
  std::vector<core::CircuitRecord> circuits;  // every circuit not RELEASED, by id
  std::uint64_t last_event_sequence = 0;      // survives trim_events
  std::uint32_t next_circuit_id = 1;          // max id ever stored + 1 (released included)
  std::vector<SwitchDrain> drains;            // by switch name, then port; every one drained
  std::vector<PortHold> holds;                // by switch name, then port; ended ones too
};

class SqliteStore {
 public:
  // Creates the file or migrates it to the latest schema; WAL, foreign keys,
  // busy timeout. Errors name the path: STORE_OPEN_FAILED, STORE_NOT_A_DATABASE,
  // STORE_NOT_A_LIGHTPATH_STORE, STORE_SCHEMA_TOO_NEW, STORE_CORRUPT, STORE_IO.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path,
                                                   StoreOptions options = {});
  ~SqliteStore();
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // One transaction (BEGIN IMMEDIATE ... COMMIT). On any error it rolls back
  // and returns the error naming the offending item; the store is unchanged.
  // Writes circuits, then requests, then events, so a request or event may
  // refer to a circuit of the same batch.
  Result<bool> commit(const WriteBatch& batch);

  Result<Snapshot> load() const;
  // Up to `limit` events with sequence > `sequence`, oldest first.
  Result<std::vector<core::CircuitEvent>> events_after(std::uint64_t sequence,
                                                       std::size_t limit) const;
  Result<std::optional<core::RequestRecord>> find_request(const std::string& request_id) const;
  // Every circuit ever stored with this id, RELEASED included.
  Result<std::optional<core::CircuitRecord>> find_circuit(CircuitId id) const;
  // The oldest event still stored (0 if none): a watcher asking for events
  // after an older sequence has missed some and must resynchronize.
  Result<std::uint64_t> first_event_sequence() const;
  // Drops all but the newest `keep` events; returns how many were dropped.
  Result<std::size_t> trim_events(std::size_t keep);
  // PRAGMA integrity_check; the error lists what SQLite found.
  Result<bool> integrity_check() const;

  int schema_version() const { return schema_version_; }
  const std::string& path() const { return path_; }

 private:
  SqliteStore(std::string path, std::unique_ptr<Database> db, int version);
  // What the store knows of a stored circuit: a hash of its fixed fields'
  // encoding (store_rows.h) and the version number of those fields.
  struct Known {
    std::uint64_t fixed_hash = 0;
    std::int64_t version = 0;
  };
  // `high` is the log's high-water mark, moved by the batch's events.
  Result<bool> write_batch(const WriteBatch& batch, std::uint64_t& high);
  Result<bool> drop_events(std::uint64_t through, std::uint64_t high);
  Result<bool> write_circuits(const std::vector<core::CircuitRecord>& circuits);
  Result<bool> write_circuit(const core::CircuitRecord& rec);
  // Lifecycle moves of known circuits, several per statement; empties `moves`.
  Result<bool> write_moves(std::vector<const core::CircuitRecord*>& moves);
  // Circuits newer than any stored, several per statement; empties `fresh`.
  Result<bool> write_inserts(std::vector<const core::CircuitRecord*>& fresh);
  Result<bool> check_circuits_stored(const core::RequestRecord& rec);
  Result<bool> write_events(const std::vector<core::CircuitEvent>& events, std::uint64_t& high);
  Result<bool> write_drains(const std::vector<SwitchDrain>& drains);
  Result<bool> write_holds(const std::vector<PortHold>& holds);
  // The circuit as stored, from memory or the database; nullptr if it is not stored.
  Result<const Known*> stored_known(std::uint32_t id);

  std::string path_;
  std::unique_ptr<Database> db_;
  int schema_version_ = 0;
  mutable std::mutex mu_;
  // Circuit id -> its fixed fields (everything but state, reason, lease end
  // and update time) as committed, for circuits this store wrote or looked
  // up, released ones excepted. It lets an unchanged circuit be updated in
  // place and its events be stored compact. A 64-bit hash rather than the
  // encoding keeps this small at 100,000 live circuits. The store assumes it
  // is the only writer of circuits (another process may read).
  std::unordered_map<std::uint32_t, Known> known_;
  // The batch in progress: entries become known_ only once COMMIT succeeded.
  std::unordered_map<std::uint32_t, Known> staged_;
  std::vector<std::uint32_t> released_;
  // The event log's high-water mark as committed, once read.
  std::optional<std::uint64_t> high_;
  std::string scratch_, hops_, waves_, lines_;
  static constexpr std::size_t kMovesPerStatement = 16;
  std::vector<std::string> move_sql_;    // [n - 1]: the statement moving n circuits
  std::vector<std::string> insert_sql_;  // [n - 1]: the statement inserting n circuits
  // The highest circuit id committed, once read: a circuit above it is new.
  std::optional<std::int64_t> max_id_;
};

}  // namespace lightpath::store
