#pragma once
// Small inline-SVG charts for report.html: no script, no fonts to fetch, no
// external style, so the report opens offline and renders the same everywhere.
// Coordinates print with one decimal and tick labels with fixed decimals, so
// the same data gives the same bytes.

#include <optional>
#include <string>
#include <vector>

namespace lightpath::report {

struct Point {
  double x = 0;
  double y = 0;
};

struct LineSeries {
  std::string name;
  std::vector<Point> points;  // in increasing x
};

// One value per category; no value draws no bar (e.g. a job that never finished).
struct BarSeries {
  std::string name;
  std::vector<std::optional<double>> values;
  // Text shown for each value, so that a chart agrees digit for digit with the
  // tables beside it; empty: about four significant digits of the value.
  std::vector<std::string> labels = {};
};

struct ChartText {
  std::string title;
  std::string x_label;  // with its unit, e.g. "time (s)"
  std::string y_label;
  std::optional<double>
      y_max;           // fixed top of the y axis (e.g. 1 for utilization); else from the data
  bool steps = false;  // hold each value until the next point (counts, not rates)
};

// Lines over a shared x axis starting at 0. Long series are reduced to the
// minimum and maximum of each pixel column, which keeps peaks visible.
std::string line_chart(const std::vector<LineSeries>& series, const ChartText& text);

// Bars per category, grouped side by side when there are several series.
std::string bar_chart(const std::vector<std::string>& categories,
                      const std::vector<BarSeries>& series, const ChartText& text);

}  // namespace lightpath::report
