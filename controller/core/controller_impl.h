#pragma once
// The controller core's state and lifecycle machinery, shared by the files
// that implement Controller (controller.cpp: requests and lifecycle;
// controller_queries.cpp: read-only views). Not for use outside core/.

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <deque>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <unordered_map>

#include "controller/core/committer.h"
#include "controller/core/controller.h"
#include "controller/core/request_memory.h"
#include "controller/core/switch_programmer.h"
#include "controller/core/telemetry_ring.h"

namespace lightpath::core {

inline ApiError api_error(ErrorCode code, std::string message) {
  return {code, std::move(message)};
}

inline bool matches(const CircuitRecord& c, const WatchFilter& f) {
  return (f.job_id.empty() || c.job_id == f.job_id) && (f.tenant.empty() || c.tenant == f.tenant);
}

struct Controller::Impl {
  Impl(const Fabric& f, Executor& e, std::map<SwitchId, southbound::Driver*> drivers,
       store::SqliteStore& s, ControllerOptions o)
      : fabric(f),
        ex(e),
        store(s),
        opt(o),
        solver(f, o.solver),
        restorer(f, restoring_options(o.solver)),
        alloc(f),
        programmer(
            e, drivers, o.device_retry,
            [this](SwitchId sw, const std::vector<southbound::PortFailure>& failures, bool reread) {
              on_switch_change(sw, failures, reread);
            },
            [this](SwitchId sw, const auto& missing, const auto& unexpected) {
              on_drift(sw, missing, unexpected);
            }),
        drivers(std::move(drivers)) {
    port_slots.resize(f.optical_switches.size());
    for (std::size_t i = 0; i < f.optical_switches.size(); ++i)
      port_slots[i].resize(static_cast<std::size_t>(f.optical_switches[i].port_count));
    committer = o.commit_on_thread ? make_threaded_committer(s, e) : make_inline_committer(s);
  }

  // A restoration moves no other circuit: it never preempts.
  static solver::SolverOptions restoring_options(solver::SolverOptions o) {
    o.allow_preemption = false;
    return o;
  }

  const Fabric& fabric;
  Executor& ex;
  store::SqliteStore& store;
  ControllerOptions opt;
  solver::Solver solver;
  solver::Solver restorer;
  solver::AllocationState alloc;
  SwitchProgrammer programmer;
  std::map<SwitchId, southbound::Driver*> drivers;
  std::vector<southbound::SubscriptionId> subscriptions;

  std::map<CircuitId, CircuitRecord> circuits;  // every circuit not yet RELEASED
  std::set<CircuitId> moving;  // PROGRAMMING, RESTORING or RELEASING: waiting on switches
  // The moving circuits by the switches they cross, so a switch's progress
  // looks only at circuits that can have been affected by it.
  std::map<SwitchId, std::set<CircuitId>> moving_on;
  std::unordered_map<std::string, RequestRecord> requests;
  RequestMemory request_memory{opt.requests_in_memory};

  // `id`'s circuits are all released: it may leave memory (request_memory.h).
  void request_finished(const std::string& id) {
    for (const auto& drop : request_memory.finished(id)) requests.erase(drop);
  }
  bool all_released(const RequestRecord& r) const {
    return std::none_of(r.circuits.begin(), r.circuits.end(),
                        [this](CircuitId c) { return circuits.count(c) > 0; });
  }
  // A request dropped from memory, read back from the store.
  std::optional<RequestRecord> dropped_request(const std::string& id) const {
    if (!request_memory.maybe_dropped(id)) return std::nullopt;
    auto stored = store.find_request(id);
    if (!stored || !*stored) return std::nullopt;
    return std::move(**stored);
  }
  std::unordered_map<std::string, TimerId> lease_timers;  // by request id

