// Number formats, escaping, statistics and the SVG charts on their own.

#include <doctest/doctest.h>

#include <limits>
#include <regex>

#include "simulator/report/run_stats.h"
#include "simulator/report/svg_plot.h"
#include "simulator/report/text_format.h"

namespace lightpath::report {
namespace {

bool has_non_number(const std::string& text) {
  static const std::regex bad(R"(\b-?(nan|inf)\b)", std::regex::icase);
  return std::regex_search(text, bad);
}

TEST_CASE("seconds print every nanosecond, with the sign only when there is one") {
  CHECK(seconds(Duration::ns(1'250'000'000)) == "1.250000000");
  CHECK(seconds(Duration{}) == "0.000000000");
  CHECK(seconds(Duration::ns(-1)) == "-0.000000001");
  CHECK(seconds(Duration::s(86'400)) == "86400.000000000");
  CHECK(seconds(Duration::ns(std::numeric_limits<std::int64_t>::min())) == "-9223372036.854775808");
}

TEST_CASE("scaled_ns rounds half away from zero") {
  CHECK(scaled_ns(1'234'567, 6, 3) == "1.235");
  CHECK(scaled_ns(1'234'499, 6, 3) == "1.234");
  CHECK(scaled_ns(-1'234'500, 6, 3) == "-1.235");
  CHECK(scaled_ns(-400, 6, 3) == "0.000");
  CHECK(scaled_ns(2'500'000'000, 9, 0) == "3");
}

TEST_CASE("fixed never prints NaN, infinity or a negative zero") {
  CHECK(fixed(0.5, 6) == "0.500000");
  CHECK(fixed(400, 3) == "400.000");
  CHECK(fixed(std::numeric_limits<double>::quiet_NaN(), 3) == "0.000");
  CHECK(fixed(std::numeric_limits<double>::infinity(), 3) == "0.000");
  CHECK(fixed(-0.0001, 3) == "0.000");
  CHECK(fixed(-0.25, 2) == "-0.25");
}

TEST_CASE("escaping for HTML and CSV") {
  CHECK(escape_xml("<script>alert('x') & \"y\"</script>") ==
        "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
}

TEST_CASE("iteration statistics: nearest-rank percentiles, zeros when empty") {
  const auto none = iteration_stats({});
  CHECK(none.count == 0);
  CHECK(none.mean == Duration{});
  CHECK(none.p99 == Duration{});

  const auto five = iteration_stats(
      {Duration::ms(5), Duration::ms(1), Duration::ms(3), Duration::ms(2), Duration::ms(4)});
  CHECK(five.count == 5);
  CHECK(five.mean == Duration::ms(3));
  CHECK(five.p50 == Duration::ms(3));
  CHECK(five.p99 == Duration::ms(5));

  const auto one = iteration_stats({Duration::ns(7)});
  CHECK(one.p50 == Duration::ns(7));
  CHECK(one.p99 == Duration::ns(7));
}

TEST_CASE("charts without data say so and stay finite") {
  const std::string lines = line_chart({}, {"Empty", "time (s)", "utilization", 1.0, false});
  CHECK(lines.find("no data") != std::string::npos);
  CHECK_FALSE(has_non_number(lines));

  const std::string bars = bar_chart({}, {}, {"Empty", "job", "s", std::nullopt, false});
  CHECK(bars.find("no data") != std::string::npos);
  CHECK_FALSE(has_non_number(bars));

  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::string odd =
      line_chart({{"odd", {{nan, nan}, {1, std::numeric_limits<double>::infinity()}}}},
                 {"Odd", "x", "y", std::nullopt, true});
  CHECK_FALSE(has_non_number(odd));
  const std::string all_zero =
      bar_chart({"a"}, {{"s", {0.0}}}, {"Zero", "x", "y", std::nullopt, false});
  CHECK_FALSE(has_non_number(all_zero));
}

TEST_CASE("a bar chart marks a missing value instead of drawing a bar") {
  const std::string svg = bar_chart({"done", "stuck"}, {{"run", {1.5, std::nullopt}}},
                                    {"JCT", "job", "s", std::nullopt, false});
  CHECK(svg.find("stuck: no value") != std::string::npos);
  CHECK(svg.find("done: 1.500") != std::string::npos);
}

TEST_CASE("long series are reduced per pixel column, keeping the peak") {
  LineSeries s{"busy", {}};
  for (int i = 0; i < 200'000; ++i) s.points.push_back({i * 1e-3, i == 123'456 ? 1.0 : 0.1});
  const std::string svg = line_chart({s}, {"Busy", "time (s)", "utilization", 1.0, false});
  CHECK(svg.size() < 60'000);
  // The single peak of 1.0 lands on the top of the plot area (y = 52.0).
  CHECK(svg.find(",52.0") != std::string::npos);
}

}  // namespace
}  // namespace lightpath::report
