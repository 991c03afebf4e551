#include <doctest/doctest.h>

#include "lightpath/units.h"

using namespace lightpath;

TEST_CASE("durations are integer nanoseconds") {
  CHECK(Duration::ms(3).count_ns() == 3'000'000);
  CHECK(Duration::from_ms(1.5).count_ns() == 1'500'000);
  CHECK(Duration::s(1) - Duration::ms(1) == Duration::us(999'000));
  CHECK((TimePoint::from_ns(10) + Duration::ns(5)).since_epoch_ns() == 15);
  CHECK(TimePoint::from_ns(30) - TimePoint::from_ns(10) == Duration::ns(20));
}

TEST_CASE("transfer time rounds up to whole nanoseconds") {
  // 1 GB at 100 Gb/s is 80 ms exactly.
  CHECK(transfer_time(Bytes(1'000'000'000), DataRate::gbps(100)) == Duration::ms(80));
  // One byte at 3 b/s is 8/3 s: rounded up.
  CHECK(transfer_time(Bytes(1), DataRate::bps(3)).count_ns() == 2'666'666'667);
}

TEST_CASE("fiber propagation is about 4.9 ns per meter") {
  CHECK(propagation_delay(Length::meters(100)) == Duration::ns(490));
  CHECK(propagation_delay(Length::km(1)) == Duration::us(4) + Duration::ns(900));
}

TEST_CASE("optical power arithmetic in dBm and dB") {
  const PowerDbm launch = PowerDbm::dbm(2.0);
  const PowerDbm rx = launch - Decibels::db(5.5);
  CHECK(rx.value() == doctest::Approx(-3.5));
  CHECK((launch - rx).value() == doctest::Approx(5.5));
  CHECK(PowerDbm::from_milliwatts(1.0).value() == doctest::Approx(0.0));
  CHECK(PowerDbm::dbm(10.0).milliwatts() == doctest::Approx(10.0));
}

TEST_CASE("data rates") {
  CHECK(DataRate::gbps(400).bits_per_second() == 400'000'000'000LL);
  CHECK((DataRate::gbps(100) * 8).gbps() == doctest::Approx(800.0));
}
