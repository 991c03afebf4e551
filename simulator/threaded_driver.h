#pragma once
// Lets a driver that lives on one executor (thread) be used from another:
// every call hops to the driver's executor, and every answer and event hops
// back to the caller's. This is how the simulated switches run on their own
// thread beside lightpathd's controller, as remote devices would.

#include <memory>

#include "lightpath/executor.h"
#include "lightpath/southbound.h"

namespace lightpath::sim {

class ThreadedDriver final : public southbound::Driver {
 public:
  // `inner` is used only on `home`; `caller` receives every callback.
  // `calls`, when given, carries the calls to `home` instead: all but
  // subscribe() (which waits for its answer) and unsubscribe(), which go
  // straight there.
  ThreadedDriver(southbound::Driver& inner, Executor& home, Executor& caller,
                 Executor* calls = nullptr);
  ~ThreadedDriver() override;

  Result<southbound::DeviceInfo> describe() const override;
  void read_cross_connects(
      southbound::Callback<std::vector<southbound::CrossConnect>> done) override;
  void validate(const southbound::Batch& batch,
                southbound::Callback<southbound::Validation> done) override;
  void apply(southbound::Batch batch, southbound::Callback<southbound::ApplyReport> done) override;
  southbound::SubscriptionId subscribe(southbound::EventCallback on_event) override;
  void unsubscribe(southbound::SubscriptionId id) override;

 private:
  template <class T>
  southbound::Callback<T> back_to_caller(southbound::Callback<T> done) {
    return [caller = &caller_, done = std::move(done)](Result<T> r) mutable {
      caller->post([done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
    };
  }

  southbound::Driver& inner_;
  Executor& home_;
  Executor& caller_;
  Executor& calls_;
  // Set on the caller's side when the caller unsubscribes, so events already
  // on their way are dropped.
  struct Subscription {
    std::shared_ptr<bool> live = std::make_shared<bool>(true);
    southbound::SubscriptionId inner;
  };
  std::map<std::uint64_t, Subscription> subscriptions_;
  std::uint64_t next_ = 1;
};

}  // namespace lightpath::sim
