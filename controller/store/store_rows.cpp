#include "controller/store/store_rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <unordered_map>

#include "controller/store/record_json.h"
#include "controller/store/row_text.h"

namespace lightpath::store {
namespace {

constexpr const char* kAllRequests =
    "SELECT request_id, body, accepted, reason, message, packet_flows_json, created_ns, "
    "circuit_ids, preempted_ids FROM requests ORDER BY request_id";
constexpr const char* kOneRequest =
    "SELECT request_id, body, accepted, reason, message, packet_flows_json, created_ns, "
    "circuit_ids, preempted_ids FROM requests WHERE request_id = ?";

// Column order shared by both circuit queries; see circuit_from_row.
constexpr const char* kLiveCircuits =
    "SELECT id, request_id, job_id, tenant, priority, state, reason, a_port, b_port, "
    "bandwidth_bps, latency_max_ns, min_margin_db, lease_end_ns, created_ns, updated_ns, "
    "hops, wavelengths, version FROM circuits WHERE state <> 'RELEASED' ORDER BY id";
constexpr const char* kOneCircuit =
    "SELECT id, request_id, job_id, tenant, priority, state, reason, a_port, b_port, "
    "bandwidth_bps, latency_max_ns, min_margin_db, lease_end_ns, created_ns, updated_ns, "
    "hops, wavelengths, version FROM circuits WHERE id = ?";
constexpr const char* kOldVersion =
    "SELECT record FROM circuit_history WHERE circuit_id = ? AND version = ?";
constexpr const char* kBlocksAfter =
    "SELECT events FROM event_log WHERE last_sequence > ? ORDER BY last_sequence";
constexpr const char* kBlocksNewestFirst =
    "SELECT last_sequence, events FROM event_log ORDER BY last_sequence DESC";

std::int64_t clamp_to_int64(std::uint64_t v) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(std::min(v, kMax));
}

Error corrupt(const Database& db, const std::string& what) {
  return Error{"STORE_CORRUPT", fmt::format("store '{}': {}", db.path(), what)};
}

// Steps `st` to the end, calling `row` for each row; `row` may fail.
template <class F>
Result<bool> each_row(Statement& st, F&& row) {
  for (;;) {
    auto r = st.step();
    if (!r) return r;
    if (!*r) break;
    if (auto ok = row(); !ok) {
      st.reset();
      return ok;
    }
  }
  st.reset();
  return true;
}

Result<core::CircuitRecord> circuit_from_row(const Database& db, const Statement& st) {
  core::CircuitRecord rec;
  solver::Circuit& c = rec.circuit;
  c.id = CircuitId(static_cast<std::uint32_t>(st.int64(0)));
  c.request_id = st.text(1);
  rec.job_id = st.text(2);
  rec.tenant = st.text(3);
  c.priority = static_cast<int>(st.int64(4));
  const auto state = core::parse_circuit_state(st.text(5));
  if (!state)
    return unexpected(
        corrupt(db, fmt::format("circuit {}: unknown state '{}'", c.id.value(), st.text(5))));
  rec.state = *state;
  rec.reason = st.text(6);
  c.a = EndpointPortId(static_cast<std::uint32_t>(st.int64(7)));
  c.b = EndpointPortId(static_cast<std::uint32_t>(st.int64(8)));
  c.bandwidth = DataRate::bps(st.int64(9));
  if (!st.is_null(10)) c.latency_max = Duration::ns(st.int64(10));
  c.min_margin = Decibels::db(st.real(11));
  if (!st.is_null(12)) rec.lease_end = TimePoint::from_ns(st.int64(12));
  rec.created = TimePoint::from_ns(st.int64(13));
  rec.updated = TimePoint::from_ns(st.int64(14));
  auto hops = parse_hops(st.text(15));
  auto waves = parse_numbers(st.text(16));
  if (!hops || !waves)
    return unexpected(corrupt(db, fmt::format("circuit {}: unreadable path", c.id.value())));
  c.hops = std::move(*hops);
  for (auto w : *waves) c.wavelengths.push_back(static_cast<int>(w));
  return rec;
}

Result<std::vector<CircuitId>> ids_from(const Database& db, const std::string& request,
                                        const std::string& text) {
  auto numbers = parse_numbers(text);
  if (!numbers)
    return unexpected(corrupt(db, fmt::format("request '{}': unreadable circuit ids", request)));
  std::vector<CircuitId> ids;
  for (auto n : *numbers) ids.emplace_back(static_cast<std::uint32_t>(n));
  return ids;
}

}  // namespace

