#include "controller/core/controller_impl.h"

namespace lightpath::core {

Controller::Controller(const Fabric& fabric, Executor& executor,
                       std::map<SwitchId, southbound::Driver*> drivers, store::SqliteStore& store,
                       ControllerOptions options)
    : impl_(std::make_unique<Impl>(fabric, executor, std::move(drivers), store, options)) {}

Controller::~Controller() {
  *impl_->alive = false;
  for (auto& [id, t] : impl_->lease_timers) impl_->ex.cancel(t);
  for (auto& [port, t] : impl_->held) impl_->ex.cancel(t);
  if (impl_->lazy_flush.valid()) impl_->ex.cancel(impl_->lazy_flush);
  std::size_t i = 0;
  for (const auto& [sw, d] : impl_->drivers)
    if (i < impl_->subscriptions.size()) d->unsubscribe(impl_->subscriptions[i++]);
}

Result<bool> Controller::start() {
  Impl& m = *impl_;
  auto snap = m.store.load();
  if (!snap) return unexpected(snap.error());
  m.alloc.reserve_ids_below(CircuitId(snap->next_circuit_id));
  m.last_sequence = snap->last_event_sequence;
  auto oldest = m.store.first_event_sequence();
  if (!oldest) return unexpected(oldest.error());
  m.log_floor = *oldest > 0 ? *oldest - 1 : m.last_sequence;
  m.published = m.last_sequence;
  for (auto& r : snap->requests) m.requests[r.request.request_id] = r;
  for (const auto& d : snap->drains) {
    // The row stays when the topology lacks the switch or port: it is
    // drained again if it comes back.
    auto id = m.fabric.find_optical_switch(d.switch_name);
    if (id && d.port < m.fabric.optical_switch(*id).port_count)
      m.set_drained(*id, d.port, true);
    else if (d.port < 0)
      spdlog::warn("store: drained switch '{}' is not in the topology; ignored", d.switch_name);
    else
      spdlog::warn("store: drained port {} of switch '{}' is not in the topology; ignored", d.port,
                   d.switch_name);
  }
  const TimePoint now = m.ex.now();
  for (const auto& h : snap->holds) {
    const TimePoint until = TimePoint::from_ns(h.until_ns);
    auto id = m.fabric.find_optical_switch(h.switch_name);
    if (until <= now || !id || h.port >= m.fabric.optical_switch(*id).port_count) continue;
    m.hold_port(*id, h.port, until - now);
    m.refresh_service(*id, h.port);
  }
  for (auto& c : snap->circuits) {
    if (holds_resources(c.state) && c.state != CircuitState::kReleasing) {
      if (auto added = m.alloc.add(c.circuit); !added)
        return unexpected(
            Error{"CORRUPT_STATE", fmt::format("stored circuit {} conflicts: {}",
                                               c.circuit.id.value(), added.error().message)});
      if (c.state != CircuitState::kPending) m.want(c.circuit, +1);
      if (c.lease_end) m.arm_lease(c.circuit.request_id, *c.lease_end);
    }
    m.circuits[c.circuit.id] = c;
    m.set_moving(c.circuit, Impl::is_moving(c.state));
  }
  {
    // Oldest first, so that the newest finished requests stay in memory.
    std::vector<std::pair<TimePoint, std::string>> finished;
    for (const auto& [id, r] : m.requests)
      if (m.all_released(r)) finished.emplace_back(r.created, id);
    std::sort(finished.begin(), finished.end());
    for (const auto& [at, id] : finished) m.request_finished(id);
  }
  for (const auto& [sw, d] : m.drivers) {
    const SwitchId id = sw;
    m.subscriptions.push_back(d->subscribe(
        [this, id](const southbound::DeviceEvent& e) { impl_->on_device_event(id, e); }));
  }
  m.programmer.resync_all();
  m.programmer.reconcile_every(m.opt.reconcile_interval);
  // Circuits in motion through no driven switch would wait for a report that never comes.
  for (auto id : m.moving) m.ex.post([this, id] { impl_->check_circuit(id); });
  // Decided before the restart but never sent: carry on.
  for (auto& [id, c] : m.circuits)
    if (c.state == CircuitState::kPending)
      m.ex.post([this, cid = id] { impl_->start_programming(cid); });
  return true;
}

void Controller::request_circuits(solver::CircuitRequest request, Reply<RequestAnswer> done) {
  impl_->request_circuits(std::move(request), std::move(done));
}

void Controller::dry_run(solver::CircuitRequest request, Reply<RequestAnswer> done) {
  impl_->dry_run(std::move(request), std::move(done));
}

void Controller::release(ReleaseSpec spec, Reply<std::vector<CircuitId>> done) {
  Impl& m = *impl_;
  auto found = m.circuits_for(spec);
  if (!found) return done(unexpected(found.error()));
  std::vector<CircuitId> released;
  for (auto* c : *found) {
    if (c->state == CircuitState::kReleasing) continue;
    released.push_back(c->circuit.id);
    m.let_go(*c, CircuitState::kReleasing, "released by the owner");
  }
  m.when_committed([done, released](bool ok) {
    if (!ok) return done(unexpected(ApiError{ErrorCode::kUnavailable, "store unavailable"}));
    done(released);
  });
}

void Controller::extend_lease(std::string tenant, std::string request_id, Duration lease,
                              Reply<TimePoint> done) {
  Impl& m = *impl_;
  if (lease.count_ns() <= 0)
    return done(unexpected(api_error(ErrorCode::kInvalidArgument,
                                     "duration_seconds: the new lease must end in the future")));
  if (lease > Duration::s(solver::kMaxLeaseSeconds))
    return done(unexpected(api_error(
        ErrorCode::kInvalidArgument,
        fmt::format("duration_seconds: a lease cannot be longer than {} seconds (100 years)",
                    solver::kMaxLeaseSeconds))));
  ReleaseSpec spec{tenant, request_id, {}};
  auto found = m.circuits_for(spec);
  if (!found) return done(unexpected(found.error()));
  std::vector<CircuitRecord*> live;
  for (auto* c : *found)
    if (holds_resources(c->state) && c->state != CircuitState::kReleasing) live.push_back(c);
  if (live.empty())
    return done(unexpected(api_error(ErrorCode::kFailedPrecondition,
                                     "request '" + request_id + "' holds no live circuits")));
  const TimePoint end = m.ex.now() + lease;
  for (auto* c : live) {
    c->lease_end = end;
    c->updated = m.ex.now();
    m.stage_circuit(*c);
  }
  m.arm_lease(request_id, end);
  m.when_committed([done, end](bool ok) {
    if (!ok) return done(unexpected(ApiError{ErrorCode::kUnavailable, "store unavailable"}));
    done(end);
  });
}

void Controller::Impl::flush() {
  flush_posted = false;
  if (lazy_flush.valid()) {
    ex.cancel(lazy_flush);
    lazy_flush = TimerId{};
  }
  if (committing) {
    flush_again = true;
    return;
  }
  auto callbacks = std::move(after_commit);
  after_commit.clear();
  // Every event is staged in `pending`: with nothing staged there is none to publish.
  if (pending.empty()) {
    for (auto& cb : callbacks) cb(true);
    return;
  }
  store::WriteBatch batch = std::move(pending);
  pending = {};
  staged.clear();
  // Retention: the log keeps at least the newest event_log_keep events. It
  // is cut in steps of a sixteenth of that, so each cut drops many commits.
  const std::uint64_t keep = opt.event_log_keep;
  if (keep > 0 && last_sequence > keep &&
      last_sequence - keep >= log_floor + std::max<std::uint64_t>(1, keep / 16)) {
    log_floor = last_sequence - keep;
    batch.drop_events_through = log_floor;
  }
  const std::size_t writes = batch.requests.size() + batch.circuits.size();
  committing = true;
  committer->commit(std::move(batch),
                    [this, alive = alive, writes, callbacks = std::move(callbacks)](
                        Result<bool> r, std::vector<CircuitEvent> events) mutable {
                      if (!*alive) return;
                      committing = false;
                      if (r) {
                        ++counters.commits;
                        counters.committed_writes += writes;
                      } else {
                        // Memory is now ahead of the store; the only safe way on is to stop
                        // and let a restart reload the store.
                        spdlog::critical("store commit failed: {}; stopping", r.error().message);
                      }
                      for (auto& cb : callbacks) cb(r.has_value());
                      if (!r) std::abort();
                      for (auto& e : events) publish(std::move(e));
                      if (flush_again || !after_commit.empty()) {
                        flush_again = false;
                        flush();
                      } else if (!pending.empty()) {
                        schedule_flush();
                      }
                    });
}

}  // namespace lightpath::core
