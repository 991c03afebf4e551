// The MEMS model: dark time of a batch, telemetry within the model's bounds,
// the switching-time distribution.
#include "simulator/mems_switch.h"

#include <doctest/doctest.h>

#include <cmath>

#include "sim_test_util.h"

using namespace lightpath;
using lightpath::southbound::Batch;
using lightpath::southbound::CrossConnect;
using lightpath::testing::test_spec;

namespace {

struct Bench {
  sim::EventEngine engine{sim::Rng(11)};
  sim::MemsSwitch sw;
  explicit Bench(sim::MemsSpec spec, sim::MemsOptions options = {})
      : sw(engine, std::move(spec), options, sim::Rng(12)) {}

  southbound::ApplyReport apply(const Batch& b) {
    std::optional<Result<southbound::ApplyReport>> out;
    sw.apply(b, [&](auto r) { out.emplace(std::move(r)); });
    engine.run_for(Duration::s(1));
    REQUIRE(out.has_value());
    REQUIRE_MESSAGE(out->has_value(), out->error().message);
    return **out;
  }
};

}  // namespace

TEST_CASE("a batch's ports are dark for exactly the drawn switching time") {
  Bench b(test_spec(16));
  b.apply(Batch{{}, {{0, 1}}});
  for (int round = 0; round < 20; ++round) {
    const int to = 2 + round % 14;
    const int from = 2 + (round + 13) % 14;
    Batch batch = round == 0 ? Batch{{{0, 1}}, {{0, to}}} : Batch{{{0, from}}, {{0, to}}};
    const TimePoint t0 = b.engine.now();
    std::optional<southbound::ApplyReport> report;
    b.sw.apply(batch, [&](auto r) { report = *r; });
    b.engine.run_for(Duration());  // the start of the batch, not its end
    CHECK_FALSE(report.has_value());
    const TimePoint probe = t0 + Duration::ms(1);
    b.engine.run_until(probe);
    CHECK_FALSE(b.sw.carries_light(0));
    CHECK_FALSE(b.sw.carries_light(to));
    CHECK(b.sw.measure(0).output_power == sim::MemsOptions{}.no_light);
    while (!report) REQUIRE(b.engine.step());
    const Duration dark = report->settled_at - report->started_at;
    CHECK(report->started_at == t0);
    CHECK(dark >= Duration::ms(10 + 5));
    CHECK(dark <= Duration::ms(30 + 5));
    CHECK(b.engine.now() == report->settled_at);
    CHECK(b.sw.carries_light(0));
    CHECK(b.sw.carries_light(to));
    if (round == 0) CHECK_FALSE(b.sw.carries_light(1));
  }
}

TEST_CASE("light returns at the settle instant, not a nanosecond earlier") {
  Bench b(test_spec(8));
  std::optional<southbound::ApplyReport> report;
  b.sw.apply(Batch{{}, {{2, 5}}}, [&](auto r) { report = *r; });
  // Find the settle instant without running it: step until only the
  // settle event is left before it.
  b.engine.run_until(TimePoint() + Duration::ms(15) - Duration::ns(1));
  REQUIRE_FALSE(report.has_value());
  const TimePoint settle = b.engine.next_time();
  b.engine.run_until(settle - Duration::ns(1));
  CHECK_FALSE(b.sw.carries_light(2));
  CHECK_FALSE(b.sw.carries_light(5));
  CHECK(b.sw.validate(Batch{{{2, 5}}, {}}).error().message.find("still moving") !=
        std::string::npos);
  b.engine.run_until(settle);
  REQUIRE(report.has_value());
  CHECK(report->settled_at == settle);
  CHECK(b.sw.carries_light(2));
  CHECK(b.sw.carries_light(5));
}

TEST_CASE("a full 320-port reconfiguration settles within 200 ms") {
  auto spec = test_spec(320);
  spec.switching = SwitchingTime{Duration::ms(20), Duration::ms(50), Duration::ms(10)};
  Bench b(spec);
  Batch first;
  for (int p = 0; p < 320; p += 2) first.connects.push_back({p, p + 1});
  const auto r1 = b.apply(first);
  CHECK(r1.connected.size() == 160);
  // Delete-then-make: every port moves to a new peer in one batch.
  Batch second;
  second.disconnects = first.connects;
  for (int p = 0; p < 320; ++p)
    if (p % 2 == 0) second.connects.push_back({p, (p + 3) % 320});
  const auto r2 = b.apply(second);
  CHECK(r2.complete());
  CHECK(r2.connected.size() == 160);
  const Duration dark = r2.settled_at - r2.started_at;
  CHECK(dark <= Duration::ms(200));
  CHECK(dark >= Duration::ms(30));
  // With 320 parallel moves the slowest lands near the top of the range.
  CHECK(dark >= Duration::ms(55));
}

