#pragma once
// Strong value types for the physical quantities lightpath reasons about.
// Time is integer nanoseconds so that simulations are exact and reproducible;
// rates are integer bits per second; optical power is a double in dBm/dB
// because the loss arithmetic is logarithmic and never needs to be exact.

#include <cmath>
#include <compare>
#include <cstdint>

namespace lightpath {

class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration ns(std::int64_t v) { return Duration(v); }
  static constexpr Duration us(std::int64_t v) { return Duration(v * 1'000); }
  static constexpr Duration ms(std::int64_t v) { return Duration(v * 1'000'000); }
  static constexpr Duration s(std::int64_t v) { return Duration(v * 1'000'000'000); }
  // Rounds to the nearest nanosecond; for config values given as decimals.
  static Duration from_seconds(double sec) { return Duration(std::llround(sec * 1e9)); }
  static Duration from_ms(double msec) { return Duration(std::llround(msec * 1e6)); }
  static Duration from_us(double usec) { return Duration(std::llround(usec * 1e3)); }

  constexpr std::int64_t count_ns() const { return ns_; }
  constexpr double seconds() const { return static_cast<double>(ns_) / 1e9; }
  constexpr double millis() const { return static_cast<double>(ns_) / 1e6; }
  constexpr double micros() const { return static_cast<double>(ns_) / 1e3; }

  constexpr Duration operator+(Duration o) const { return Duration(ns_ + o.ns_); }
  constexpr Duration operator-(Duration o) const { return Duration(ns_ - o.ns_); }
  constexpr Duration operator*(std::int64_t k) const { return Duration(ns_ * k); }
  constexpr Duration& operator+=(Duration o) { ns_ += o.ns_; return *this; }
  constexpr Duration& operator-=(Duration o) { ns_ -= o.ns_; return *this; }
  constexpr auto operator<=>(const Duration&) const = default;

 private:
  constexpr explicit Duration(std::int64_t v) : ns_(v) {}
  std::int64_t ns_ = 0;
};

// A point on some clock (virtual in the simulator, steady in the daemon),
// as nanoseconds since that clock's epoch.
class TimePoint {
 public:
  constexpr TimePoint() = default;
  static constexpr TimePoint from_ns(std::int64_t v) { return TimePoint(v); }
  constexpr std::int64_t since_epoch_ns() const { return ns_; }
  constexpr TimePoint operator+(Duration d) const { return TimePoint(ns_ + d.count_ns()); }
  constexpr TimePoint operator-(Duration d) const { return TimePoint(ns_ - d.count_ns()); }
  constexpr Duration operator-(TimePoint o) const { return Duration::ns(ns_ - o.ns_); }
  constexpr TimePoint& operator+=(Duration d) { ns_ += d.count_ns(); return *this; }
  constexpr auto operator<=>(const TimePoint&) const = default;

 private:
  constexpr explicit TimePoint(std::int64_t v) : ns_(v) {}
  std::int64_t ns_ = 0;
};

class DataRate {
 public:
  constexpr DataRate() = default;
  static constexpr DataRate bps(std::int64_t v) { return DataRate(v); }
  static DataRate gbps(double v) { return DataRate(std::llround(v * 1e9)); }
  constexpr std::int64_t bits_per_second() const { return bps_; }
  constexpr double gbps() const { return static_cast<double>(bps_) / 1e9; }
  constexpr DataRate operator+(DataRate o) const { return DataRate(bps_ + o.bps_); }
  constexpr DataRate operator-(DataRate o) const { return DataRate(bps_ - o.bps_); }
  constexpr DataRate operator*(std::int64_t k) const { return DataRate(bps_ * k); }
  constexpr DataRate& operator+=(DataRate o) { bps_ += o.bps_; return *this; }
  constexpr auto operator<=>(const DataRate&) const = default;

 private:
  constexpr explicit DataRate(std::int64_t v) : bps_(v) {}
  std::int64_t bps_ = 0;
};

class Bytes {
 public:
  constexpr Bytes() = default;
  constexpr explicit Bytes(std::int64_t v) : n_(v) {}
  constexpr std::int64_t count() const { return n_; }
  constexpr Bytes operator+(Bytes o) const { return Bytes(n_ + o.n_); }
  constexpr auto operator<=>(const Bytes&) const = default;

 private:
  std::int64_t n_ = 0;
};

// Time to push `size` through `rate`, rounded up to a whole nanosecond.
inline Duration transfer_time(Bytes size, DataRate rate) {
  const long double ns = static_cast<long double>(size.count()) * 8.0L * 1e9L /
                         static_cast<long double>(rate.bits_per_second());
  return Duration::ns(static_cast<std::int64_t>(std::ceil(ns)));
}

class Length {
 public:
  constexpr Length() = default;
  static constexpr Length meters(double m) { return Length(m); }
  static constexpr Length km(double k) { return Length(k * 1000.0); }
  constexpr double in_meters() const { return m_; }
  constexpr double in_km() const { return m_ / 1000.0; }
  constexpr Length operator+(Length o) const { return Length(m_ + o.m_); }
  constexpr auto operator<=>(const Length&) const = default;

 private:
  constexpr explicit Length(double m) : m_(m) {}
  double m_ = 0.0;
};

// Light in standard single-mode fiber travels about 4.9 ns per meter.
inline constexpr double kFiberNsPerMeter = 4.9;
inline Duration propagation_delay(Length l) {
  return Duration::ns(std::llround(l.in_meters() * kFiberNsPerMeter));
}

// A ratio in decibels (loss, gain, margin).
class Decibels {
 public:
  constexpr Decibels() = default;
  static constexpr Decibels db(double v) { return Decibels(v); }
  constexpr double value() const { return v_; }
  constexpr Decibels operator+(Decibels o) const { return Decibels(v_ + o.v_); }
  constexpr Decibels operator-(Decibels o) const { return Decibels(v_ - o.v_); }
  constexpr Decibels operator*(double k) const { return Decibels(v_ * k); }
  constexpr Decibels& operator+=(Decibels o) { v_ += o.v_; return *this; }
  constexpr auto operator<=>(const Decibels&) const = default;

 private:
  constexpr explicit Decibels(double v) : v_(v) {}
  double v_ = 0.0;
};

// An absolute optical power in dBm (decibels relative to one milliwatt).
class PowerDbm {
 public:
  constexpr PowerDbm() = default;
  static constexpr PowerDbm dbm(double v) { return PowerDbm(v); }
  static PowerDbm from_milliwatts(double mw) { return PowerDbm(10.0 * std::log10(mw)); }
  constexpr double value() const { return v_; }
  double milliwatts() const { return std::pow(10.0, v_ / 10.0); }
  constexpr PowerDbm operator-(Decibels loss) const { return PowerDbm(v_ - loss.value()); }
  constexpr PowerDbm operator+(Decibels gain) const { return PowerDbm(v_ + gain.value()); }
  constexpr Decibels operator-(PowerDbm o) const { return Decibels::db(v_ - o.v_); }
  constexpr auto operator<=>(const PowerDbm&) const = default;

 private:
  constexpr explicit PowerDbm(double v) : v_(v) {}
  double v_ = 0.0;
};

}  // namespace lightpath