  store::WriteBatch pending;
  std::unordered_map<CircuitId, std::size_t> staged;  // circuit -> its slot in pending
  std::vector<std::function<void(bool)>> after_commit;
  bool flush_posted = false;
  TimerId lazy_flush;
  std::unique_ptr<Committer> committer;
  bool committing = false;   // a commit is in flight
  bool flush_again = false;  // and another was asked for meanwhile
  // Callbacks posted from elsewhere (the committer's thread) check this
  // before touching a destroyed controller.
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  std::uint64_t last_sequence = 0;
  // Events at or below this may have left the store's log (event_log_keep).
  std::uint64_t log_floor = 0;
  std::uint64_t published = 0;  // the last event handed to watchers
  ApiError log_floor_error(std::uint64_t after) const {
    return api_error(ErrorCode::kFailedPrecondition,
                     fmt::format("after_sequence {}: events up to {} have left the event log (it "
                                 "keeps the newest {}); list the circuits, then watch from the "
                                 "list's sequence",
                                 after, log_floor, opt.event_log_keep));
  }
  std::deque<CircuitEvent> recent;
  struct Watcher {
    WatchFilter filter;
    std::function<void(const CircuitEvent&)> fn;
  };
  std::map<WatchId, Watcher> watchers;
  WatchId next_watch = 1;

  // What each port last reported, flat by switch and port: every port of
  // every switch reports each telemetry interval, and a tree of them cost
  // more lookups and memory than the samples themselves.
  struct PortSlot {
    southbound::PortStatus status = southbound::PortStatus::kIdle;
    std::optional<southbound::PortTelemetry> telemetry;
    TimePoint telemetry_at;
    TelemetryRing history;  // connected ports only
  };
  std::vector<std::vector<PortSlot>> port_slots;  // [switch][port]
  PortSlot* port_slot(SwitchId sw, int port) {
    if (sw.value() >= port_slots.size()) return nullptr;
    auto& slots = port_slots[sw.value()];
    if (port < 0 || static_cast<std::size_t>(port) >= slots.size()) return nullptr;
    return &slots[static_cast<std::size_t>(port)];
  }
  const PortSlot* port_slot(SwitchId sw, int port) const {
    return const_cast<Impl*>(this)->port_slot(sw, port);
  }
  std::deque<AlarmView> alarm_log;
  // (switch, kind, port) of every active alarm, so that the many checks of
  // each telemetry sample do not search the log.
  std::set<std::tuple<SwitchId, southbound::AlarmKind, int>> active_alarms;
  // Of those, the low-power and high-BER ones: while there are none, a
  // telemetry sample that raises none needs no look in the set.
  std::size_t active_quality_alarms = 0;
  Counters counters;

  // --- faults, restoration, telemetry, drift (health.cpp) -----------------

  // Light-loss conditions per port (port -1: the whole switch) that keep it
  // out of service until every one has cleared.
  std::map<std::pair<SwitchId, int>, std::set<southbound::AlarmKind>> faults;
  std::map<CircuitId, TimePoint> failed_at;  // restorations under way, from their fault
  // What an operator drained, as (switch, port) with port -1 for the whole
  // switch: no new circuit is placed there.
  std::set<std::pair<SwitchId, int>> drained;
  // Ports held out of service after a dark-port alarm cleared, with the
  // timer that ends the hold (ControllerOptions::dark_port_hold).
  std::map<std::pair<SwitchId, int>, TimerId> held;

