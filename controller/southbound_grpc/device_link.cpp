// The driver's side of the Subscribe stream: connect, hear events and
// heartbeats, notice silence, reconnect with backoff, and tell subscribers
// when the link comes and goes (AlarmEvent{kUnreachable}) apart from when
// the device itself goes down (AlarmEvent{kDeviceDown}).
#include <algorithm>

#include "controller/southbound_grpc/driver_state.h"

namespace lightpath::southbound_grpc {

using namespace southbound;
using State = GrpcDriver::State;

// One Subscribe attempt. Reads run on gRPC's threads; each message is posted
// to the driver's executor with the attempt's number, so messages of an
// attempt the driver has given up on are ignored there.
class EventStreamReader final : public grpc::ClientReadReactor<pb::DeviceEvent> {
 public:
  EventStreamReader(std::shared_ptr<State> state, std::uint64_t attempt)
      : state_(std::move(state)), attempt_(attempt) {
    request_.set_switch_id(state_->switch_id);
    request_.set_heartbeat_interval_ms(state_->options.heartbeat.count_ns() / 1'000'000);
  }

  void start() {
    state_->stub->async()->Subscribe(&context_, &request_, this);
    StartRead(&message_);
    StartCall();
  }

  void cancel() { context_.TryCancel(); }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // OnDone follows with the status
    state_->caller.post([s = state_, a = attempt_, m = std::move(message_)] {
      if (s->alive) s->on_message(a, m);
    });
    message_.Clear();
    StartRead(&message_);
  }

  void OnDone(const grpc::Status& status) override {
    state_->caller.post([s = state_, a = attempt_, status] {
      if (s->alive) s->on_stream_end(a, status);
    });
    {
      std::lock_guard lock(state_->mutex);
      if (state_->stream == this) state_->stream = nullptr;
    }
    state_->released.notify_all();
    delete this;
  }

 private:
  std::shared_ptr<State> state_;
  std::uint64_t attempt_;
  grpc::ClientContext context_;
  pb::SubscribeRequest request_;
  pb::DeviceEvent message_;
};

void State::connect() {
  reconnect_timer = TimerId{};
  if (!alive) return;
  auto* reader = new EventStreamReader(shared_from_this(), ++attempt);
  {
    std::lock_guard lock(mutex);
    if (closing) {
      delete reader;
      return;
    }
    stream = reader;
  }
  // Outside the lock: gRPC may end a call inside its start.
  reader->start();
  last_heard = caller.now();
  if (!watchdog.valid())
    watchdog = caller.schedule_after(options.heartbeat, [s = shared_from_this()] {
      s->watchdog = TimerId{};
      if (s->alive) s->check_heartbeat();
    });
}

void State::check_heartbeat() {
  const Duration silence = caller.now() - last_heard;
  if (silence > options.heartbeat * options.missed_heartbeats) {
    bool cancelled = false;
    {
      std::lock_guard lock(mutex);
      if (stream) {
        stream->cancel();
        cancelled = true;
      }
    }
    if (cancelled)
      link_lost("no heartbeat from the fabric at " + options.address + " for " +
                std::to_string(static_cast<long long>(silence.millis())) + " ms");
  }
  watchdog = caller.schedule_after(options.heartbeat, [s = shared_from_this()] {
    s->watchdog = TimerId{};
    if (s->alive) s->check_heartbeat();
  });
}

void State::on_message(std::uint64_t a, const pb::DeviceEvent& m) {
  if (a != attempt) return;
  last_heard = caller.now();
  switch (m.event_case()) {
    case pb::DeviceEvent::kStart: {
      const auto& start = m.start();
      info = from_proto(start.info());
      link_up = true;
      device_up = start.device_up();
      instance = m.instance();
      last_seq = m.seq();
      backoff = Duration();
      // What changed while the link was down, then the link itself, so a
      // subscriber that re-reads on kUnreachable cleared knows it all.
      std::string why = "switch " + switch_id + (device_up ? " is up" : " is down");
      for (const auto& al : start.active_alarms())
        if (al.kind() == pb::DEVICE_DOWN) why = al.message();
      report_device(!device_up, why);
      resync_alarms(start);
      if (reported_unreachable) {
        reported_unreachable = false;
        emit(AlarmEvent{caller.now(), AlarmKind::kUnreachable, -1, false,
                        "reached the fabric at " + options.address + " again"});
      }
      break;
    }
    case pb::DeviceEvent::kHeartbeat:
      break;
    default: {
      auto event = device_event(m, clock());
      if (!event) break;
      if (const auto* alarm = std::get_if<AlarmEvent>(&*event);
          alarm && alarm->kind == AlarmKind::kDeviceDown) {
        device_up = !alarm->raised;
        report_device(alarm->raised, alarm->message);
      } else {
        if (const auto* al = std::get_if<AlarmEvent>(&*event)) track_alarm(*al);
        emit(*event);
      }
    }
  }
  if (!alive || a != attempt) return;  // a subscriber may have destroyed the driver
  last_seq = std::max(last_seq, m.seq());
  release_parked(false);
}

