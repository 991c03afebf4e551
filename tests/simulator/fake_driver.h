#pragma once
// A scriptable southbound driver for tests: an in-memory device that obeys
// the contract and fails on command. It passes the contract suite, so tests
// of the controller can trust it, and its scripted failures exercise the
// controller's error paths ("next apply fails", "apply only half", "device
// down", "port broken").

#include <map>
#include <memory>
#include <optional>
#include <set>

#include "lightpath/executor.h"
#include "lightpath/southbound.h"
#include "simulator/crossconnect_table.h"

namespace lightpath::testing {

struct FakeDriverOptions {
  std::string name = "fake";
  int port_count = 16;
  Duration apply_time = Duration::ms(5);  // ports stay busy this long
};

class FakeDriver final : public southbound::Driver {
 public:
  FakeDriver(Executor& executor, FakeDriverOptions options);
  ~FakeDriver() override;

  // Scripting. Each "next" takes effect on the next apply that passes
  // validation, then is forgotten.
  void fail_next_apply(std::string reason);
  void apply_only_half_next();
  void set_down(bool down);
  void break_port(int port);
  void fix_port(int port);
  // Delivers an arbitrary event to subscribers (e.g. a telemetry sample).
  void emit(southbound::DeviceEvent event);

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
  template <class T>
  void reply(southbound::Callback<T> done, Result<T> r) {
    executor_.post([done = std::move(done), r = std::move(r)]() mutable { done(std::move(r)); });
  }
  Error down_error() const;
  void port_event(int port);

  Executor& executor_;
  FakeDriverOptions options_;
  sim::CrossConnectTable table_;
  std::set<int> broken_;
  std::optional<std::string> fail_next_;
  bool half_next_ = false;
  bool down_ = false;
  std::shared_ptr<Subscribers> subscribers_ = std::make_shared<Subscribers>();
  std::uint64_t next_subscription_ = 1;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace lightpath::testing
