#include "controller/core/switch_programmer.h"

#include <algorithm>
#include <iterator>

namespace lightpath::core {

using southbound::CrossConnect;

SwitchProgrammer::SwitchProgrammer(Executor& executor,
                                   std::map<SwitchId, southbound::Driver*> drivers,
                                   Duration retry_delay, OnChange on_change, OnDrift on_drift)
    : ex_(executor),
      drivers_(std::move(drivers)),
      retry_delay_(retry_delay),
      on_change_(std::move(on_change)),
      on_drift_(std::move(on_drift)) {
  for (const auto& [sw, d] : drivers_) devices_[sw].driver = d;
}

SwitchProgrammer::~SwitchProgrammer() {
  *alive_ = false;
  for (auto& [sw, dev] : devices_)
    if (dev.retry.valid()) ex_.cancel(dev.retry);
  if (reconcile_timer_.valid()) ex_.cancel(reconcile_timer_);
}

void SwitchProgrammer::reconcile_every(Duration interval) {
  reconcile_interval_ = interval;
  if (reconcile_timer_.valid()) ex_.cancel(reconcile_timer_);
  reconcile_timer_ = TimerId{};
  if (interval.count_ns() > 0)
    reconcile_timer_ = ex_.schedule_after(interval, [this] { reconcile_pass(); });
}

void SwitchProgrammer::reconcile_pass() {
  reconcile_timer_ = TimerId{};
  // A switch being retried is read by its retry; the others now.
  for (auto& [sw, dev] : devices_)
    if (!dev.retry.valid()) resync(sw);
  reconcile_every(reconcile_interval_);
}

void SwitchProgrammer::report_drift(SwitchId sw, Device& dev, const ActualSet& got) {
  if (!dev.known || !on_drift_) return;
  std::vector<CrossConnect> missing, unexpected;
  for (const auto& xc : dev.actual)
    if (!got.count(xc) && !dev.uncertain.count(xc)) missing.push_back(xc);
  for (const auto& xc : got)
    if (!dev.actual.count(xc) && !dev.uncertain.count(xc)) unexpected.push_back(xc);
  // In cross-connect order, as they are named in the drift alarm.
  std::sort(missing.begin(), missing.end());
  std::sort(unexpected.begin(), unexpected.end());
  on_drift_(sw, missing, unexpected);
}

void SwitchProgrammer::want(SwitchId sw, CrossConnect xc) {
  auto it = devices_.find(sw);
  if (it == devices_.end()) return;
  xc = xc.normalized();
  if (it->second.desired[xc]++ == 0) {
    it->second.dirty.insert(xc);
    pump_soon(sw);
  }
}

void SwitchProgrammer::unwant(SwitchId sw, CrossConnect xc) {
  auto it = devices_.find(sw);
  if (it == devices_.end()) return;
  xc = xc.normalized();
  auto d = it->second.desired.find(xc);
  if (d == it->second.desired.end()) return;
  if (--d->second == 0) {
    it->second.desired.erase(d);
    it->second.dirty.insert(xc);
    pump_soon(sw);
  }
}

bool SwitchProgrammer::wanted(SwitchId sw, CrossConnect xc) const {
  auto it = devices_.find(sw);
  return it != devices_.end() && it->second.desired.count(xc.normalized()) != 0;
}

void SwitchProgrammer::pump_soon(SwitchId sw) {
  auto& dev = devices_.at(sw);
  if (dev.pump_posted) return;
  dev.pump_posted = true;
  ex_.post([this, sw, alive = alive_] {
    if (!*alive) return;
    devices_.at(sw).pump_posted = false;
    pump(sw);
  });
}

void SwitchProgrammer::resync_all() {
  for (auto& [sw, dev] : devices_) resync(sw);
}

void SwitchProgrammer::resync(SwitchId sw) {
  auto& dev = devices_.at(sw);
  dev.synced = false;
  if (dev.busy) return;  // the in-flight call finishes first, then pump() reads
  dev.busy = true;
  dev.driver->read_cross_connects(
      [this, sw, alive = alive_](Result<std::vector<CrossConnect>> got) {
        if (!*alive) return;
        auto& d = devices_.at(sw);
        d.busy = false;
        if (!got) {
          d.up = false;
          on_change_(sw, {}, false);
          retry_later(sw);
          return;
        }
        d.up = true;
        ++reads_;
        ActualSet now(got->begin(), got->end());
        report_drift(sw, d, now);
        d.actual = std::move(now);
        d.uncertain.clear();
        d.known = true;
        d.synced = true;
        // Everything may differ after a fresh read.
        d.dirty = XcSet(d.actual.begin(), d.actual.end());
        for (const auto& [xc, n] : d.desired) d.dirty.insert(xc);
        on_change_(sw, {}, true);
        pump(sw);
      });
}

void SwitchProgrammer::pump(SwitchId sw) {
  auto& dev = devices_.at(sw);
  if (dev.busy || dev.retry.valid()) return;
  if (!dev.synced) {
    resync(sw);
    return;
  }
  southbound::Batch batch;
  for (const auto& xc : dev.dirty) {
    const bool want = dev.desired.count(xc) != 0;
    const bool have = dev.actual.count(xc) != 0;
    if (have && !want) batch.disconnects.push_back(xc);
    if (want && !have) batch.connects.push_back(xc);
  }
  dev.dirty.clear();
  if (batch.disconnects.empty() && batch.connects.empty()) return;
  dev.busy = true;
  XcSet sent(batch.disconnects.begin(), batch.disconnects.end());
  sent.insert(batch.connects.begin(), batch.connects.end());
  dev.driver->apply(std::move(batch), [this, sw, sent = std::move(sent),
                                       alive = alive_](Result<southbound::ApplyReport> r) {
    if (!*alive) return;
    auto& d = devices_.at(sw);
    d.busy = false;
    if (!r) {
      // A call that failed may still have been carried out (a timeout):
      // the next read decides, and its changes are not drift.
      d.uncertain.insert(sent.begin(), sent.end());
      // Whatever this batch carried still needs doing.
      for (const auto& [xc, n] : d.desired) d.dirty.insert(xc);
      for (const auto& xc : d.actual) d.dirty.insert(xc);
      if (r.error().code == southbound::kInvalidBatch) {
        // Our picture of the device is wrong; read it before trying again.
        resync(sw);
      } else {
        d.up = false;
        on_change_(sw, {}, false);
        retry_later(sw);
      }
      return;
    }
    d.up = true;
    ++d.reconfigurations;
    for (const auto& x : r->disconnected) d.actual.erase(x.normalized());
    for (const auto& x : r->connected) d.actual.insert(x.normalized());
    on_change_(sw, r->failures, false);
    // Failed cross-connects are not retried here: the owner decides whether
    // they are still wanted and updates the desired set.
    if (r->failures.empty()) pump(sw);
  });
}

void SwitchProgrammer::retry_later(SwitchId sw) {
  auto& dev = devices_.at(sw);
  if (dev.retry.valid()) return;
  dev.retry = ex_.schedule_after(retry_delay_, [this, sw] {
    auto& d = devices_.at(sw);
    d.retry = TimerId{};
    d.synced = false;
    pump(sw);
  });
}

const SwitchProgrammer::ActualSet& SwitchProgrammer::actual(SwitchId sw) const {
  static const ActualSet kNone;  // NOLINT: an immutable empty value, not shared state
  auto it = devices_.find(sw);
  return it == devices_.end() ? kNone : it->second.actual;
}

bool SwitchProgrammer::synced(SwitchId sw) const {
  auto it = devices_.find(sw);
  return it != devices_.end() && it->second.synced;
}

bool SwitchProgrammer::up(SwitchId sw) const {
  auto it = devices_.find(sw);
  return it != devices_.end() && it->second.up;
}

std::uint64_t SwitchProgrammer::reconfigurations(SwitchId sw) const {
  auto it = devices_.find(sw);
  return it == devices_.end() ? 0 : it->second.reconfigurations;
}

southbound::Driver* SwitchProgrammer::driver(SwitchId sw) const {
  auto it = drivers_.find(sw);
  return it == drivers_.end() ? nullptr : it->second;
}

}  // namespace lightpath::core
