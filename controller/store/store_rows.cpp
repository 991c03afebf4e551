#include "controller/store/store_rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "controller/store/record_json.h"

namespace lightpath::store {
namespace {

constexpr const char* kAllRequests =
    "SELECT request_id, body, accepted, reason, message, packet_flows_json, created_ns "
    "FROM requests ORDER BY request_id";
constexpr const char* kOneRequest =
    "SELECT request_id, body, accepted, reason, message, packet_flows_json, created_ns "
    "FROM requests WHERE request_id = ?";
constexpr const char* kAllLinks =
    "SELECT request_id, role, circuit_id FROM request_circuits ORDER BY request_id, role, idx";
constexpr const char* kOneLinks =
    "SELECT request_id, role, circuit_id FROM request_circuits WHERE request_id = ? "
    "ORDER BY role, idx";

// Column order shared by both circuit queries; see circuit_from_row.
constexpr const char* kLiveCircuits =
    "SELECT id, request_id, job_id, tenant, priority, state, reason, a_port, b_port, "
    "bandwidth_bps, latency_max_ns, min_margin_db, lease_end_ns, created_ns, updated_ns "
    "FROM circuits WHERE state <> 'RELEASED' ORDER BY id";
constexpr const char* kOneCircuit =
    "SELECT id, request_id, job_id, tenant, priority, state, reason, a_port, b_port, "
    "bandwidth_bps, latency_max_ns, min_margin_db, lease_end_ns, created_ns, updated_ns "
    "FROM circuits WHERE id = ?";
constexpr const char* kLiveHops =
    "SELECT h.circuit_id, h.switch_id, h.in_port, h.out_port FROM circuit_hops h "
    "JOIN circuits c ON c.id = h.circuit_id WHERE c.state <> 'RELEASED' "
    "ORDER BY h.circuit_id, h.idx";
constexpr const char* kOneHops =
    "SELECT circuit_id, switch_id, in_port, out_port FROM circuit_hops WHERE circuit_id = ? "
    "ORDER BY idx";
constexpr const char* kLiveWavelengths =
    "SELECT w.circuit_id, w.wavelength FROM circuit_wavelengths w "
    "JOIN circuits c ON c.id = w.circuit_id WHERE c.state <> 'RELEASED' "
    "ORDER BY w.circuit_id, w.idx";
constexpr const char* kOneWavelengths =
    "SELECT circuit_id, wavelength FROM circuit_wavelengths WHERE circuit_id = ? ORDER BY idx";
constexpr const char* kEventsAfter =
    "SELECT sequence, at_ns, previous_state, state, reason, lease_end_ns, updated_ns, snapshot, "
    "circuit_id FROM events WHERE sequence > ? ORDER BY sequence LIMIT ?";

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
  return rec;
}

}  // namespace

Result<std::vector<core::RequestRecord>> read_requests(Database& db, const std::string* only) {
  std::vector<core::RequestRecord> out;
  std::unordered_map<std::string, std::size_t> index;
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
    index.emplace(id, out.size());
    out.push_back(std::move(rec));
    return true;
  });
  if (!rows) return unexpected(std::move(rows).error());

  auto links = db.cached(only ? kOneLinks : kAllLinks);
  if (!links) return unexpected(std::move(links).error());
  Statement& l = **links;
  l.reset();
  if (only) l.bind(1, *only);
  rows = each_row(l, [&]() -> Result<bool> {
    auto it = index.find(l.text(0));
    if (it == index.end()) return true;  // the foreign key makes this impossible
    core::RequestRecord& rec = out[it->second];
    const CircuitId id(static_cast<std::uint32_t>(l.int64(2)));
    (l.text(1) == "allocated" ? rec.circuits : rec.preempted).push_back(id);
    return true;
  });
  if (!rows) return unexpected(std::move(rows).error());
  return out;
}

