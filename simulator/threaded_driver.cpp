#include "simulator/threaded_driver.h"

#include <future>

namespace lightpath::sim {

using namespace southbound;

ThreadedDriver::ThreadedDriver(Driver& inner, Executor& home, Executor& caller, Executor* calls)
    : inner_(inner), home_(home), caller_(caller), calls_(calls ? *calls : home) {}

ThreadedDriver::~ThreadedDriver() {
  for (auto& [id, s] : subscriptions_) *s.live = false;
}

Result<DeviceInfo> ThreadedDriver::describe() const {
  // The description is fixed at construction, so reading it here is safe.
  return inner_.describe();
}

void ThreadedDriver::read_cross_connects(Callback<std::vector<CrossConnect>> done) {
  calls_.post([this, done = back_to_caller(std::move(done))]() mutable {
    inner_.read_cross_connects(std::move(done));
  });
}

void ThreadedDriver::validate(const Batch& batch, Callback<Validation> done) {
  calls_.post([this, batch, done = back_to_caller(std::move(done))]() mutable {
    inner_.validate(batch, std::move(done));
  });
}

void ThreadedDriver::apply(Batch batch, Callback<ApplyReport> done) {
  calls_.post([this, batch = std::move(batch), done = back_to_caller(std::move(done))]() mutable {
    inner_.apply(std::move(batch), std::move(done));
  });
}

SubscriptionId ThreadedDriver::subscribe(EventCallback on_event) {
  const std::uint64_t id = next_++;
  Subscription& sub = subscriptions_[id];
  auto live = sub.live;
  // The inner subscription is made on the driver's own thread; its id comes
  // back through a future because unsubscribe needs it later.
  std::promise<SubscriptionId> made;
  auto inner_id = made.get_future();
  // Shared, not copied into every event's task: a port event is small, the
  // callback and what it holds are not.
  auto fn = std::make_shared<const EventCallback>(std::move(on_event));
  home_.post([this, live, fn, &made]() mutable {
    made.set_value(inner_.subscribe([caller = &caller_, live, fn](const DeviceEvent& e) {
      caller->post([live, fn, e] {
        if (*live) (*fn)(e);
      });
    }));
  });
  sub.inner = inner_id.get();
  return SubscriptionId{id};
}

void ThreadedDriver::unsubscribe(SubscriptionId id) {
  auto it = subscriptions_.find(id.value);
  if (it == subscriptions_.end()) return;
  *it->second.live = false;
  home_.post([this, inner = it->second.inner] { inner_.unsubscribe(inner); });
  subscriptions_.erase(it);
}

}  // namespace lightpath::sim
