#include "simulator/report/svg_plot.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

#include "simulator/report/text_format.h"

namespace lightpath::report {

namespace {

constexpr double kWidth = 900;
constexpr double kHeight = 340;
constexpr double kLeft = 76;
constexpr double kRight = 16;
constexpr double kTop = 52;
constexpr double kBottom = 72;
constexpr double kPlotW = kWidth - kLeft - kRight;
constexpr double kPlotH = kHeight - kTop - kBottom;
constexpr std::array<const char*, 8> kPalette = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                                 "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};

const char* color(std::size_t i) {
  return kPalette[i % kPalette.size()];
}
std::string px(double v) {
  return fixed(v, 1);
}

// An axis from 0 to `top` in ticks of 1, 2 or 5 × 10^k, so labels stay round.
struct Scale {
  double top = 1;
  double step = 0.2;
  int decimals = 1;
};

Scale nice_scale(double max) {
  if (!std::isfinite(max) || max <= 0) max = 1;
  const double raw = max / 5;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double norm = raw / mag;
  Scale s;
  s.step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  s.top = std::max(1.0, std::ceil(max / s.step - 1e-9)) * s.step;
  s.decimals = std::clamp(static_cast<int>(-std::floor(std::log10(s.step) + 1e-9)), 0, 9);
  return s;
}

// Roughly four significant digits, for bar labels and tooltips; whole numbers
// (counts) without decimals.
std::string value_label(double v) {
  const double a = std::fabs(finite_or_zero(v));
  if (a < 1e15 && a == std::floor(a)) return fixed(v, 0);
  return fixed(v, a < 1 ? 4 : a < 100 ? 3 : a < 10000 ? 1 : 0);
}

double y_pixel(double v, const Scale& y) {
  return kTop + kPlotH - std::clamp(finite_or_zero(v) / y.top, 0.0, 1.0) * kPlotH;
}

// Cuts at a character boundary so that a long UTF-8 id is not split mid-character.
std::string shorten(const std::string& s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "\u2026";
}

void open_chart(std::string& out, const ChartText& text, const std::vector<std::string>& legend) {
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 " + px(kWidth) +
         " " + px(kHeight) + "\" width=\"" + px(kWidth) + "\" height=\"" + px(kHeight) +
         "\" role=\"img\" aria-label=\"" + escape_xml(text.title) +
         "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  out += "<text x=\"" + px(kLeft) + "\" y=\"20\" font-size=\"15\" font-weight=\"bold\">" +
         escape_xml(text.title) + "</text>\n";
  double x = kLeft;
  for (std::size_t i = 0; i < legend.size(); ++i) {
    const std::string name = shorten(legend[i], 28);
    out += "<rect x=\"" + px(x) + "\" y=\"30\" width=\"12\" height=\"12\" fill=\"" + color(i) +
           "\"/><text x=\"" + px(x + 16) + "\" y=\"40\">" + escape_xml(name) + "</text>\n";
    x += 28 + 7.0 * static_cast<double>(name.size());
  }
  out += "<text x=\"" + px(kLeft + kPlotW / 2) + "\" y=\"" + px(kHeight - 8) +
         "\" text-anchor=\"middle\">" + escape_xml(text.x_label) + "</text>\n";
  out += "<text transform=\"translate(16 " + px(kTop + kPlotH / 2) +
         ") rotate(-90)\" text-anchor=\"middle\">" + escape_xml(text.y_label) + "</text>\n";
}

void y_axis(std::string& out, const Scale& y) {
  const int ticks = static_cast<int>(std::lround(y.top / y.step));
  for (int i = 0; i <= ticks; ++i) {
    const double v = i * y.step;
    const std::string yp = px(y_pixel(v, y));
    out += "<line x1=\"" + px(kLeft) + "\" x2=\"" + px(kLeft + kPlotW) + "\" y1=\"" + yp +
           "\" y2=\"" + yp + "\" stroke=\"#ddd\"/><text x=\"" + px(kLeft - 6) + "\" y=\"" + yp +
           "\" dy=\"4\" text-anchor=\"end\">" + fixed(v, y.decimals) + "</text>\n";
  }
  out += "<line x1=\"" + px(kLeft) + "\" x2=\"" + px(kLeft) + "\" y1=\"" + px(kTop) + "\" y2=\"" +
         px(kTop + kPlotH) + "\" stroke=\"#333\"/>\n";
}

void no_data(std::string& out) {
  out += "<text x=\"" + px(kLeft + kPlotW / 2) + "\" y=\"" + px(kTop + kPlotH / 2) +
         "\" text-anchor=\"middle\" fill=\"#888\">no data</text>\n";
}

// Keeps, per pixel column, the points of least and greatest y in their order.
std::vector<Point> reduce(const std::vector<Point>& pts) {
  if (pts.size() <= static_cast<std::size_t>(2 * kPlotW)) return pts;
  std::vector<Point> out;
  std::size_t lo = 0;
  std::size_t hi = 0;
  auto flush = [&] {
    out.push_back(pts[std::min(lo, hi)]);
    if (lo != hi) out.push_back(pts[std::max(lo, hi)]);
  };
  for (std::size_t i = 1; i < pts.size(); ++i) {
    if (std::floor(pts[i].x) != std::floor(pts[lo].x)) {
      flush();
      lo = hi = i;
    } else {
      if (pts[i].y > pts[lo].y) lo = i;  // pixel y grows downward: larger y is the lower value
      if (pts[i].y < pts[hi].y) hi = i;
    }
  }
  flush();
  return out;
}

}  // namespace

std::string line_chart(const std::vector<LineSeries>& series, const ChartText& text) {
  double x_max = 0;
  double y_max = text.y_max.value_or(0);
  bool any = false;
  std::vector<std::string> names;
  for (const auto& s : series) {
    names.push_back(s.name);
    for (const auto& p : s.points) {
      x_max = std::max(x_max, finite_or_zero(p.x));
      y_max = std::max(y_max, finite_or_zero(p.y));
      any = true;
    }
  }
  const Scale x = nice_scale(x_max);
  const Scale y = nice_scale(y_max);
  std::string out;
  open_chart(out, text, names);
  y_axis(out, y);
  const int ticks = static_cast<int>(std::lround(x.top / x.step));
  for (int i = 0; i <= ticks; ++i) {
    const std::string xp = px(kLeft + i * x.step / x.top * kPlotW);
    out += "<line x1=\"" + xp + "\" x2=\"" + xp + "\" y1=\"" + px(kTop + kPlotH) + "\" y2=\"" +
           px(kTop + kPlotH + 4) + "\" stroke=\"#333\"/><text x=\"" + xp + "\" y=\"" +
           px(kTop + kPlotH + 18) + "\" text-anchor=\"middle\">" + fixed(i * x.step, x.decimals) +
           "</text>\n";
  }
  if (!any) no_data(out);
  for (std::size_t i = 0; i < series.size(); ++i) {
    std::vector<Point> pts;
    for (const auto& p : series[i].points) {
      pts.push_back(
          {kLeft + std::clamp(finite_or_zero(p.x) / x.top, 0.0, 1.0) * kPlotW, y_pixel(p.y, y)});
    }
    pts = reduce(pts);
    if (pts.empty()) continue;
    std::string coords;
    for (std::size_t k = 0; k < pts.size(); ++k) {
      if (text.steps && k > 0) coords += px(pts[k].x) + "," + px(pts[k - 1].y) + " ";
      coords += px(pts[k].x) + "," + px(pts[k].y) + " ";
    }
    coords.pop_back();
    out += "<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"" + std::string(color(i)) +
           "\" points=\"" + coords + "\"><title>" + escape_xml(series[i].name) +
           "</title></polyline>\n";
  }
  out += "</svg>\n";
  return out;
}

std::string bar_chart(const std::vector<std::string>& categories,
                      const std::vector<BarSeries>& series, const ChartText& text) {
  double y_max = text.y_max.value_or(0);
  std::vector<std::string> names;
  for (const auto& s : series) {
    names.push_back(s.name);
    for (const auto& v : s.values) {
      if (v) y_max = std::max(y_max, finite_or_zero(*v));
    }
  }
  const Scale y = nice_scale(y_max);
  std::string out;
  open_chart(out, text, series.size() > 1 ? names : std::vector<std::string>{});
  y_axis(out, y);
  out += "<line x1=\"" + px(kLeft) + "\" x2=\"" + px(kLeft + kPlotW) + "\" y1=\"" +
         px(kTop + kPlotH) + "\" y2=\"" + px(kTop + kPlotH) + "\" stroke=\"#333\"/>\n";
  if (categories.empty() || series.empty()) {
    no_data(out);
    out += "</svg>\n";
    return out;
  }
  const double n = static_cast<double>(categories.size());
  const double group_w = kPlotW / n;
  // Wide bars for two or three categories look like blocks, not bars.
  const double bar_w = std::min(group_w * 0.8 / static_cast<double>(series.size()), 60.0);
  const double group_pad = (group_w - bar_w * static_cast<double>(series.size())) / 2;
  const bool value_text = categories.size() * series.size() <= 24;
  // Past about 40 labels they overlap; label every k-th category instead.
  const std::size_t label_every = (categories.size() + 39) / 40;
  const bool slanted = categories.size() > 8;
  for (std::size_t c = 0; c < categories.size(); ++c) {
    const double gx = kLeft + static_cast<double>(c) * group_w;
    for (std::size_t s = 0; s < series.size(); ++s) {
      const auto& v = c < series[s].values.size() ? series[s].values[c] : std::nullopt;
      const double bx = gx + group_pad + static_cast<double>(s) * bar_w;
      const std::string label = !v                            ? "no value"
                                : c < series[s].labels.size() ? series[s].labels[c]
                                                              : value_label(*v);
      const std::string tip =
          escape_xml(categories[c] + (series.size() > 1 ? " / " + names[s] : "") + ": " + label);
      if (!v) {
        out += "<text x=\"" + px(bx + bar_w / 2) + "\" y=\"" + px(kTop + kPlotH - 3) +
               "\" text-anchor=\"middle\" fill=\"#999\">\u00d7<title>" + tip + "</title></text>\n";
        continue;
      }
      const double top = y_pixel(std::max(0.0, *v), y);
      out += "<rect x=\"" + px(bx) + "\" y=\"" + px(top) + "\" width=\"" +
             px(std::max(bar_w, 1.0)) + "\" height=\"" + px(kTop + kPlotH - top) + "\" fill=\"" +
             color(s) + "\"><title>" + tip + "</title></rect>\n";
      if (value_text) {
        out += "<text x=\"" + px(bx + bar_w / 2) + "\" y=\"" + px(top - 3) +
               "\" text-anchor=\"middle\" font-size=\"10\">" + escape_xml(label) + "</text>\n";
      }
    }
    if (c % label_every != 0) continue;
    const std::string lx = px(gx + group_w / 2);
    const std::string ly = px(kTop + kPlotH + 14);
    out += "<text x=\"" + lx + "\" y=\"" + ly + "\"" +
           (slanted ? " text-anchor=\"end\" transform=\"rotate(-35 " + lx + " " + ly + ")\""
                    : " text-anchor=\"middle\"") +
           ">" + escape_xml(shorten(categories[c], 16)) + "</text>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace lightpath::report