  void on_device_event(SwitchId sw, const southbound::DeviceEvent& e);
  void on_alarm(SwitchId sw, const southbound::AlarmEvent& a);
  void on_telemetry(SwitchId sw, const southbound::TelemetryEvent& t);
  void on_drift(SwitchId sw, const std::vector<southbound::CrossConnect>& missing,
                const std::vector<southbound::CrossConnect>& unexpected);
  // Raises or clears an alarm in the log; false when nothing changed.
  bool set_alarm(SwitchId sw, southbound::AlarmKind kind, int port, bool raised,
                 std::string message, TimePoint at);
  void set_fault(SwitchId sw, int port, southbound::AlarmKind kind, bool raised);
  // In service unless faulty, drained or held.
  void refresh_service(SwitchId sw, int port);
  void hold_dark_port(SwitchId sw, int port);
  // Out of service for `hold` from now (a stored hold, after a restart).
  void hold_port(SwitchId sw, int port, Duration hold);
  // An operator's drain: a switch or port (-1: the whole switch) takes no
  // new circuit while drained or faulty.
  void set_drained(SwitchId sw, int port, bool on);
  // Fails the circuits that use the port (-1: any port of the switch) and
  // restores those whose request allows it.
  // A dark port's two ends report it about a millisecond apart, and which
  // end is dark is unknown: with `avoid_cross_connect`, restorations keep
  // off both ports of each failed cross-connect on `sw`.
  void fail_through(SwitchId sw, int port, const std::string& why, TimePoint fault_at,
                    bool avoid_cross_connect = false);
  void restore(CircuitId id, const std::string& why, TimePoint fault_at);
  void restored(CircuitRecord& c);

  // --- group commit ------------------------------------------------------

  // Writes someone waits for (an answer to a client) are committed as soon
  // as the thread is free, together with everything queued by then. Other
  // writes (lifecycle steps after the answer) wait a little to share a later
  // commit: losing them in a crash is harmless, as a restart reprograms from
  // the stored desired state.
  void schedule_flush() {
    if (flush_posted || lazy_flush.valid()) return;
    lazy_flush = ex.schedule_after(opt.lazy_commit_delay, [this] {
      lazy_flush = TimerId{};
      flush();
    });
  }

  void when_committed(std::function<void(bool)> fn) {
    after_commit.push_back(std::move(fn));
    if (flush_posted) return;
    flush_posted = true;
    ex.post([this] { flush(); });
  }

  // Sends what is staged as one commit; while a commit is in flight, what
  // arrives meanwhile waits to go as the next one (group commit). Answers
  // and watch events go out only once their own commit is durable.
  void flush();

  // --- circuit lifecycle -------------------------------------------------

  void record(CircuitRecord& c, CircuitState next, std::string reason) {
    const CircuitState prev = c.state;
    c.state = next;
    c.reason = std::move(reason);
    c.updated = ex.now();
    set_moving(c.circuit, is_moving(next));
    stage_circuit(c);
    // Published from the committed batch, which the committer hands back.
    pending.events.push_back(CircuitEvent{++last_sequence, c.updated, prev, c});
    schedule_flush();
  }

  static bool is_moving(CircuitState s) {
    return s == CircuitState::kProgramming || s == CircuitState::kRestoring ||
           s == CircuitState::kReleasing;
  }

  void set_moving(const solver::Circuit& c, bool on) {
    if (on ? !moving.insert(c.id).second : moving.erase(c.id) == 0) return;
    for (const auto& h : c.hops) {
      auto& ids = moving_on[h.optical_switch];
      if (on)
        ids.insert(c.id);
      else
        ids.erase(c.id);
    }
  }

  // A circuit written twice before a commit is written once, as it is last.
  void stage_circuit(const CircuitRecord& c) {
    auto [it, fresh] = staged.emplace(c.circuit.id, pending.circuits.size());
    if (fresh)
      pending.circuits.push_back(c);
    else
      pending.circuits[it->second] = c;
  }

  void publish(CircuitEvent&& event) {
    published = event.sequence;
    if (opt.events_in_memory == 0) {
      for (auto& [id, w] : watchers)
        if (matches(event.circuit, w.filter)) w.fn(event);
      return;
    }
    recent.push_back(std::move(event));
    while (recent.size() > opt.events_in_memory) recent.pop_front();
    // A watcher that publishes in turn appends (which keeps this reference
    // valid); only events_in_memory more events would drop this one.
    const CircuitEvent& e = recent.back();
    for (auto& [id, w] : watchers)
      if (matches(e.circuit, w.filter)) w.fn(e);
  }

  void want(const solver::Circuit& c, int delta) {
    for (const auto& h : c.hops) {
      if (fabric.optical_switch(h.optical_switch).kind != SwitchKind::kMems) continue;
      const auto xc = southbound::CrossConnect::between(h.in_port, h.out_port);
      if (delta > 0)
        programmer.want(h.optical_switch, xc);
      else
        programmer.unwant(h.optical_switch, xc);
    }
  }

