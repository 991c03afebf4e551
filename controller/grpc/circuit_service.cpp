#include <algorithm>
#include <deque>
#include <mutex>

#include "controller/grpc/convert.h"
#include "controller/grpc/grpc_auth.h"
#include "controller/grpc/services.h"
#include "proto/support/status_name.h"

namespace lightpath::grpc_api {
namespace {

// Streams circuit events to one watcher. Events arrive on the controller's
// thread; gRPC allows one write in flight, so the rest wait in a queue. A
// history to replay (a resume point, or the whole kept log) goes out in
// pages as the queue drains, while new events wait aside until it is done.
class WatchReactor final : public grpc::ServerWriteReactor<v1::CircuitEvent> {
 public:
  // A watcher this far behind is cut off and told where to resume.
  static constexpr std::size_t kMaxQueued = 10'000;
  // Events looked at per page of history, and the queue length below which
  // the next page is fetched.
  static constexpr std::size_t kPage = 1'000;
  static constexpr std::size_t kRefill = 100;

  WatchReactor(core::Controller& core, Executor& ex, const v1::WatchCircuitsRequest& req)
      : core_(core), ex_(ex), filter_{req.job_id(), req.tenant()} {
    replaying_ = req.after_sequence() > 0 || req.replay();
    replayed_through_ = req.after_sequence();
    ex_.post([this] {
      // New events only; the history comes page by page.
      id_ = *core_.watch(0, filter_, [this](const core::CircuitEvent& e) { on_event(e); });
      if (replaying_) next_page();
    });
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard lock(mu_);
    writing_ = false;
    if (!ok) return finish_locked(grpc::Status::CANCELLED);
    queue_.pop_front();
    write_next_locked();
    if (replaying_ && !finished_ && !page_asked_ && queue_.size() < kRefill) {
      page_asked_ = true;
      ex_.post([this] { next_page(); });
    }
  }
  void OnCancel() override {
    std::lock_guard lock(mu_);
    finish_locked(grpc::Status::CANCELLED);
  }
  void OnDone() override {
    // Unwatch on the controller's thread, after which no event can reach us
    // (a page asked for earlier runs first: the executor keeps order).
    ex_.post([this] {
      core_.unwatch(id_);
      delete this;
    });
  }

 private:
  // On the controller's thread, like everything that reads the controller.
  void next_page() {
    {
      std::lock_guard lock(mu_);
      page_asked_ = false;
      if (finished_ || !replaying_) return;
    }
    auto page = core_.events_after(replayed_through_, filter_, kPage);
    if (!page) {
      std::lock_guard lock(mu_);
      return finish_locked(to_status(page.error()));
    }
    for (const auto& e : page->events) enqueue(e);
    replayed_through_ = page->last;
    if (!page->caught_up) {
      std::lock_guard lock(mu_);
      // Written already (or nothing matched): ask again at once. Never once
      // finished: OnDone's deletion may then be queued ahead.
      if (!finished_ && !page_asked_ && queue_.size() < kRefill) {
        page_asked_ = true;
        ex_.post([this] { next_page(); });
      }
      return;
    }
    {
      std::lock_guard lock(mu_);
      replaying_ = false;
    }
    // Events published while the history went out; those it held already are skipped.
    for (const auto& e : held_)
      if (e.sequence > replayed_through_) enqueue(e);
    held_.clear();
  }

  void on_event(const core::CircuitEvent& e) {
    bool replaying = false;
    {
      std::lock_guard lock(mu_);
      replaying = replaying_;
    }
    if (!replaying) return enqueue(e);
    if (held_.size() >= kMaxQueued) {
      std::lock_guard lock(mu_);
      return finish_locked(
          {grpc::StatusCode::RESOURCE_EXHAUSTED,
           "watcher fell behind; resume with after_sequence " + std::to_string(last_sent_)});
    }
    held_.push_back(e);
  }

  void enqueue(const core::CircuitEvent& e) {
    std::lock_guard lock(mu_);
    if (finished_) return;
    if (queue_.size() >= kMaxQueued)
      return finish_locked(
          {grpc::StatusCode::RESOURCE_EXHAUSTED,
           "watcher fell behind; resume with after_sequence " + std::to_string(last_sent_)});
    v1::CircuitEvent& out = queue_.emplace_back();
    out.set_sequence(e.sequence);
    out.set_at_unix_ms(unix_ms(e.at));
    // A circuit's first event changes nothing: it is its creation.
    out.set_previous_state(e.previous == e.circuit.state ? v1::CIRCUIT_STATE_UNSPECIFIED
                                                         : to_proto(e.previous));
    to_proto(core_.fabric(), e.circuit, out.mutable_circuit());
    write_next_locked();
  }
  void write_next_locked() {
    if (writing_ || finished_ || queue_.empty()) return;
    writing_ = true;
    last_sent_ = queue_.front().sequence();
    StartWrite(&queue_.front());
  }
  void finish_locked(const grpc::Status& s) {
    if (finished_) return;
    finished_ = true;
    Finish(s);
  }

