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
  calls_.post([&inner = inner_, done = back_to_caller(std::move(done))]() mutable {
    inner.read_cross_connects(std::move(done));
  });
}

void ThreadedDriver::validate(const Batch& batch, Callback<Validation> done) {
  calls_.post([&inner = inner_, batch, done = back_to_caller(std::move(done))]() mutable {
    inner.validate(batch, std::move(done));
  });
}

void ThreadedDriver::apply(Batch batch, Callback<ApplyReport> done) {
  calls_.post([&inner = inner_, batch = std::move(batch),
               done = back_to_caller(std::move(done))]() mutable {
    inner.apply(std::move(batch), std::move(done));
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
  // The task may run after this driver is gone (a controller unsubscribes as
  // it stops, just before the driver set is torn down): it names only the
  // inner driver, which lives on the home thread until everything queued
  // there before its teardown has run.
  home_.post([&inner = inner_, sub = it->second.inner] { inner.unsubscribe(sub); });
  subscriptions_.erase(it);
}

}  // namespace lightpath::sim
