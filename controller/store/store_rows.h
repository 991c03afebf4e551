#pragma once
// Reading records back out of the store's tables. Internal to the store: the
// caller holds the store's mutex and, for multi-query reads, a transaction.

#include <cstdint>
#include <string>
#include <vector>

#include "controller/core/records.h"
#include "controller/store/sqlite_db.h"

namespace lightpath::store {

// Every request, in request_id order; or only `*only` when given.
Result<std::vector<core::RequestRecord>> read_requests(Database& db, const std::string* only);

enum class CircuitSelection { kNotReleased, kOne };
// With hops and wavelengths; `id` is used by kOne.
Result<std::vector<core::CircuitRecord>> read_circuits(Database& db, CircuitSelection which,
                                                       CircuitId id);
// The same, each with the version of its fixed fields (bumped by every rewrite).
struct StoredCircuit {
  core::CircuitRecord record;
  std::int64_t version = 0;
};
Result<std::vector<StoredCircuit>> read_circuit_rows(Database& db, CircuitSelection which,
                                                     CircuitId id);

// Events with sequence > `after`, oldest first. A compact event (no stored
// snapshot) is the record of the circuit version it names with the event's
// state, reason, lease end and update time.
Result<std::vector<core::CircuitEvent>> read_events(Database& db, std::uint64_t after,
                                                    std::size_t limit);

// The highest event sequence ever stored: the log's last, or the counter
// that trimming leaves behind.
Result<std::uint64_t> read_high_water(Database& db);

// What trim_events(keep) removes: every block up to `boundary` (a
// last_sequence), except that when `rewritten` is not empty the boundary
// block stays holding only those lines, the first being `first_kept`.
struct TrimPlan {
  std::int64_t boundary = 0;  // 0: nothing to drop
  std::int64_t first_kept = 0;
  std::string rewritten;
  std::size_t dropped = 0;
};
Result<TrimPlan> plan_trim(Database& db, std::size_t keep);

// Replaces `out` with an exact encoding of the fields of `rec` that do not
// change while a circuit exists: everything but state, reason, lease_end and
// updated. Two records encode equal iff those fields are equal.
void encode_fixed(const core::CircuitRecord& rec, std::string& out);

}  // namespace lightpath::store
