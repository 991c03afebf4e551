#pragma once
// The text forms of schema 4's packed columns (docs/store.md): a circuit's
// hops and wavelengths, a request's circuit ids, and the event log's lines.
// Plain text so that a migration can build them in SQL and a person can read
// them with the sqlite3 shell; one row per circuit or per commit instead of
// one row per item is what makes a commit cheap.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/core/records.h"

namespace lightpath::store {

// "switch:in:out,switch:in:out" in path order; "" for no hops.
void append_hops(std::string& out, const std::vector<solver::Hop>& hops);
std::optional<std::vector<solver::Hop>> parse_hops(std::string_view text);

// "1,2,3"; "" for none. Used for wavelengths and circuit ids.
template <class T>
void append_numbers(std::string& out, const std::vector<T>& values);
std::optional<std::vector<std::int64_t>> parse_numbers(std::string_view text);

// One event of the log, as stored: the circuit's changing fields, and either
// the circuit version whose fixed fields it shares (compact) or the whole
// record as JSON.
struct EventLine {
  std::uint64_t sequence = 0;
  std::int64_t at_ns = 0;
  std::uint32_t circuit_id = 0;
  std::optional<std::int64_t> version;  // compact: the circuit's fixed fields of this version
  std::string previous, state, reason;
  std::optional<std::int64_t> lease_end_ns;
  std::int64_t updated_ns = 0;
  std::string snapshot;  // JSON when not compact
};

// Tab-separated fields, one event per line; the reason is escaped (\\, \t,
// \n) and the JSON snapshot never holds a raw tab or newline.
void append_event_line(std::string& out, const core::CircuitEvent& ev,
                       std::optional<std::int64_t> version, const std::string& snapshot);
// Every line of a stored block, in order; nullopt if one is malformed.
std::optional<std::vector<EventLine>> parse_event_lines(std::string_view block);

}  // namespace lightpath::store
