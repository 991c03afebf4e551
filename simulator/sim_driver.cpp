#include "simulator/sim_driver.h"

namespace lightpath::sim {

using namespace southbound;

SimDriver::SimDriver(MemsSwitch& device, Executor& caller) : device_(device), caller_(caller) {
  listener_ = device_.add_listener([this](const DeviceEvent& event) {
    if (subscribers_->empty()) return;
    auto shared = std::make_shared<const DeviceEvent>(event);
    for (const auto& [id, cb] : *subscribers_) {
      caller_.post([subs = std::weak_ptr<Subscribers>(subscribers_), id = id, shared] {
        auto alive = subs.lock();
        if (!alive) return;
        if (auto it = alive->find(id); it != alive->end()) it->second(*shared);
      });
    }
  });
}

SimDriver::~SimDriver() {
  device_.remove_listener(listener_);
  subscribers_->clear();
}

Result<DeviceInfo> SimDriver::describe() const {
  if (!device_.up())
    return unexpected(Error{std::string(kDeviceDown), "switch " + device_.name() + " is down"});
  const auto& s = device_.switching();
  return DeviceInfo{device_.name(), "simulated-mems", device_.port_count(),
                    SwitchingTime{s.min, s.max, s.settle}};
}

void SimDriver::read_cross_connects(Callback<std::vector<CrossConnect>> done) {
  caller_.post(
      [done = std::move(done), r = device_.cross_connects()]() mutable { done(std::move(r)); });
}

void SimDriver::validate(const Batch& batch, Callback<Validation> done) {
  caller_.post(
      [done = std::move(done), r = device_.validate(batch)]() mutable { done(std::move(r)); });
}

void SimDriver::apply(Batch batch, Callback<ApplyReport> done) {
  device_.apply(batch, [&caller = caller_, done = std::move(done)](Result<ApplyReport> r) mutable {
    caller.post([done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
  });
}

SubscriptionId SimDriver::subscribe(EventCallback on_event) {
  const std::uint64_t id = next_subscription_++;
  subscribers_->emplace(id, std::move(on_event));
  return SubscriptionId{id};
}

void SimDriver::unsubscribe(SubscriptionId id) {
  subscribers_->erase(id.value);
}

}  // namespace lightpath::sim
