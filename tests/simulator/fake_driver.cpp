#include "fake_driver.h"

#include <algorithm>

namespace lightpath::testing {

using namespace southbound;

FakeDriver::FakeDriver(Executor& executor, FakeDriverOptions options)
    : executor_(executor), options_(std::move(options)), table_(options_.port_count) {}

FakeDriver::~FakeDriver() {
  *alive_ = false;
  subscribers_->clear();
}

void FakeDriver::fail_next_apply(std::string reason) {
  fail_next_ = std::move(reason);
}
void FakeDriver::apply_only_half_next() {
  half_next_ = true;
}
void FakeDriver::break_port(int port) {
  broken_.insert(port);
}
void FakeDriver::fix_port(int port) {
  broken_.erase(port);
}

void FakeDriver::set_down(bool down) {
  if (down == down_) return;
  down_ = down;
  emit(AlarmEvent{executor_.now(), AlarmKind::kDeviceDown, -1, down,
                  options_.name + (down ? " is down" : " is up")});
}

void FakeDriver::emit(DeviceEvent event) {
  auto shared = std::make_shared<const DeviceEvent>(std::move(event));
  for (const auto& [id, cb] : *subscribers_)
    executor_.post([subs = std::weak_ptr<Subscribers>(subscribers_), id = id, shared] {
      auto alive = subs.lock();
      if (!alive) return;
      if (auto it = alive->find(id); it != alive->end()) it->second(*shared);
    });
}

void FakeDriver::port_event(int port) {
  const int peer = table_.peer(port);
  const auto status = table_.busy(port) ? PortStatus::kSwitching
                      : peer >= 0       ? PortStatus::kConnected
                                        : PortStatus::kIdle;
  emit(PortEvent{executor_.now(), port, status, peer});
}

Error FakeDriver::down_error() const {
  return Error{std::string(kDeviceDown), options_.name + " is down (scripted)"};
}

Result<DeviceInfo> FakeDriver::describe() const {
  if (down_) return unexpected(down_error());
  return DeviceInfo{options_.name, "fake", options_.port_count,
                    SwitchingTime{options_.apply_time, options_.apply_time, Duration()}};
}

void FakeDriver::read_cross_connects(Callback<std::vector<CrossConnect>> done) {
  if (down_) return reply<std::vector<CrossConnect>>(std::move(done), unexpected(down_error()));
  reply<std::vector<CrossConnect>>(std::move(done), table_.list());
}

void FakeDriver::validate(const Batch& batch, Callback<Validation> done) {
  if (down_) return reply<Validation>(std::move(done), unexpected(down_error()));
  auto moved = table_.check(batch);
  if (!moved) return reply<Validation>(std::move(done), unexpected(std::move(moved).error()));
  const int moves = static_cast<int>(moved->size());
  reply<Validation>(std::move(done), Validation{moves, moves ? options_.apply_time : Duration()});
}

void FakeDriver::apply(Batch batch, Callback<ApplyReport> done) {
  if (down_) return reply<ApplyReport>(std::move(done), unexpected(down_error()));
  auto moved = table_.check(batch);
  if (!moved) return reply<ApplyReport>(std::move(done), unexpected(std::move(moved).error()));
  if (fail_next_) {
    Error e{std::string(kApplyFailed), "scripted failure: " + *fail_next_};
    fail_next_.reset();
    return reply<ApplyReport>(std::move(done), unexpected(std::move(e)));
  }
  // Operations in order, disconnects first; "half" keeps the first half,
  // so a connect never lands without the disconnect it depends on.
  struct Op {
    CrossConnect x;
    bool connect;
  };
  std::vector<Op> ops;
  for (const auto& d : batch.disconnects) ops.push_back({d.normalized(), false});
  for (const auto& c : batch.connects) ops.push_back({c.normalized(), true});
  const std::size_t keep = half_next_ ? (ops.size() + 1) / 2 : ops.size();
  half_next_ = false;

  ApplyReport report;
  report.started_at = executor_.now();
  std::vector<int> touched;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const auto& [x, connect] = ops[i];
    int bad = broken_.count(x.a) ? x.a : broken_.count(x.b) ? x.b : -1;
    std::string why = "port is broken (scripted)";
    if (bad < 0 && i >= keep) {
      bad = x.a;
      why = "not applied: told to apply only half (scripted)";
    }
    if (bad < 0 && connect)
      for (int p : {x.a, x.b})
        if (bad < 0 && table_.peer(p) >= 0) {
          bad = p;
          why = "still connected: its disconnect was not applied";
        }
    if (bad >= 0) {
      report.failures.push_back({bad, why});
      continue;
    }
    if (connect) {
      table_.connect(x.a, x.b);
      report.connected.push_back(x);
    } else {
      table_.disconnect(x.a, x.b);
      report.disconnected.push_back(x);
    }
    touched.insert(touched.end(), {x.a, x.b});
  }
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (int p : touched) table_.set_busy(p, true);
  for (int p : touched) port_event(p);
  report.settled_at = report.started_at + (touched.empty() ? Duration() : options_.apply_time);
  executor_.schedule_after(report.settled_at - report.started_at,
                           [this, alive = alive_, touched, report = std::move(report),
                            done = std::move(done)]() mutable {
                             if (*alive) {
                               for (int p : touched) table_.set_busy(p, false);
                               for (int p : touched) port_event(p);
                               if (down_) return done(unexpected(down_error()));
                             }
                             done(std::move(report));
                           });
}

SubscriptionId FakeDriver::subscribe(EventCallback on_event) {
  const std::uint64_t id = next_subscription_++;
  subscribers_->emplace(id, std::move(on_event));
  return SubscriptionId{id};
}

void FakeDriver::unsubscribe(SubscriptionId id) {
  subscribers_->erase(id.value);
}

}  // namespace lightpath::testing
