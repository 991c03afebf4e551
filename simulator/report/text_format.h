#pragma once
// Number and text formatting shared by the report writers. Everything here is
// independent of the locale and of floating-point printing modes, so that the
// same RunResult always gives the same bytes (docs/simulation-report.md).

#include <cstdint>
#include <string>
#include <string_view>

#include "lightpath/units.h"

namespace lightpath::report {

// A duration in seconds with all nine decimals, e.g. "1.250000000", "-0.000000001".
// Exact: integer arithmetic on nanoseconds, no rounding.
std::string seconds(Duration d);

// `ns` scaled by 10^-`unit_digits` (9 for seconds, 6 for milliseconds) and
// rounded half away from zero to `decimals` places, e.g. (1'234'567, 6, 3) → "1.235".
std::string scaled_ns(std::int64_t ns, int unit_digits, int decimals);

// A double with a fixed number of decimals. Non-finite values print as 0, since
// every consumer of these files expects a number and NaN is not valid JSON or SVG.
std::string fixed(double value, int decimals);
double finite_or_zero(double value);

// Escapes & < > " ' for HTML text, attributes and SVG.
std::string escape_xml(std::string_view text);

// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break.
std::string csv_field(std::string_view text);

}  // namespace lightpath::report
