#include "simulator/report/text_format.h"

#include <array>
#include <charconv>
#include <cmath>

namespace lightpath::report {

namespace {

std::uint64_t pow10(int n) {
  std::uint64_t p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

}  // namespace

std::string scaled_ns(std::int64_t ns, int unit_digits, int decimals) {
  if (decimals > unit_digits) decimals = unit_digits;
  // The magnitude as unsigned so that INT64_MIN has one too.
  const bool negative = ns < 0;
  const std::uint64_t mag =
      negative ? std::uint64_t{0} - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  const std::uint64_t drop = pow10(unit_digits - decimals);
  const std::uint64_t rounded = mag / drop + (mag % drop >= (drop + 1) / 2 ? 1 : 0);
  const std::uint64_t keep = pow10(decimals);
  std::string out = negative && rounded != 0 ? "-" : "";
  out += std::to_string(rounded / keep);
  if (decimals > 0) {
    std::string frac = std::to_string(rounded % keep);
    out += '.';
    out.append(static_cast<std::size_t>(decimals) - frac.size(), '0');
    out += frac;
  }
  return out;
}

std::string seconds(Duration d) {
  return scaled_ns(d.count_ns(), 9, 9);
}

double finite_or_zero(double value) {
  return std::isfinite(value) ? value : 0.0;
}

std::string fixed(double value, int decimals) {
  value = finite_or_zero(value);
  // to_chars ignores the locale; 400 bytes hold any double in fixed notation.
  std::array<char, 400> buf{};
  auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::fixed, decimals);
  if (ec != std::errc{}) return "0";
  std::string out(buf.data(), end);
  // "-0.000" reads as a sign where there is none.
  if (out.front() == '-' && out.find_first_not_of("-0.") == std::string::npos) out.erase(0, 1);
  return out;
}

std::string escape_xml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace lightpath::report