Result<std::vector<core::RequestRecord>> read_requests(Database& db, const std::string* only) {
  std::vector<core::RequestRecord> out;
  auto st = db.cached(only ? kOneRequest : kAllRequests);
  if (!st) return unexpected(std::move(st).error());
  Statement& q = **st;
  q.reset();
  if (only) q.bind(1, *only);
  auto rows = each_row(q, [&]() -> Result<bool> {
    const std::string id = q.text(0);
    auto body = nlohmann::json::parse(q.text(1), nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded())
      return unexpected(corrupt(db, fmt::format("request '{}': body is not JSON", id)));
    auto request = request_from_json(body);
    if (!request)
      return unexpected(corrupt(db, fmt::format("request '{}': {}", id, request.error().message)));
    core::RequestRecord rec;
    rec.request = std::move(*request);
    rec.request.request_id = id;  // the key column is the truth
    rec.accepted = q.int64(2) != 0;
    rec.reason = q.text(3);
    rec.message = q.text(4);
    rec.packet_flows_json = q.text(5);
    rec.created = TimePoint::from_ns(q.int64(6));
    auto circuits = ids_from(db, id, q.text(7));
    if (!circuits) return unexpected(std::move(circuits).error());
    auto preempted = ids_from(db, id, q.text(8));
    if (!preempted) return unexpected(std::move(preempted).error());
    rec.circuits = std::move(*circuits);
    rec.preempted = std::move(*preempted);
    out.push_back(std::move(rec));
    return true;
  });
  if (!rows) return unexpected(std::move(rows).error());
  return out;
}

Result<std::vector<StoredCircuit>> read_circuit_rows(Database& db, CircuitSelection which,
                                                     CircuitId id) {
  const bool one = which == CircuitSelection::kOne;
  std::vector<StoredCircuit> out;
  auto st = db.cached(one ? kOneCircuit : kLiveCircuits);
  if (!st) return unexpected(std::move(st).error());
  Statement& q = **st;
  q.reset();
  if (one) q.bind(1, std::int64_t{id.value()});
  auto rows = each_row(q, [&]() -> Result<bool> {
    auto rec = circuit_from_row(db, q);
    if (!rec) return unexpected(std::move(rec).error());
    out.push_back({std::move(*rec), q.int64(17)});
    return true;
  });
  if (!rows) return unexpected(std::move(rows).error());
  return out;
}

Result<std::vector<core::CircuitRecord>> read_circuits(Database& db, CircuitSelection which,
                                                       CircuitId id) {
  auto rows = read_circuit_rows(db, which, id);
  if (!rows) return unexpected(std::move(rows).error());
  std::vector<core::CircuitRecord> out;
  out.reserve(rows->size());
  for (auto& r : *rows) out.push_back(std::move(r.record));
  return out;
}

Result<std::uint64_t> read_high_water(Database& db) {
  auto v = db.query_int(
      "SELECT max((SELECT value FROM counters WHERE name = 'last_event_sequence'), "
      "COALESCE((SELECT MAX(last_sequence) FROM event_log), 0))");
  if (!v) return unexpected(std::move(v).error());
  return static_cast<std::uint64_t>(*v);
}

namespace {

// The fixed fields a compact event shares: the circuit's current row, or a
// version kept in circuit_history when the circuit was rewritten since.
Result<core::CircuitRecord> circuit_version(Database& db, const EventLine& line) {
  auto current = read_circuit_rows(db, CircuitSelection::kOne, CircuitId(line.circuit_id));
  if (!current) return unexpected(std::move(current).error());
  if (current->empty())
    return unexpected(corrupt(
        db, fmt::format("event {}: circuit {} is not stored", line.sequence, line.circuit_id)));
  if (current->front().version == *line.version) return std::move(current->front().record);
  auto st = db.cached(kOldVersion);
  if (!st) return unexpected(std::move(st).error());
  Statement& q = **st;
  q.bind_all(std::int64_t{line.circuit_id}, *line.version);
  auto row = q.step();
  if (!row) return unexpected(std::move(row).error());
  std::string json = *row ? q.text(0) : std::string();
  q.reset();
  if (!*row)
    return unexpected(corrupt(db, fmt::format("event {}: circuit {} version {} is not stored",
                                              line.sequence, line.circuit_id, *line.version)));
  auto rec = circuit_record_from_json(nlohmann::json::parse(json, nullptr, false));
  if (!rec)
    return unexpected(
        corrupt(db, fmt::format("event {}: circuit {} version {}: {}", line.sequence,
                                line.circuit_id, *line.version, rec.error().message)));
  return std::move(*rec);
}

Result<core::CircuitEvent> event_from_line(
    Database& db, EventLine& line,
    std::map<std::pair<std::uint32_t, std::int64_t>, core::CircuitRecord>& versions) {
  core::CircuitEvent ev;
  ev.sequence = line.sequence;
  ev.at = TimePoint::from_ns(line.at_ns);
  const auto previous = core::parse_circuit_state(line.previous);
  const auto state = core::parse_circuit_state(line.state);
  if (!previous || !state)
    return unexpected(corrupt(db, fmt::format("event {} is unreadable", ev.sequence)));
  ev.previous = *previous;
  if (line.version) {
    const auto key = std::make_pair(line.circuit_id, *line.version);
    auto it = versions.find(key);
    if (it == versions.end()) {
      auto rec = circuit_version(db, line);
      if (!rec) return unexpected(std::move(rec).error());
      it = versions.emplace(key, std::move(*rec)).first;
    }
    ev.circuit = it->second;
  } else {
    auto snapshot = nlohmann::json::parse(line.snapshot, nullptr, /*allow_exceptions=*/false);
    auto rec = circuit_record_from_json(snapshot);
    if (snapshot.is_discarded() || !rec)
      return unexpected(corrupt(db, fmt::format("event {} is unreadable", ev.sequence)));
    ev.circuit = std::move(*rec);
  }
  ev.circuit.state = *state;
  ev.circuit.reason = std::move(line.reason);
  ev.circuit.lease_end = line.lease_end_ns
                             ? std::optional<TimePoint>(TimePoint::from_ns(*line.lease_end_ns))
                             : std::nullopt;
  ev.circuit.updated = TimePoint::from_ns(line.updated_ns);
  return ev;
}

}  // namespace

