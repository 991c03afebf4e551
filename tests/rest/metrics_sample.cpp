// Prints a metrics page exercising every kind of family, for
// `promtool check metrics` (tests/rest/CMakeLists.txt).
#include <iostream>

#include "controller/rest/metrics.h"

int main() {
  using namespace lightpath;
  rest::Metrics m;
  m.observe_request("rest", "GET /v1/circuits/{id}", "404", Duration::us(120));
  m.observe_request("grpc", "RequestCircuits", "OK", Duration::ms(12));
  m.describe("lightpath_test_events_total", "Events with an \"odd\" label value.",
             rest::MetricType::kCounter);
  m.increment("lightpath_test_events_total", {{"name", "a\"b\\c\nd"}}, 3);
  std::cout << m.render([](rest::Exposition& out) {
    out.family("lightpath_ports_in_use", "Optical switch ports held by circuits.",
               rest::MetricType::kGauge);
    out.sample("lightpath_ports_in_use", {}, 7);
  });
  return 0;
}
