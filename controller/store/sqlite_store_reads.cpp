// The store's read side: loading the desired state at start, single
// lookups, the watch stream's replay and the integrity check. Each read runs
// in one read transaction, so it sees one committed state.
#include <fmt/format.h>

#include "controller/store/sqlite_db.h"
#include "controller/store/sqlite_store.h"
#include "controller/store/store_rows.h"

namespace lightpath::store {

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
  auto last = read_high_water(*db_);
  if (!last) return unexpected(std::move(last).error());
  snap.last_event_sequence = *last;
  auto max_id = db_->query_int("SELECT MAX(id) FROM circuits");
  if (!max_id) return unexpected(std::move(max_id).error());
  snap.next_circuit_id = static_cast<std::uint32_t>(*max_id + 1);
  auto drains =
      db_->prepare("SELECT switch_name, port, drained_ns FROM drains ORDER BY switch_name, port");
  if (!drains) return unexpected(std::move(drains).error());
  for (;;) {
    auto row = drains->step();
    if (!row) return unexpected(std::move(row).error());
    if (!*row) break;
    snap.drains.push_back(
        {drains->text(0), static_cast<int>(drains->int64(1)), true, drains->int64(2)});
  }
  auto holds =
      db_->prepare("SELECT switch_name, port, until_ns FROM port_holds ORDER BY switch_name, port");
  if (!holds) return unexpected(std::move(holds).error());
  for (;;) {
    auto row = holds->step();
    if (!row) return unexpected(std::move(row).error());
    if (!*row) break;
    snap.holds.push_back({holds->text(0), static_cast<int>(holds->int64(1)), holds->int64(2)});
  }
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
  // Commits are keyed by their last sequence, so the oldest is the first row.
  auto v = db_->query_int("SELECT first_sequence FROM event_log ORDER BY last_sequence LIMIT 1");
  if (!v) return unexpected(std::move(v).error());
  return static_cast<std::uint64_t>(*v);
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
