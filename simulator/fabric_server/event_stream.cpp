#include "simulator/fabric_server/event_stream.h"

namespace lightpath::fabric_server {

EventStream::EventStream(FabricHost& host, SwitchHub& hub, Duration heartbeat)
    : host_(host), hub_(hub), heartbeat_(heartbeat) {
  outbox_->stream = this;
  host_.post([outbox = outbox_] {
    std::lock_guard lock(outbox->mutex);
    if (outbox->stream) outbox->stream->start_on_model();
  });
}

void EventStream::start_on_model() {
  // The start message and the sink are set up in one task of the model's
  // thread, so no event falls between the snapshot and the stream.
  push_locked(hub_.start_message());
  outbox_->sink = hub_.add_sink([outbox = outbox_](const pb::DeviceEvent& e) {
    std::lock_guard lock(outbox->mutex);
    if (outbox->stream) outbox->stream->push_locked(e);
  });
  host_.executor().schedule_after(heartbeat_, [outbox = outbox_, &host = host_, &hub = hub_,
                                               d = heartbeat_] { beat(outbox, host, hub, d); });
}

void EventStream::beat(std::shared_ptr<Outbox> outbox, FabricHost& host, SwitchHub& hub,
                       Duration interval) {
  // On the model's thread, where the hub lives; a stream gone since the
  // timer was set ends the beat.
  std::lock_guard lock(outbox->mutex);
  if (!outbox->stream) return;
  outbox->stream->push_locked(hub.heartbeat_message());
  host.executor().schedule_after(
      interval, [outbox, &host, &hub, interval] { beat(outbox, host, hub, interval); });
}

void EventStream::push_locked(const pb::DeviceEvent& event) {
  if (finished_) return;
  if (queue_.size() >= kMaxQueued) {
    finish_locked(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                               "subscriber too slow: more than " + std::to_string(kMaxQueued) +
                                   " events queued; subscribe again"));
    return;
  }
  queue_.push_back(event);
  if (!writing_) {
    writing_ = true;
    StartWrite(&queue_.front());
  }
}

void EventStream::OnWriteDone(bool ok) {
  auto outbox = outbox_;  // keeps the mutex alive should the stream end inside
  std::lock_guard lock(outbox->mutex);
  writing_ = false;
  queue_.pop_front();
  if (!ok) return finish_locked(grpc::Status(grpc::StatusCode::CANCELLED, "stream closed"));
  if (!queue_.empty() && !finished_) {
    writing_ = true;
    StartWrite(&queue_.front());
  }
}

void EventStream::OnCancel() {
  auto outbox = outbox_;
  std::lock_guard lock(outbox->mutex);
  finish_locked(grpc::Status::CANCELLED);
}

void EventStream::finish_locked(grpc::Status status) {
  if (finished_) return;
  finished_ = true;
  Finish(std::move(status));
}

void EventStream::OnDone() {
  auto outbox = outbox_;
  std::uint64_t sink = 0;
  {
    std::lock_guard lock(outbox->mutex);
    outbox->stream = nullptr;
    sink = outbox->sink;
  }
  // The sink is removed on the model's thread, where the hub lives; until
  // then it finds the outbox empty and drops what it hears.
  if (sink) host_.post([&hub = hub_, sink] { hub.remove_sink(sink); });
  delete this;
}

}  // namespace lightpath::fabric_server
