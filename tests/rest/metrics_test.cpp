// The metrics registry renders the Prometheus text exposition format.
#include "controller/rest/metrics.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

namespace lightpath::rest {
namespace {

bool contains(const std::string& page, const std::string& line) {
  return page.find(line) != std::string::npos;
}

}  // namespace

TEST_CASE("an empty registry still describes the request families") {
  Metrics m;
  const std::string page = m.render();
  CHECK(contains(page, "# HELP lightpath_requests_total "));
  CHECK(contains(page, "# TYPE lightpath_requests_total counter\n"));
  CHECK(contains(page, "# TYPE lightpath_request_duration_seconds histogram\n"));
}

TEST_CASE("counters sum per label set and render in label order") {
  Metrics m;
  m.observe_request("grpc", "RequestCircuits", "OK", Duration::ms(3));
  m.observe_request("grpc", "RequestCircuits", "OK", Duration::ms(4));
  m.observe_request("rest", "GET /v1/circuits", "200", Duration::us(80));
  const std::string page = m.render();
  CHECK(contains(
      page,
      "lightpath_requests_total{protocol=\"grpc\",method=\"RequestCircuits\",code=\"OK\"} 2\n"));
  CHECK(contains(
      page,
      "lightpath_requests_total{protocol=\"rest\",method=\"GET /v1/circuits\",code=\"200\"} 1\n"));
  CHECK(m.value(Metrics::kRequests,
                {{"protocol", "grpc"}, {"method", "RequestCircuits"}, {"code", "OK"}}) == 2);
}

TEST_CASE("histograms are cumulative, inclusive at the bound, with sum and count") {
  Metrics m({Duration::ms(1), Duration::ms(10)});
  m.describe("x_seconds", "Test latency.", MetricType::kHistogram);
  const Labels l{{"op", "a"}};
  m.observe("x_seconds", l, Duration::us(500));  // <= 1 ms
  m.observe("x_seconds", l, Duration::ms(1));    // exactly on the bound: le is inclusive
  m.observe("x_seconds", l, Duration::ms(5));    // <= 10 ms
  m.observe("x_seconds", l, Duration::s(2));     // +Inf only
  const std::string page = m.render();
  CHECK(contains(page, "# HELP x_seconds Test latency.\n# TYPE x_seconds histogram\n"));
  CHECK(contains(page, "x_seconds_bucket{op=\"a\",le=\"0.001\"} 2\n"));
  CHECK(contains(page, "x_seconds_bucket{op=\"a\",le=\"0.01\"} 3\n"));
  CHECK(contains(page, "x_seconds_bucket{op=\"a\",le=\"+Inf\"} 4\n"));
  CHECK(contains(page, "x_seconds_sum{op=\"a\"} 2.0065\n"));
  CHECK(contains(page, "x_seconds_count{op=\"a\"} 4\n"));
  CHECK(m.value("x_seconds", l) == 4);
}

TEST_CASE("the default buckets run from 50 us to 5 s") {
  const auto b = default_latency_buckets();
  REQUIRE(b.size() >= 10);
  CHECK(b.front() == Duration::us(50));
  CHECK(b.back() == Duration::s(5));
  Metrics m;
  m.observe_request("rest", "GET /healthz", "200", Duration::us(10));
  const std::string page = m.render();
  CHECK(contains(page, "le=\"5e-05\"} 1\n"));
  CHECK(contains(page, "le=\"5\"} 1\n"));
}

TEST_CASE("label values and help text are escaped") {
  Metrics m;
  m.describe("odd_total", "Help with \\ and\nnewline.", MetricType::kCounter);
  m.increment("odd_total", {{"v", "a\"b\\c\nd"}});
  const std::string page = m.render();
  CHECK(contains(page, "# HELP odd_total Help with \\\\ and\\nnewline.\n"));
  CHECK(contains(page, "odd_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"));
}

TEST_CASE("values format as Prometheus reads them") {
  CHECK(format_value(0.25) == "0.25");
  CHECK(format_value(1e-9) == "1e-09");
  CHECK(format_value(1.0 / 0.0) == "+Inf");
  CHECK(format_value(-1.0 / 0.0) == "-Inf");
  CHECK(format_value(0.0 / 0.0) == "NaN");
}

TEST_CASE("the scrape-time hook appends gauges after the stored families") {
  Metrics m;
  const std::string page = m.render([](Exposition& out) {
    out.family("lightpath_ports_in_use", "Ports in use.", MetricType::kGauge);
    out.sample("lightpath_ports_in_use", {}, 12);
    out.family("lightpath_circuits", "Circuits by state.", MetricType::kGauge);
    out.sample("lightpath_circuits", {{"state", "ACTIVE"}}, std::uint64_t{3});
  });
  CHECK(contains(page, "# TYPE lightpath_ports_in_use gauge\nlightpath_ports_in_use 12\n"));
  CHECK(contains(page, "lightpath_circuits{state=\"ACTIVE\"} 3\n"));
  CHECK(page.find("lightpath_requests_total") < page.find("lightpath_ports_in_use"));
}

TEST_CASE("updates from many threads are all counted") {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&m] {
      for (int i = 0; i < 1000; ++i)
        m.observe_request("grpc", "ListCircuits", "OK", Duration::us(100));
    });
  for (auto& t : threads) t.join();
  CHECK(m.value(Metrics::kRequests,
                {{"protocol", "grpc"}, {"method", "ListCircuits"}, {"code", "OK"}}) == 4000);
  CHECK(m.value(Metrics::kRequestDuration, {{"protocol", "grpc"}, {"method", "ListCircuits"}}) ==
        4000);
}

}  // namespace lightpath::rest
