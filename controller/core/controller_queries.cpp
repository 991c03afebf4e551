// Controller's read-only views: circuits, switches, ports, alarms, counters.
#include <limits>

#include "controller/core/controller_impl.h"

namespace lightpath::core {
namespace {

bool matches_filter(const Fabric& fab, const CircuitRecord& c, const CircuitFilter& f) {
  if (!f.job_id.empty() && c.job_id != f.job_id) return false;
  if (!f.tenant.empty() && c.tenant != f.tenant) return false;
  if (f.state ? c.state != *f.state : c.state == CircuitState::kReleased) return false;
  if (!f.switch_name.empty()) {
    bool on = false;
    for (const auto& h : c.circuit.hops)
      on |= fab.optical_switch(h.optical_switch).name == f.switch_name;
    if (!on) return false;
  }
  return f.endpoint.empty() || fab.endpoint(fab.port(c.circuit.a).endpoint).name == f.endpoint ||
         fab.endpoint(fab.port(c.circuit.b).endpoint).name == f.endpoint;
}

}  // namespace

ApiResult<CircuitRecord> Controller::get(CircuitId id) const {
  auto it = impl_->circuits.find(id);
  if (it == impl_->circuits.end())
    return unexpected(api_error(ErrorCode::kNotFound, fmt::format("no circuit {}", id.value())));
  return it->second;
}

std::vector<CircuitRecord> Controller::list(const CircuitFilter& f) const {
  return list(f, std::numeric_limits<std::size_t>::max()).circuits;
}

Controller::CircuitPage Controller::list(const CircuitFilter& f, std::size_t limit,
                                         CircuitId after) const {
  CircuitPage out;
  out.sequence = impl_->published;
  const auto& all = impl_->circuits;
  const auto& fab = impl_->fabric;
  // `total` needs every match, so those up to `after` are still filtered, only
  // not copied; the page starts at the upper bound of `after`.
  const auto start = all.upper_bound(after);
  for (auto it = all.begin(); it != start; ++it)
    if (matches_filter(fab, it->second, f)) ++out.total;
  for (auto it = start; it != all.end(); ++it) {
    if (!matches_filter(fab, it->second, f)) continue;
    ++out.total;
    if (out.circuits.size() < limit)
      out.circuits.push_back(it->second);
    else if (!out.next_after && !out.circuits.empty())
      out.next_after = out.circuits.back().circuit.id;
  }
  return out;
}

ApiResult<WatchId> Controller::watch(std::uint64_t after, WatchFilter filter,
                                     std::function<void(const CircuitEvent&)> on_event,
                                     bool replay_all) {
  Impl& m = *impl_;
  if (after > 0 || replay_all) {
    const bool in_memory = !m.recent.empty() && m.recent.front().sequence <= after + 1;
    if (!in_memory && after > 0 && after < m.log_floor) return unexpected(m.log_floor_error(after));
    if (in_memory) {
      for (const auto& e : m.recent)
        if (e.sequence > after && matches(e.circuit, filter)) on_event(e);
    } else if (auto stored = m.store.events_after(after, std::numeric_limits<std::size_t>::max())) {
      for (const auto& e : *stored)
        if (matches(e.circuit, filter)) on_event(e);
    }
  }
  const WatchId id = m.next_watch++;
  m.watchers[id] = {std::move(filter), std::move(on_event)};
  return id;
}

void Controller::unwatch(WatchId id) {
  impl_->watchers.erase(id);
}

ApiResult<Controller::EventPage> Controller::events_after(std::uint64_t after,
                                                          const WatchFilter& filter,
                                                          std::size_t max_looked_at) const {
  const Impl& m = *impl_;
  EventPage page;
  page.last = after;
  if (after >= m.published) {
    page.caught_up = true;
    return page;
  }
  // `recent` holds consecutive sequences, so the first one wanted is found by index.
  const bool in_memory = !m.recent.empty() && m.recent.front().sequence <= after + 1;
  if (in_memory) {
    std::size_t i = static_cast<std::size_t>(after + 1 - m.recent.front().sequence);
    for (std::size_t looked = 0; i < m.recent.size() && looked < max_looked_at; ++i, ++looked) {
      const CircuitEvent& e = m.recent[i];
      page.last = e.sequence;
      if (matches(e.circuit, filter)) page.events.push_back(e);
    }
  } else {
    if (after > 0 && after < m.log_floor) return unexpected(m.log_floor_error(after));
    auto stored = m.store.events_after(after, max_looked_at);
    if (!stored)
      return unexpected(
          api_error(ErrorCode::kInternal, "reading the event log: " + stored.error().message));
    for (auto& e : *stored) {
      page.last = e.sequence;
      if (matches(e.circuit, filter)) page.events.push_back(std::move(e));
    }
    if (stored->empty()) page.last = m.published;  // nothing stored beyond `after`
  }
  page.caught_up = page.last >= m.published;
  return page;
}

std::optional<std::string> Controller::request_tenant(const std::string& request_id) const {
  auto it = impl_->requests.find(request_id);
  if (it == impl_->requests.end()) return std::nullopt;
  return it->second.request.tenant;
}

std::vector<SwitchView> Controller::switches() const {
  const Impl& m = *impl_;
  std::vector<SwitchView> out;
  for (std::uint32_t i = 0; i < m.fabric.optical_switches.size(); ++i) {
    const SwitchId id(i);
    const auto& sw = m.fabric.optical_switch(id);
    out.push_back({id, sw.name, sw.kind, sw.port_count, m.alloc.ports_in_use(id),
                   m.programmer.reconfigurations(id),
                   m.programmer.has_driver(id) && m.programmer.up(id),
                   m.drained.count({id, -1}) > 0});
  }
  return out;
}

void Controller::drain(const std::string& switch_name, int port, bool drained, Reply<int> done) {
  Impl& m = *impl_;
  auto id = m.fabric.find_optical_switch(switch_name);
  if (!id)
    return done(
        unexpected(api_error(ErrorCode::kNotFound, "no switch named '" + switch_name + "'")));
  const int ports = m.fabric.optical_switch(*id).port_count;
  if (port < -1 || port >= ports)
    return done(
        unexpected(api_error(ErrorCode::kNotFound, fmt::format("port: {} has ports 0 to {}, not {}",
                                                               switch_name, ports - 1, port))));
  // In force at once, so that no request decided while the row commits
  // lands there; answered once the row is durable.
  m.set_drained(*id, port, drained);
  m.pending.drains.push_back({switch_name, port, drained, m.ex.now().since_epoch_ns()});
  int still_there = 0;
  for (const auto& [cid, c] : m.circuits) {
    if (!holds_resources(c.state)) continue;
    for (const auto& h : c.circuit.hops) {
      if (h.optical_switch == *id && (port < 0 || h.in_port == port || h.out_port == port)) {
        ++still_there;
        break;
      }
    }
  }
  m.when_committed([done = std::move(done), still_there](bool ok) {
    if (!ok) return done(unexpected(ApiError{ErrorCode::kUnavailable, "store unavailable"}));
    done(still_there);
  });
}

ApiResult<std::vector<PortView>> Controller::ports(const std::string& switch_name) const {
  const Impl& m = *impl_;
  auto id = m.fabric.find_optical_switch(switch_name);
  if (!id)
    return unexpected(api_error(ErrorCode::kNotFound, "no switch named '" + switch_name + "'"));
  const auto& sw = m.fabric.optical_switch(*id);
  std::map<int, CircuitId> owner;
  for (const auto& [cid, c] : m.circuits)
    for (const auto& h : c.circuit.hops)
      if (h.optical_switch == *id && holds_resources(c.state)) {
        owner[h.in_port] = cid;
        owner[h.out_port] = cid;
      }
  std::vector<PortView> out;
  for (int p = 0; p < sw.port_count; ++p) {
    PortView v;
    if (const auto* slot = m.port_slot(*id, p)) {
      v.status = slot->status;
      v.telemetry = slot->telemetry;
      v.telemetry_at = slot->telemetry_at;
    }
    v.index = p;
    const FiberId fid = sw.port_fiber[static_cast<std::size_t>(p)];
    if (fid.valid()) {
      const Fiber& f = m.fabric.fiber(fid);
      const FiberEnd& far = (f.a.optical_switch == *id && f.a.port == p) ? f.b : f.a;
      v.cabled_to = far.is_endpoint() ? m.fabric.port_name(far.endpoint_port)
                                      : m.fabric.optical_switch(far.optical_switch).name + "/" +
                                            std::to_string(far.port);
    }
    v.peer = -1;
    if (auto peer = m.alloc.mems_peer(*id, p); peer && *peer != p) v.peer = *peer;
    v.in_service = !m.alloc.out_of_service(*id, p);
    v.drained = m.drained.count({*id, p}) > 0;
    v.held = m.held.count({*id, p}) > 0;
    if (auto it = owner.find(p); it != owner.end()) v.circuit = it->second;
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<AlarmView> Controller::alarms(bool include_cleared) const {
  std::vector<AlarmView> out;
  for (const auto& a : impl_->alarm_log)
    if (a.active || include_cleared) out.push_back(a);
  return out;
}

std::map<CircuitState, std::size_t> Controller::circuits_by_state() const {
  std::map<CircuitState, std::size_t> out;
  for (const auto& [id, c] : impl_->circuits) ++out[c.state];
  return out;
}

int Controller::ports_in_use() const {
  int n = 0;
  for (std::uint32_t i = 0; i < impl_->fabric.optical_switches.size(); ++i)
    n += impl_->alloc.ports_in_use(SwitchId(i));
  return n;
}

ApiResult<std::vector<TelemetrySample>> Controller::port_telemetry(const std::string& switch_name,
                                                                   int port) const {
  const Impl& m = *impl_;
  auto id = m.fabric.find_optical_switch(switch_name);
  if (!id)
    return unexpected(api_error(ErrorCode::kNotFound, "no switch named '" + switch_name + "'"));
  const int count = m.fabric.optical_switch(*id).port_count;
  if (port < 0 || port >= count)
    return unexpected(
        api_error(ErrorCode::kNotFound,
                  fmt::format("port: {} has ports 0 to {}, not {}", switch_name, count - 1, port)));
  const auto* slot = m.port_slot(*id, port);
  if (!slot || slot->history.empty()) return std::vector<TelemetrySample>{};
  return slot->history.samples(port);
}

std::vector<Controller::PortReading> Controller::latest_telemetry() const {
  std::vector<PortReading> out;
  const auto& slots = impl_->port_slots;
  for (std::size_t sw = 0; sw < slots.size(); ++sw)
    for (std::size_t p = 0; p < slots[sw].size(); ++p)
      if (!slots[sw][p].history.empty())
        out.push_back({impl_->fabric.optical_switch(SwitchId(static_cast<std::uint32_t>(sw))).name,
                       slots[sw][p].history.latest(static_cast<int>(p))});
  return out;
}

Counters Controller::counters() const {
  Counters out = impl_->counters;
  out.reconcile_reads = impl_->programmer.reads();
  for (std::uint32_t i = 0; i < impl_->fabric.optical_switches.size(); ++i)
    out.batches_sent += impl_->programmer.reconfigurations(SwitchId(i));
  return out;
}
const Fabric& Controller::fabric() const {
  return impl_->fabric;
}
TimePoint Controller::now() const {
  return impl_->ex.now();
}

}  // namespace lightpath::core