Result<std::vector<core::CircuitRecord>> read_circuits(Database& db, CircuitSelection which,
                                                       CircuitId id) {
  const bool one = which == CircuitSelection::kOne;
  std::vector<core::CircuitRecord> out;
  std::unordered_map<std::uint32_t, std::size_t> index;
  auto st = db.cached(one ? kOneCircuit : kLiveCircuits);
  if (!st) return unexpected(std::move(st).error());
  Statement& q = **st;
  q.reset();
  if (one) q.bind(1, std::int64_t{id.value()});
  auto rows = each_row(q, [&]() -> Result<bool> {
    auto rec = circuit_from_row(db, q);
    if (!rec) return unexpected(std::move(rec).error());
    index.emplace(rec->circuit.id.value(), out.size());
    out.push_back(std::move(*rec));
    return true;
  });
  if (!rows) return unexpected(std::move(rows).error());

  auto hops = db.cached(one ? kOneHops : kLiveHops);
  if (!hops) return unexpected(std::move(hops).error());
  Statement& h = **hops;
  h.reset();
  if (one) h.bind(1, std::int64_t{id.value()});
  rows = each_row(h, [&]() -> Result<bool> {
    auto it = index.find(static_cast<std::uint32_t>(h.int64(0)));
    if (it != index.end())
      out[it->second].circuit.hops.push_back({SwitchId(static_cast<std::uint32_t>(h.int64(1))),
                                              static_cast<int>(h.int64(2)),
                                              static_cast<int>(h.int64(3))});
    return true;
  });
  if (!rows) return unexpected(std::move(rows).error());

  auto waves = db.cached(one ? kOneWavelengths : kLiveWavelengths);
  if (!waves) return unexpected(std::move(waves).error());
  Statement& w = **waves;
  w.reset();
  if (one) w.bind(1, std::int64_t{id.value()});
  rows = each_row(w, [&]() -> Result<bool> {
    auto it = index.find(static_cast<std::uint32_t>(w.int64(0)));
    if (it != index.end())
      out[it->second].circuit.wavelengths.push_back(static_cast<int>(w.int64(1)));
    return true;
  });
  if (!rows) return unexpected(std::move(rows).error());
  return out;
}

Result<std::vector<core::CircuitEvent>> read_events(Database& db, std::uint64_t after,
                                                    std::size_t limit) {
  struct Row {
    core::CircuitEvent ev;
    std::uint32_t circuit_id = 0;
    bool compact = false;
  };
  std::vector<Row> rows;
  auto st = db.cached(kEventsAfter);
  if (!st) return unexpected(std::move(st).error());
  Statement& q = **st;
  q.bind_all(clamp_to_int64(after), clamp_to_int64(limit));
  auto done = each_row(q, [&]() -> Result<bool> {
    Row row;
    core::CircuitEvent& ev = row.ev;
    ev.sequence = static_cast<std::uint64_t>(q.int64(0));
    ev.at = TimePoint::from_ns(q.int64(1));
    const auto previous = core::parse_circuit_state(q.text(2));
    if (!previous)
      return unexpected(corrupt(db, fmt::format("event {} is unreadable", ev.sequence)));
    ev.previous = *previous;
    if (q.is_null(7)) {
      const auto state = core::parse_circuit_state(q.text(3));
      if (!state)
        return unexpected(corrupt(db, fmt::format("event {} is unreadable", ev.sequence)));
      ev.circuit.state = *state;
      ev.circuit.reason = q.text(4);
      if (!q.is_null(5)) ev.circuit.lease_end = TimePoint::from_ns(q.int64(5));
      ev.circuit.updated = TimePoint::from_ns(q.int64(6));
      row.circuit_id = static_cast<std::uint32_t>(q.int64(8));
      row.compact = true;
    } else {
      auto snapshot = nlohmann::json::parse(q.text(7), nullptr, /*allow_exceptions=*/false);
      if (snapshot.is_discarded())
        return unexpected(corrupt(db, fmt::format("event {} is unreadable", ev.sequence)));
      auto rec = circuit_record_from_json(snapshot);
      if (!rec)
        return unexpected(
            corrupt(db, fmt::format("event {}: {}", ev.sequence, rec.error().message)));
      ev.circuit = std::move(*rec);
    }
    rows.push_back(std::move(row));
    return true;
  });
  if (!done) return unexpected(std::move(done).error());

  // The fixed fields of compact events come from their circuits' rows.
  std::unordered_map<std::uint32_t, core::CircuitRecord> circuits;
  std::vector<core::CircuitEvent> out;
  out.reserve(rows.size());
  for (Row& row : rows) {
    if (row.compact) {
      auto it = circuits.find(row.circuit_id);
      if (it == circuits.end()) {
        auto found = read_circuits(db, CircuitSelection::kOne, CircuitId(row.circuit_id));
        if (!found) return unexpected(std::move(found).error());
        if (found->empty())
          return unexpected(corrupt(db, fmt::format("event {}: circuit {} is not stored",
                                                    row.ev.sequence, row.circuit_id)));
        it = circuits.emplace(row.circuit_id, std::move(found->front())).first;
      }
      core::CircuitRecord rec = it->second;
      rec.state = row.ev.circuit.state;
      rec.reason = std::move(row.ev.circuit.reason);
      rec.lease_end = row.ev.circuit.lease_end;
      rec.updated = row.ev.circuit.updated;
      row.ev.circuit = std::move(rec);
    }
    out.push_back(std::move(row.ev));
  }
  return out;
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
