#pragma once
// The southbound driver over a simulated MEMS switch. Results and events are
// posted to the caller's executor, as a driver over a network would deliver
// them, so controller code cannot come to rely on re-entrant callbacks.

#include <map>
#include <memory>

#include "lightpath/executor.h"
#include "lightpath/southbound.h"
#include "simulator/mems_switch.h"

namespace lightpath::sim {

class SimDriver final : public southbound::Driver {
 public:
  // `device` and `caller` must outlive the driver and any call in flight.
  SimDriver(MemsSwitch& device, Executor& caller);
  ~SimDriver() override;
  SimDriver(const SimDriver&) = delete;
  SimDriver& operator=(const SimDriver&) = delete;

  Result<southbound::DeviceInfo> describe() const override;
  void read_cross_connects(
      southbound::Callback<std::vector<southbound::CrossConnect>> done) override;
  void validate(const southbound::Batch& batch,
                southbound::Callback<southbound::Validation> done) override;
  void apply(southbound::Batch batch, southbound::Callback<southbound::ApplyReport> done) override;
  southbound::SubscriptionId subscribe(southbound::EventCallback on_event) override;
  void unsubscribe(southbound::SubscriptionId id) override;

 private:
  using Subscribers = std::map<std::uint64_t, southbound::EventCallback>;
  MemsSwitch& device_;
  Executor& caller_;
  // Shared with posted deliveries, so that an unsubscribe (or the driver's
  // destruction) stops events already on their way.
  std::shared_ptr<Subscribers> subscribers_ = std::make_shared<Subscribers>();
  std::uint64_t next_subscription_ = 1;
  std::uint64_t listener_ = 0;
};

}  // namespace lightpath::sim
