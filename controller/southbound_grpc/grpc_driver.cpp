#include "controller/southbound_grpc/grpc_driver.h"

#include <chrono>

#include "controller/southbound_grpc/driver_state.h"

namespace lightpath::southbound_grpc {

using namespace southbound;
using State = GrpcDriver::State;

State::State(std::string id, std::shared_ptr<grpc::Channel> channel, Executor& ex,
             GrpcDriverOptions o)
    : switch_id(std::move(id)),
      stub(pb::DeviceService::NewStub(std::move(channel))),
      caller(ex),
      options(std::move(o)),
      jitter(static_cast<std::uint32_t>(std::hash<std::string>{}(switch_id))) {}

FromUnixNs State::clock() const {
  // The device stamps wall-clock time; the caller's clock may have any epoch.
  const std::int64_t unix_now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
  const std::int64_t offset = caller.now().since_epoch_ns() - unix_now;
  return [offset](std::int64_t t) { return TimePoint::from_ns(t + offset); };
}

void State::track(grpc::ClientContext* ctx) {
  std::lock_guard lock(mutex);
  calls.insert(ctx);
  if (closing) ctx->TryCancel();
}

void State::untrack(grpc::ClientContext* ctx) {
  {
    std::lock_guard lock(mutex);
    calls.erase(ctx);
  }
  released.notify_all();
}

void State::set_deadline(grpc::ClientContext& ctx, Duration timeout) const {
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::nanoseconds(timeout.count_ns()));
}

std::function<void(grpc::Status)> State::on_done(grpc::ClientContext* ctx,
                                                 std::function<void(const grpc::Status&)> finish) {
  ++pending;
  track(ctx);
  return [s = shared_from_this(), ctx, finish = std::move(finish)](grpc::Status status) {
    // Posted before letting go of the context, so a driver being destroyed
    // waits for this post and its executor is still there to take it.
    s->caller.post([s, finish, status] {
      if (!s->alive) return;
      --s->pending;
      finish(status);
    });
    s->untrack(ctx);
  };
}

namespace {

// A unary call's context, request and reply, alive until its callback has run.
template <class Req, class Resp>
struct Call {
  grpc::ClientContext context;
  Req request;
  Resp reply;
};

}  // namespace

GrpcDriver::GrpcDriver(std::string switch_id, std::shared_ptr<grpc::Channel> channel,
                       Executor& caller, GrpcDriverOptions options)
    : state_(std::make_shared<State>(std::move(switch_id), std::move(channel), caller,
                                     std::move(options))) {
  // The stream starts from the executor, where all link state lives.
  caller.post([s = state_] {
    if (s->alive) s->connect();
  });
}

GrpcDriver::~GrpcDriver() {
  state_->shut_down();
}

Result<DeviceInfo> GrpcDriver::describe() const {
  const State& s = *state_;
  if (!s.link_up || !s.info)
    return unexpected(
        Error{std::string(kDeviceDown), "switch " + s.switch_id + ": " + s.down_reason});
  if (!s.device_up)
    return unexpected(Error{std::string(kDeviceDown), "switch " + s.switch_id + " is down"});
  return *s.info;
}

void GrpcDriver::read_cross_connects(Callback<std::vector<CrossConnect>> done) {
  auto call = std::make_shared<Call<pb::ReadCrossConnectsRequest, pb::ReadCrossConnectsReply>>();
  call->request.set_switch_id(state_->switch_id);
  state_->set_deadline(call->context, state_->options.call_timeout);
  auto finish = [s = state_.get(), call, done = std::move(done)](const grpc::Status& status) {
    if (!status.ok()) return done(unexpected(from_status(status, s->options.address)));
    std::vector<CrossConnect> out;
    for (const auto& x : call->reply.cross_connects()) out.push_back(from_proto(x).normalized());
    std::sort(out.begin(), out.end());
    done(std::move(out));
  };
  state_->stub->async()->ReadCrossConnects(&call->context, &call->request, &call->reply,
                                           state_->on_done(&call->context, std::move(finish)));
}

void GrpcDriver::validate(const Batch& batch, Callback<Validation> done) {
  auto call = std::make_shared<Call<pb::ValidateBatchRequest, pb::ValidateBatchReply>>();
  call->request.set_switch_id(state_->switch_id);
  *call->request.mutable_batch() = to_proto(batch);
  state_->set_deadline(call->context, state_->options.call_timeout);
  auto finish = [s = state_.get(), call, done = std::move(done)](const grpc::Status& status) {
    if (!status.ok()) return done(unexpected(from_status(status, s->options.address)));
    done(from_proto(call->reply));
  };
  state_->stub->async()->ValidateBatch(&call->context, &call->request, &call->reply,
                                       state_->on_done(&call->context, std::move(finish)));
}

void GrpcDriver::apply(Batch batch, Callback<ApplyReport> done) {
  auto call = std::make_shared<Call<pb::ApplyBatchRequest, pb::ApplyBatchReply>>();
  call->request.set_switch_id(state_->switch_id);
  *call->request.mutable_batch() = to_proto(batch);
  state_->set_deadline(call->context, state_->options.apply_timeout);
  auto finish = [s = state_.get(), call, done = std::move(done)](const grpc::Status& status) {
    if (!status.ok()) return done(unexpected(from_status(status, s->options.address)));
    auto deliver = [done, report = from_proto(call->reply, s->clock())]() mutable {
      done(std::move(report));
    };
    const auto& r = call->reply;
    if (!s->link_up || r.instance() != s->instance || r.events_through() <= s->last_seq)
      return deliver();
    // Held until the stream has delivered the port events before it; still
    // counted as pending until then.
    ++s->pending;
    s->parked.push_back(State::Parked{r.instance(), r.events_through(),
                                      [s, deliver = std::move(deliver)]() mutable {
                                        --s->pending;
                                        deliver();
                                      }});
  };
  state_->stub->async()->ApplyBatch(&call->context, &call->request, &call->reply,
                                    state_->on_done(&call->context, std::move(finish)));
}

SubscriptionId GrpcDriver::subscribe(EventCallback on_event) {
  const std::uint64_t id = state_->next_subscriber++;
  state_->subscribers.emplace(id, std::move(on_event));
  return SubscriptionId{id};
}

void GrpcDriver::unsubscribe(SubscriptionId id) {
  state_->subscribers.erase(id.value);
}

std::size_t GrpcDriver::pending_calls() const {
  return state_->pending;
}

bool GrpcDriver::link_up() const {
  return state_->link_up;
}

}  // namespace lightpath::southbound_grpc