TEST_CASE("switching-time distributions stay in range") {
  sim::Rng rng(3);
  sim::SwitchingDistribution d{sim::SwitchingDistribution::Shape::kTriangular, Duration::ms(5),
                               Duration::ms(25), Duration::ms(8), Duration::ms(2)};
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    const Duration x = d.draw_move(rng);
    REQUIRE(x >= Duration::ms(5));
    REQUIRE(x <= Duration::ms(25));
    sum += x.millis();
  }
  CHECK(sum / 10000 == doctest::Approx((5 + 25 + 8) / 3.0).epsilon(0.02));
  d.shape = sim::SwitchingDistribution::Shape::kFixed;
  CHECK(d.draw_move(rng) == Duration::ms(25));
  CHECK(d.worst_case() == Duration::ms(27));
}

TEST_CASE("telemetry stays within the model's bounds for an hour") {
  sim::MemsOptions options;
  options.telemetry_interval = Duration::s(10);
  options.drift.step_per_sqrt_hour = Decibels::db(0.5);  // fast, to reach the bound
  auto spec = test_spec(16, PowerDbm::dbm(1.0));
  spec.input_power[15].reset();  // one uncabled port
  Bench b(spec, options);
  b.apply(Batch{{}, {{0, 1}, {2, 3}, {4, 5}, {6, 7}, {14, 15}}});
  int samples = 0;
  double min_loss = 99, max_loss = -99;
  b.sw.add_listener([&](const southbound::DeviceEvent& e) {
    const auto* t = std::get_if<southbound::TelemetryEvent>(&e);
    if (!t) return;
    ++samples;
    REQUIRE(t->ports.size() == 16);
    for (const auto& p : t->ports) {
      REQUIRE(p.ber >= 1e-18);
      REQUIRE(p.ber <= 0.5);
      REQUIRE(p.osnr.value() <= options.signal.source_osnr.value() + 1e-9);
      const bool lit = p.port < 8 || p.port == 15;  // 14 has no light to send to 15
      if (p.port == 15) {
        CHECK(p.input_power == options.no_light);
      } else {
        CHECK(p.input_power.value() == doctest::Approx(1.0));
      }
      if (!lit) {
        REQUIRE(p.output_power == options.no_light);
        REQUIRE(p.ber == 0.5);
        continue;
      }
      const double loss = 1.0 - p.output_power.value();
      min_loss = std::min(min_loss, loss);
      max_loss = std::max(max_loss, loss);
      // Nominal ± spread ± drift bound (docs/mems-model.md).
      REQUIRE(loss >= 2.0 - 0.5 - 0.2 - 1e-9);
      REQUIRE(loss <= 2.0 + 0.5 + 0.2 + 1e-9);
      REQUIRE(p.ber < 1e-9);  // a healthy link
    }
  });
  b.engine.run_for(Duration::s(3600));
  CHECK(samples == 360);
  CHECK(max_loss > min_loss);  // drift moves it
  CHECK(b.sw.active_alarms().empty());
}

TEST_CASE("BER follows OSNR through the Q-factor model") {
  const sim::SignalQualityModel m;
  double last = 0.0;
  for (double p = -45; p <= 5; p += 1.0) {
    const auto osnr = sim::output_osnr(m, PowerDbm::dbm(p));
    CHECK(osnr.value() <= m.source_osnr.value());
    const double ber = sim::bit_error_ratio(m, sim::q_factor(m, osnr));
    if (p > -45) CHECK(ber <= last);  // stronger light, fewer errors
    last = ber;
  }
  // A worked point (docs/mems-model.md): OSNR 15 dB gives Q about 3.4.
  CHECK(sim::q_factor(m, Decibels::db(15.0)) == doctest::Approx(3.43).epsilon(0.01));
  CHECK(sim::bit_error_ratio(m, 3.0) == doctest::Approx(1.35e-3).epsilon(0.01));
}
