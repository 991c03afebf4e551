#include "controller/store/row_text.h"

#include <charconv>
#include <cstdint>
#include <type_traits>

namespace lightpath::store {
namespace {

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

bool to_int(std::string_view s, std::int64_t& v) {
  if (s.empty()) return false;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Splits at `sep`; an empty text has no fields.
std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  if (s.empty()) return out;
  for (std::size_t from = 0;;) {
    const auto at = s.find(sep, from);
    out.push_back(
        s.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from));
    if (at == std::string_view::npos) return out;
    from = at + 1;
  }
}

void append_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
}

std::optional<std::string> unescaped(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (++i == s.size()) return std::nullopt;
    if (s[i] == '\\')
      out += '\\';
    else if (s[i] == 't')
      out += '\t';
    else if (s[i] == 'n')
      out += '\n';
    else
      return std::nullopt;
  }
  return out;
}

}  // namespace

void append_hops(std::string& out, const std::vector<solver::Hop>& hops) {
  for (std::size_t i = 0; i < hops.size(); ++i) {
    if (i) out += ',';
    append_int(out, hops[i].optical_switch.value());
    out += ':';
    append_int(out, hops[i].in_port);
    out += ':';
    append_int(out, hops[i].out_port);
  }
}

std::optional<std::vector<solver::Hop>> parse_hops(std::string_view text) {
  std::vector<solver::Hop> hops;
  for (auto item : split(text, ',')) {
    const auto f = split(item, ':');
    std::int64_t sw = 0, in = 0, out = 0;
    if (f.size() != 3 || !to_int(f[0], sw) || !to_int(f[1], in) || !to_int(f[2], out) || sw < 0 ||
        sw > UINT32_MAX || in < INT32_MIN || in > INT32_MAX || out < INT32_MIN || out > INT32_MAX)
      return std::nullopt;
    hops.push_back(
        {SwitchId(static_cast<std::uint32_t>(sw)), static_cast<int>(in), static_cast<int>(out)});
  }
  return hops;
}

template <class T>
void append_numbers(std::string& out, const std::vector<T>& values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    if constexpr (std::is_integral_v<T>)
      append_int(out, values[i]);
    else
      append_int(out, values[i].value());
  }
}
template void append_numbers(std::string&, const std::vector<int>&);
template void append_numbers(std::string&, const std::vector<CircuitId>&);

std::optional<std::vector<std::int64_t>> parse_numbers(std::string_view text) {
  std::vector<std::int64_t> out;
  for (auto item : split(text, ',')) {
    std::int64_t v = 0;
    if (!to_int(item, v)) return std::nullopt;
    out.push_back(v);
  }
  return out;
}

void append_event_line(std::string& out, const core::CircuitEvent& ev,
                       std::optional<std::int64_t> version, const std::string& snapshot) {
  const core::CircuitRecord& c = ev.circuit;
  if (!out.empty()) out += '\n';
  append_int(out, static_cast<std::int64_t>(ev.sequence));
  out += '\t';
  append_int(out, ev.at.since_epoch_ns());
  out += '\t';
  append_int(out, c.circuit.id.value());
  out += '\t';
  if (version) append_int(out, *version);
  out += '\t';
  out += core::to_string(ev.previous);
  out += '\t';
  out += core::to_string(c.state);
  out += '\t';
  append_escaped(out, c.reason);
  out += '\t';
  if (c.lease_end) append_int(out, c.lease_end->since_epoch_ns());
  out += '\t';
  append_int(out, c.updated.since_epoch_ns());
  out += '\t';
  if (!version) out += snapshot;
}

std::optional<std::vector<EventLine>> parse_event_lines(std::string_view block) {
  std::vector<EventLine> lines;
  for (auto text : split(block, '\n')) {
    const auto f = split(text, '\t');
    if (f.size() != 10) return std::nullopt;
    EventLine e;
    std::int64_t seq = 0, id = 0, v = 0;
    if (!to_int(f[0], seq) || seq <= 0 || !to_int(f[1], e.at_ns) || !to_int(f[2], id) || id < 0 ||
        id > UINT32_MAX || !to_int(f[8], e.updated_ns))
      return std::nullopt;
    e.sequence = static_cast<std::uint64_t>(seq);
    e.circuit_id = static_cast<std::uint32_t>(id);
    if (!f[3].empty()) {
      if (!to_int(f[3], v)) return std::nullopt;
      e.version = v;
    } else if (f[9].empty()) {
      return std::nullopt;  // neither compact nor a snapshot
    }
    e.previous = f[4];
    e.state = f[5];
    auto reason = unescaped(f[6]);
    if (!reason) return std::nullopt;
    e.reason = std::move(*reason);
    if (!f[7].empty()) {
      if (!to_int(f[7], v)) return std::nullopt;
      e.lease_end_ns = v;
    }
    e.snapshot = f[9];
    lines.push_back(std::move(e));
  }
  return lines;
}

}  // namespace lightpath::store