  void start_programming(CircuitId id) {
    auto it = circuits.find(id);
    if (it == circuits.end() || it->second.state != CircuitState::kPending) return;
    record(it->second, CircuitState::kProgramming, "");
    want(it->second.circuit, +1);
    check_circuit(id);
  }

  // Frees a circuit's resources; the switches are told through the desired sets.
  void let_go(CircuitRecord& c, CircuitState next, std::string reason) {
    const bool was_wanted = c.state == CircuitState::kProgramming ||
                            c.state == CircuitState::kActive || c.state == CircuitState::kRestoring;
    alloc.remove(c.circuit.id);
    record(c, next, std::move(reason));
    if (was_wanted) want(c.circuit, -1);
    // Its cross-connects may be gone already (never made, or still shared),
    // when no switch will report a change for it: look once the caller is done.
    if (next == CircuitState::kReleasing) ex.post([this, id = c.circuit.id] { check_circuit(id); });
  }

  bool hops_in_place(const solver::Circuit& c) const {
    for (const auto& h : c.hops) {
      if (fabric.optical_switch(h.optical_switch).kind != SwitchKind::kMems) continue;
      if (!programmer.actual(h.optical_switch)
               .count(southbound::CrossConnect::between(h.in_port, h.out_port)))
        return false;
    }
    return true;
  }

  bool hops_gone(const solver::Circuit& c) const {
    for (const auto& h : c.hops) {
      const auto xc = southbound::CrossConnect::between(h.in_port, h.out_port);
      if (!programmer.wanted(h.optical_switch, xc) && programmer.actual(h.optical_switch).count(xc))
        return false;
    }
    return true;
  }

  // Moves a circuit along if its switches have caught up with it.
  void check_circuit(CircuitId id) {
    auto it = circuits.find(id);
    if (it == circuits.end()) return;
    CircuitRecord& c = it->second;
    if ((c.state == CircuitState::kProgramming || c.state == CircuitState::kRestoring) &&
        hops_in_place(c.circuit)) {
      if (c.state == CircuitState::kRestoring)
        restored(c);
      else
        record(c, CircuitState::kActive, "");
    } else if (c.state == CircuitState::kActive && !hops_in_place(c.circuit)) {
      record(c, CircuitState::kProgramming, "cross-connect missing on the switch; reprogramming");
    } else if (c.state == CircuitState::kReleasing && hops_gone(c.circuit)) {
      record(c, CircuitState::kReleased, c.reason);
      const std::string request_id = c.circuit.request_id;
      circuits.erase(it);
      if (auto r = requests.find(request_id); r != requests.end() && all_released(r->second))
        request_finished(request_id);
    }
  }

  // After a change on switch `sw`: only circuits in motion through it are
  // looked at, unless it was re-read, when any ACTIVE one through it may be hit.
  void check_progress(SwitchId sw, bool reread) {
    std::vector<CircuitId> ids;
    if (auto m = moving_on.find(sw); m != moving_on.end())
      ids.assign(m->second.begin(), m->second.end());
    if (reread)
      for (const auto& [id, c] : circuits)
        if (c.state == CircuitState::kActive && crosses(c.circuit, sw)) ids.push_back(id);
    for (auto id : ids) check_circuit(id);
  }

  static bool crosses(const solver::Circuit& c, SwitchId sw) {
    return std::any_of(c.hops.begin(), c.hops.end(),
                       [sw](const auto& h) { return h.optical_switch == sw; });
  }

