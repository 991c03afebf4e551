// The soak client's record of acknowledged circuits, and small shared helpers.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "bench/soak/soak.h"

namespace lightpath::soak {

Placement placement_of(const v1::Circuit& c) {
  Placement p;
  p.a = c.a_port();
  p.b = c.b_port();
  for (const auto& h : c.hops()) p.hops.emplace_back(h.switch_name(), h.in_port(), h.out_port());
  p.wavelengths.assign(c.wavelengths().begin(), c.wavelengths().end());
  return p;
}

std::string describe(const Placement& p) {
  std::vector<std::string> hops;
  for (const auto& [sw, in, out] : p.hops) hops.push_back(fmt::format("{}[{}>{}]", sw, in, out));
  return fmt::format("{} - {} via {} on {{{}}}", p.a, p.b, fmt::join(hops, " > "),
                     fmt::join(p.wavelengths, ","));
}

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size()));
  return v[std::min(v.size() - 1, i)];
}

void Ledger::acknowledged(std::uint64_t id, Held h) {
  std::lock_guard lock(mu_);
  by_request_[h.request_id].push_back(id);
  held_[id] = std::move(h);
}

std::vector<std::uint64_t> Ledger::released(const std::string& request_id,
                                            const std::vector<std::uint64_t>& ids) {
  std::lock_guard lock(mu_);
  std::vector<std::uint64_t> missing;
  auto r = by_request_.find(request_id);
  if (r == by_request_.end()) return missing;
  const std::set<std::uint64_t> named(ids.begin(), ids.end());
  for (auto id : r->second) {
    auto it = held_.find(id);
    if (it == held_.end()) continue;
    if (!named.count(id)) {
      missing.push_back(id);
      unnamed_[id] = it->second;
    }
    held_.erase(it);
    failed_.erase(id);
  }
  by_request_.erase(r);
  return missing;
}

void Ledger::lease_extended(const std::string& request_id, std::int64_t end_ms) {
  std::lock_guard lock(mu_);
  auto r = by_request_.find(request_id);
  if (r == by_request_.end()) return;
  for (auto id : r->second)
    if (auto it = held_.find(id); it != held_.end()) it->second.lease_end_ms = end_ms;
}

void Ledger::saw_event(const v1::CircuitEvent& e) {
  const auto& c = e.circuit();
  std::lock_guard lock(mu_);
  Held* h = nullptr;
  if (auto it = held_.find(c.id()); it != held_.end())
    h = &it->second;
  else if (auto u = unnamed_.find(c.id()); u != unnamed_.end())
    h = &u->second;
  if (!h) return;
  h->last_state = c.state();
  h->last_reason = c.state_reason();
  if (c.state() == v1::FAILED) failed_.insert(c.id());
  if (h->abandoned && c.state() == v1::RELEASING && c.state_reason() == "lease expired")
    lease_lateness_ms_.push_back(static_cast<double>(e.at_unix_ms() - h->lease_end_ms));
}

std::vector<double> Ledger::lease_lateness_ms() const {
  std::lock_guard lock(mu_);
  return lease_lateness_ms_;
}

bool Ledger::failed_once(std::uint64_t id) const {
  std::lock_guard lock(mu_);
  return failed_.count(id) > 0;
}

std::map<std::uint64_t, Held> Ledger::held() const {
  std::lock_guard lock(mu_);
  return held_;
}

std::map<std::uint64_t, Held> Ledger::unnamed() const {
  std::lock_guard lock(mu_);
  return unnamed_;
}

void Ledger::forget_all() {
  std::lock_guard lock(mu_);
  held_.clear();
  by_request_.clear();
  failed_.clear();
}

void Ledger::violation(const std::string& kind, const std::string& detail) {
  std::lock_guard lock(mu_);
  if (++violations_[kind] <= 5) details_.push_back(kind + ": " + detail);
}

std::map<std::string, long> Ledger::violation_counts() const {
  std::lock_guard lock(mu_);
  return violations_;
}

std::vector<std::string> Ledger::violation_details() const {
  std::lock_guard lock(mu_);
  return details_;
}

void ClientStats::merge(const ClientStats& o) {
  request_ms.insert(request_ms.end(), o.request_ms.begin(), o.request_ms.end());
  release_ms.insert(release_ms.end(), o.release_ms.begin(), o.release_ms.end());
  extend_ms.insert(extend_ms.end(), o.extend_ms.begin(), o.extend_ms.end());
  requests += o.requests;
  accepted += o.accepted;
  rejected += o.rejected;
  circuits += o.circuits;
  releases += o.releases;
  released_circuits += o.released_circuits;
  extends += o.extends;
  extends_refused += o.extends_refused;
  abandoned += o.abandoned;
  retries += o.retries;
  errors += o.errors;
  for (const auto& [k, n] : o.reject_reasons) reject_reasons[k] += n;
  for (const auto& [k, n] : o.error_codes) error_codes[k] += n;
  unknown_outcome.insert(unknown_outcome.end(), o.unknown_outcome.begin(), o.unknown_outcome.end());
}

}  // namespace lightpath::soak