void State::on_stream_end(std::uint64_t a, const grpc::Status& status) {
  if (a != attempt) return;
  if (link_up || !reported_unreachable)
    link_lost("lost the event stream of switch " + switch_id + " from the fabric at " +
              options.address + ": " + status_code_name(status.error_code()) +
              (status.error_message().empty() ? "" : ": " + status.error_message()));
  release_parked(true);
  // Retries come quickly at first, then no faster than reconnect_max, with
  // jitter so that many drivers do not knock at once.
  backoff =
      backoff == Duration() ? options.reconnect_min : std::min(backoff * 2, options.reconnect_max);
  std::uniform_int_distribution<std::int64_t> spread(0, backoff.count_ns() / 4);
  const Duration wait = backoff + Duration::ns(spread(jitter));
  reconnect_timer = caller.schedule_after(wait, [s = shared_from_this()] {
    if (s->alive) s->connect();
  });
}

void State::link_lost(const std::string& why) {
  link_up = false;
  down_reason = why;
  if (reported_unreachable) return;
  // Unreachable is not down: the mirrors hold while the link is away.
  reported_unreachable = true;
  emit(AlarmEvent{caller.now(), AlarmKind::kUnreachable, -1, true, why});
}

void State::report_device(bool down, const std::string& why) {
  if (down == reported_device_down) return;
  reported_device_down = down;
  emit(AlarmEvent{caller.now(), AlarmKind::kDeviceDown, -1, down, why});
}

void State::track_alarm(const AlarmEvent& alarm) {
  const auto key = std::make_pair(static_cast<int>(alarm.kind), alarm.port);
  if (alarm.raised)
    raised[key] = alarm;
  else
    raised.erase(key);
}

void State::resync_alarms(const pb::StreamStart& start) {
  std::map<std::pair<int, int>, AlarmEvent> now;
  for (const auto& a : start.active_alarms()) {
    if (a.kind() == pb::DEVICE_DOWN) continue;
    AlarmEvent e = from_proto(a, clock());
    now[{static_cast<int>(e.kind), e.port}] = e;
  }
  auto before = std::move(raised);
  raised.clear();
  for (auto& [key, old] : before)
    if (!now.count(key)) {
      AlarmEvent cleared = old;
      cleared.at = caller.now();
      cleared.raised = false;
      cleared.message = "cleared while the link to the fabric was down";
      track_alarm(cleared);
      emit(cleared);
    }
  for (auto& [key, e] : now)
    if (!before.count(key)) {
      track_alarm(e);
      emit(e);
    } else {
      raised[key] = e;
    }
}

void State::emit(const DeviceEvent& event) {
  // A subscriber may unsubscribe others, or itself, while hearing an event.
  std::vector<std::uint64_t> ids;
  ids.reserve(subscribers.size());
  for (const auto& [id, cb] : subscribers) ids.push_back(id);
  auto self = shared_from_this();  // a subscriber may destroy the driver
  for (auto id : ids) {
    if (!alive) return;
    if (auto it = subscribers.find(id); it != subscribers.end()) {
      auto cb = it->second;
      cb(event);
    }
  }
}

void State::release_parked(bool all) {
  std::vector<std::function<void()>> ready;
  auto keep = std::remove_if(parked.begin(), parked.end(), [&](Parked& p) {
    const bool go = all || !link_up || p.instance != instance || p.events_through <= last_seq;
    if (go) ready.push_back(std::move(p.deliver));
    return go;
  });
  parked.erase(keep, parked.end());
  for (auto& deliver : ready) {
    if (!alive) return;
    deliver();
  }
}

void State::shut_down() {
  alive = false;
  if (watchdog.valid()) caller.cancel(watchdog);
  if (reconnect_timer.valid()) caller.cancel(reconnect_timer);
  subscribers.clear();
  parked.clear();
  std::unique_lock lock(mutex);
  closing = true;
  if (stream) stream->cancel();
  // A callback run inside TryCancel removes its context from `calls`.
  const auto in_flight = calls;
  for (auto* ctx : in_flight)
    if (calls.count(ctx)) ctx->TryCancel();
  released.wait(lock, [&] { return calls.empty() && stream == nullptr; });
}

}  // namespace lightpath::southbound_grpc
