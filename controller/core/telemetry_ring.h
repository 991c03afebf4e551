#pragma once
// The recent telemetry samples of one port in a fixed ring of compact
// records: a large fabric has tens of thousands of connected ports, and a
// sample in full (doubles, the port number) would triple the memory.

#include <cstdint>
#include <vector>

#include "controller/core/controller.h"

namespace lightpath::core {

class TelemetryRing {
 public:
  void push(const TelemetrySample& s, std::size_t capacity) {
    const Compact c{s.at.since_epoch_ns(), static_cast<float>(s.reading.input_power.value()),
                    static_cast<float>(s.reading.output_power.value()),
                    static_cast<float>(s.reading.osnr.value()), static_cast<float>(s.reading.ber)};
    if (ring_.size() < capacity) {
      // Exactly the ring's size: growth by doubling would leave most of a
      // second ring unused on every connected port.
      if (ring_.empty()) ring_.reserve(capacity);
      ring_.push_back(c);
      return;
    }
    ring_[next_] = c;
    next_ = (next_ + 1) % ring_.size();
  }

  bool empty() const { return ring_.empty(); }

  // Oldest first.
  std::vector<TelemetrySample> samples(int port) const {
    std::vector<TelemetrySample> out;
    out.reserve(ring_.size());
    for (std::size_t i = 0; i < ring_.size(); ++i)
      out.push_back(expand(ring_[(next_ + i) % ring_.size()], port));
    return out;
  }

  TelemetrySample latest(int port) const {
    return expand(ring_[(next_ + ring_.size() - 1) % ring_.size()], port);
  }

 private:
  struct Compact {
    std::int64_t at_ns;
    float input_dbm, output_dbm, osnr_db, ber;
  };
  static TelemetrySample expand(const Compact& c, int port) {
    southbound::PortTelemetry t;
    t.port = port;
    t.input_power = PowerDbm::dbm(c.input_dbm);
    t.output_power = PowerDbm::dbm(c.output_dbm);
    t.osnr = Decibels::db(c.osnr_db);
    t.ber = c.ber;
    return {TimePoint::from_ns(c.at_ns), t};
  }

  std::vector<Compact> ring_;
  std::size_t next_ = 0;  // the oldest sample once the ring is full
};

}  // namespace lightpath::core