  core::Controller& core_;
  Executor& ex_;
  const core::WatchFilter filter_;
  core::WatchId id_ = 0;
  // Controller's thread only.
  std::uint64_t replayed_through_ = 0;
  std::vector<core::CircuitEvent> held_;
  std::mutex mu_;                       // the rest
  std::deque<v1::CircuitEvent> queue_;  // front is being written while writing_
  bool writing_ = false;
  bool finished_ = false;
  bool replaying_ = false;
  bool page_asked_ = false;
  std::uint64_t last_sent_ = 0;
};

// A watch refused by auth: finished before it starts.
class RefusedWatch final : public grpc::ServerWriteReactor<v1::CircuitEvent> {
 public:
  explicit RefusedWatch(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

}  // namespace

CircuitService::CircuitService(core::Controller& controller, Executor& executor, auth::Guard& guard,
                               CallObserver observe)
    : core_(controller), ex_(executor), guard_(guard), observe_(std::move(observe)) {}

grpc::ServerUnaryReactor* CircuitService::refuse(grpc::CallbackServerContext* ctx,
                                                 std::string_view method,
                                                 const grpc::Status& status) {
  if (observe_) observe_(method, status_code_name(status.error_code()), 0.0);
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

std::optional<grpc::Status> CircuitService::foreign(grpc::CallbackServerContext* ctx,
                                                    std::string_view method,
                                                    const auth::Identity& who,
                                                    const std::string& request_id,
                                                    const std::vector<CircuitId>& circuits) {
  if (who.role != auth::Role::kScheduler) return std::nullopt;
  std::vector<std::string> tenants;
  if (!request_id.empty()) {
    if (auto t = core_.request_tenant(request_id)) tenants.push_back(*t);
  }
  for (const CircuitId id : circuits) {
    if (auto c = core_.get(id)) tenants.push_back(c->tenant);
  }
  for (const auto& t : tenants) {
    auto ok = guard_.check_tenant(call_info(ctx, method), who, auth::Action::kReadCircuits, t);
    if (!ok) return to_status(ok.error());
  }
  return std::nullopt;
}

grpc::ServerUnaryReactor* CircuitService::on_core(grpc::CallbackServerContext* ctx,
                                                  std::string_view method,
                                                  std::function<void(Finish)> fn) {
  auto* reactor = ctx->DefaultReactor();
  const TimePoint start = ex_.now();
  Finish finish = [this, reactor, start, method = std::string(method)](const grpc::Status& s) {
    if (observe_) observe_(method, status_code_name(s.error_code()), (ex_.now() - start).seconds());
    reactor->Finish(s);
  };
  ex_.post([fn = std::move(fn), finish = std::move(finish)] { fn(finish); });
  return reactor;
}

grpc::ServerUnaryReactor* CircuitService::RequestCircuits(grpc::CallbackServerContext* ctx,
                                                          const v1::CircuitRequest* req,
                                                          v1::RequestCircuitsResponse* resp) {
  auto who = admit(guard_, ctx, "RequestCircuits", auth::Action::kRequestCircuits, req->tenant());
  if (!who) return refuse(ctx, "RequestCircuits", who.error());
  auto converted = from_proto(*req);
  // A scheduler's request is its tenant's, named or not.
  if (converted && who->role == auth::Role::kScheduler) converted->tenant = who->tenant;
  const bool dry = req->validate_only();
  return on_core(ctx, "RequestCircuits",
                 [this, converted = std::move(converted), dry, resp](Finish done) mutable {
                   if (!converted) return done(to_status(converted.error()));
                   auto answer = [this, dry, resp, done](core::ApiResult<core::RequestAnswer> r) {
                     if (!r) return done(to_status(r.error()));
                     to_proto(core_.fabric(), *r, resp);
                     resp->set_validate_only(dry);
                     done(grpc::Status::OK);
                   };
                   if (dry) return core_.dry_run(std::move(*converted), answer);
                   core_.request_circuits(std::move(*converted), answer);
                 });
}

grpc::ServerUnaryReactor* CircuitService::ReleaseCircuits(grpc::CallbackServerContext* ctx,
                                                          const v1::ReleaseCircuitsRequest* req,
                                                          v1::ReleaseCircuitsResponse* resp) {
  auto who = admit(guard_, ctx, "ReleaseCircuits", auth::Action::kReleaseCircuits, req->tenant());
  if (!who) return refuse(ctx, "ReleaseCircuits", who.error());
  core::ReleaseSpec spec{req->tenant(), req->request_id(), {}};
  for (auto id : req->circuit_ids())
    spec.circuits.push_back(CircuitId(static_cast<std::uint32_t>(id)));
  const bool empty = spec.request_id.empty() && spec.circuits.empty();
  return on_core(
      ctx, "ReleaseCircuits",
      [this, ctx, who = *who, spec = std::move(spec), empty, resp](Finish done) mutable {
        if (empty)
          return done({grpc::StatusCode::INVALID_ARGUMENT,
                       "request_id or circuit_ids: name what to release"});
        if (auto no = foreign(ctx, "ReleaseCircuits", who, spec.request_id, spec.circuits)) {
          return done(*no);
        }
        core_.release(std::move(spec), [resp, done](core::ApiResult<std::vector<CircuitId>> r) {
          if (!r) return done(to_status(r.error()));
          for (auto id : *r) resp->add_released_circuit_ids(id.value());
          done(grpc::Status::OK);
        });
      });
}

grpc::ServerUnaryReactor* CircuitService::ExtendLease(grpc::CallbackServerContext* ctx,
                                                      const v1::ExtendLeaseRequest* req,
                                                      v1::ExtendLeaseResponse* resp) {
  auto who = admit(guard_, ctx, "ExtendLease", auth::Action::kExtendLease, req->tenant());
  if (!who) return refuse(ctx, "ExtendLease", who.error());
  return on_core(ctx, "ExtendLease", [this, ctx, who = *who, r = *req, resp](Finish done) {
    if (r.request_id().empty())
      return done({grpc::StatusCode::INVALID_ARGUMENT, "request_id: required"});
    if (auto no = foreign(ctx, "ExtendLease", who, r.request_id(), {})) return done(*no);
    // Bounded before Duration::s, which overflows past ~292 years; the core
    // refuses zero (and so every negative value) with its own message.
    if (r.duration_seconds() > solver::kMaxLeaseSeconds)
      return done({grpc::StatusCode::INVALID_ARGUMENT,
                   "duration_seconds: a lease cannot be longer than " +
                       std::to_string(solver::kMaxLeaseSeconds) + " seconds (100 years)"});
    const Duration lease = Duration::s(std::max<std::int64_t>(r.duration_seconds(), 0));
    core_.extend_lease(r.tenant(), r.request_id(), lease,
                       [resp, done](core::ApiResult<TimePoint> end) {
                         if (!end) return done(to_status(end.error()));
                         resp->set_lease_expires_unix_ms(unix_ms(*end));
                         done(grpc::Status::OK);
                       });
  });
}

grpc::ServerUnaryReactor* CircuitService::GetCircuit(grpc::CallbackServerContext* ctx,
                                                     const v1::GetCircuitRequest* req,
                                                     v1::Circuit* resp) {
  auto who = admit(guard_, ctx, "GetCircuit", auth::Action::kReadCircuits, "");
  if (!who) return refuse(ctx, "GetCircuit", who.error());
  return on_core(ctx, "GetCircuit", [this, ctx, who = *who, id = req->id(), resp](Finish done) {
    if (id == 0 || id > 0xffffffffULL)
      return done({grpc::StatusCode::INVALID_ARGUMENT, "id: not a circuit id"});
    auto c = core_.get(CircuitId(static_cast<std::uint32_t>(id)));
    if (!c) return done(to_status(c.error()));
    if (auto ok = guard_.check_tenant(call_info(ctx, "GetCircuit"), who,
                                      auth::Action::kReadCircuits, c->tenant);
        !ok) {
      return done(to_status(ok.error()));
    }
    to_proto(core_.fabric(), *c, resp);
    done(grpc::Status::OK);
  });
}

grpc::ServerUnaryReactor* CircuitService::ListCircuits(grpc::CallbackServerContext* ctx,
                                                       const v1::ListCircuitsRequest* req,
                                                       v1::ListCircuitsResponse* resp) {
  auto who = admit(guard_, ctx, "ListCircuits", auth::Action::kReadCircuits, req->tenant());
  if (!who) return refuse(ctx, "ListCircuits", who.error());
  auto query = from_proto(*req);
  if (!query) return refuse(ctx, "ListCircuits", to_status(query.error()));
  // A scheduler lists its own tenant's circuits only.
  if (who->role == auth::Role::kScheduler) query->filter.tenant = who->tenant;
  return on_core(ctx, "ListCircuits", [this, q = std::move(*query), resp](Finish done) {
    to_proto(core_.fabric(), core_.list(q.filter, q.limit, q.after), resp);
    done(grpc::Status::OK);
  });
}

grpc::ServerWriteReactor<v1::CircuitEvent>* CircuitService::WatchCircuits(
    grpc::CallbackServerContext* ctx, const v1::WatchCircuitsRequest* req) {
  auto who = admit(guard_, ctx, "WatchCircuits", auth::Action::kWatchCircuits, req->tenant());
  if (!who) return new RefusedWatch(who.error());
  v1::WatchCircuitsRequest r = *req;
  // A scheduler watches its own tenant's circuits only.
  if (who->role == auth::Role::kScheduler) r.set_tenant(who->tenant);
  return new WatchReactor(core_, ex_, r);
}

}  // namespace lightpath::grpc_api