Result<std::vector<core::CircuitEvent>> read_events(Database& db, std::uint64_t after,
                                                    std::size_t limit) {
  std::vector<EventLine> lines;
  auto st = db.cached(kBlocksAfter);
  if (!st) return unexpected(std::move(st).error());
  Statement& q = **st;
  q.bind_all(clamp_to_int64(after));
  for (;;) {
    if (lines.size() >= limit) break;
    auto row = q.step();
    if (!row) return unexpected(std::move(row).error());
    if (!*row) break;
    auto block = parse_event_lines(q.text(0));
    if (!block) {
      q.reset();
      return unexpected(corrupt(db, fmt::format("an event block after {} is unreadable", after)));
    }
    for (auto& line : *block)
      if (line.sequence > after && lines.size() < limit) lines.push_back(std::move(line));
  }
  q.reset();
  std::map<std::pair<std::uint32_t, std::int64_t>, core::CircuitRecord> versions;
  std::vector<core::CircuitEvent> out;
  out.reserve(lines.size());
  for (auto& line : lines) {
    auto ev = event_from_line(db, line, versions);
    if (!ev) return unexpected(std::move(ev).error());
    out.push_back(std::move(*ev));
  }
  return out;
}

Result<TrimPlan> plan_trim(Database& db, std::size_t keep) {
  TrimPlan plan;
  auto st = db.cached(kBlocksNewestFirst);
  if (!st) return unexpected(std::move(st).error());
  Statement& q = **st;
  q.reset();
  std::size_t kept = 0;
  for (;;) {
    auto row = q.step();
    if (!row) return unexpected(std::move(row).error());
    if (!*row) break;
    const std::string text = q.text(1);
    const std::size_t n = text.empty() ? 0 : 1 + std::count(text.begin(), text.end(), '\n');
    if (plan.boundary > 0) {  // older than the cut: dropped whole
      plan.dropped += n;
      continue;
    }
    if (kept + n <= keep) {
      kept += n;
      continue;
    }
    // The cut falls in this block: its newest `keep - kept` events stay.
    plan.boundary = q.int64(0);
    const std::size_t stay = keep - kept;
    plan.dropped += n - stay;
    if (stay > 0) {
      std::size_t at = text.size();
      for (std::size_t i = 0; i < stay; ++i) at = text.rfind('\n', at - 1);
      plan.rewritten = text.substr(at + 1);
      auto lines = parse_event_lines(plan.rewritten);
      if (!lines || lines->empty()) {
        q.reset();
        return unexpected(corrupt(db, "an event block is unreadable"));
      }
      plan.first_kept = static_cast<std::int64_t>(lines->front().sequence);
    }
  }
  q.reset();
  return plan;
}

namespace {

void put(std::string& out, const void* p, std::size_t n) {
  out.append(static_cast<const char*>(p), n);
}
// 32-bit fields (ids, ports, priority, wavelengths) take 4 bytes: the store
// keeps one encoding per live circuit in memory.
void put32(std::string& out, std::int64_t v) {
  const auto w = static_cast<std::uint32_t>(v);
  put(out, &w, sizeof w);
}
void put64(std::string& out, std::int64_t v) {
  put(out, &v, sizeof v);
}
void put_text(std::string& out, const std::string& s) {
  put32(out, static_cast<std::int64_t>(s.size()));
  out += s;
}

}  // namespace

void encode_fixed(const core::CircuitRecord& rec, std::string& out) {
  const solver::Circuit& c = rec.circuit;
  out.clear();
  put_text(out, c.request_id);
  put_text(out, rec.job_id);
  put_text(out, rec.tenant);
  put32(out, c.priority);
  put32(out, c.a.value());
  put32(out, c.b.value());
  put64(out, c.bandwidth.bits_per_second());
  out += c.latency_max ? '\1' : '\0';
  if (c.latency_max) put64(out, c.latency_max->count_ns());
  const double margin = c.min_margin.value();
  put(out, &margin, sizeof margin);
  put64(out, rec.created.since_epoch_ns());
  put32(out, static_cast<std::int64_t>(c.hops.size()));
  for (const solver::Hop& h : c.hops) {
    put32(out, h.optical_switch.value());
    put32(out, h.in_port);
    put32(out, h.out_port);
  }
  put32(out, static_cast<std::int64_t>(c.wavelengths.size()));
  for (int w : c.wavelengths) put32(out, w);
}

}  // namespace lightpath::store