  void on_switch_change(SwitchId sw, const std::vector<southbound::PortFailure>& failures,
                        bool reread) {
    for (const auto& f : failures) {
      const auto on = moving_on.find(sw);
      if (on == moving_on.end()) break;
      const std::vector<CircuitId> ids(on->second.begin(), on->second.end());
      for (auto id : ids) {
        auto& c = circuits.at(id);
        if (c.state != CircuitState::kProgramming && c.state != CircuitState::kRestoring) continue;
        for (const auto& h : c.circuit.hops) {
          if (h.optical_switch != sw || (h.in_port != f.port && h.out_port != f.port)) continue;
          let_go(c, CircuitState::kFailed,
                 fmt::format("{} port {}: {}", fabric.optical_switch(sw).name, f.port, f.reason));
          break;
        }
      }
    }
    check_progress(sw, reread);
  }

  void arm_lease(const std::string& request_id, TimePoint end) {
    if (auto it = lease_timers.find(request_id); it != lease_timers.end()) ex.cancel(it->second);
    lease_timers[request_id] = ex.schedule_at(end, [this, request_id] {
      lease_timers.erase(request_id);
      for (auto& [id, c] : circuits)
        if (c.circuit.request_id == request_id && holds_resources(c.state) &&
            c.state != CircuitState::kReleasing && c.lease_end && *c.lease_end <= ex.now())
          let_go(c, CircuitState::kReleasing, "lease expired");
    });
  }

  // --- requests ----------------------------------------------------------

  RequestAnswer answer_for(const RequestRecord& r, bool replayed) const {
    RequestAnswer a;
    a.record = r;
    a.replayed = replayed;
    a.circuits.reserve(r.circuits.size());
    for (auto id : r.circuits)
      if (auto it = circuits.find(id); it != circuits.end()) a.circuits.push_back(it->second);
    a.expected_ready = ready_by(r.created, a.circuits);
    return a;
  }

  // When the slowest switch of these circuits should have switched and settled.
  TimePoint ready_by(TimePoint created, const std::vector<CircuitRecord>& cs) const {
    Duration worst;
    for (const auto& c : cs)
      for (const auto& h : c.circuit.hops) {
        const auto& t = fabric.optical_switch(h.optical_switch).switching;
        worst = std::max(worst, t.max + t.settle);
      }
    return created + worst;
  }

  // Requests (requests.cpp). `check_request`: every refusal a request gets
  // before it is solved, the same for a real request and a dry run.
  std::optional<ApiError> check_request(const solver::CircuitRequest& req);
  void request_circuits(solver::CircuitRequest req, Reply<RequestAnswer> done);
  void dry_run(solver::CircuitRequest req, Reply<RequestAnswer> done);
  // The record of a new circuit of `req`, as it is stored when decided.
  CircuitRecord new_record(const solver::Circuit& c, const solver::CircuitRequest& req,
                           std::optional<TimePoint> lease_end, TimePoint now) const;

  ApiResult<std::vector<CircuitRecord*>> circuits_for(const ReleaseSpec& spec) {
    std::vector<CircuitRecord*> out;
    if (!spec.request_id.empty()) {
      auto r = requests.find(spec.request_id);
      // Dropped from memory: every circuit of it is released already.
      if (r == requests.end() && request_memory.maybe_dropped(spec.request_id) &&
          dropped_request(spec.request_id))
        return out;
      if (r == requests.end())
        return unexpected(
            api_error(ErrorCode::kNotFound, "request_id: no request '" + spec.request_id + "'"));
      for (auto id : r->second.circuits)
        if (auto it = circuits.find(id); it != circuits.end()) out.push_back(&it->second);
    }
    for (auto id : spec.circuits) {
      auto it = circuits.find(id);
      if (it == circuits.end()) {
        if (id.valid() && id.value() < alloc.next_id().value()) continue;  // released already
        return unexpected(
            api_error(ErrorCode::kNotFound, fmt::format("circuit_ids: no circuit {}", id.value())));
      }
      out.push_back(&it->second);
    }
    for (auto* c : out)
      if (!spec.tenant.empty() && !c->tenant.empty() && c->tenant != spec.tenant)
        return unexpected(
            api_error(ErrorCode::kFailedPrecondition,
                      fmt::format("circuit {} belongs to another tenant", c->circuit.id.value())));
    return out;
  }
};

}  // namespace lightpath::core
