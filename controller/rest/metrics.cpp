#include "controller/rest/metrics.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cmath>

namespace lightpath::rest {
namespace {

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// HELP text escapes only backslash and newline (a quote is literal there).
std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// Names come from code, not from users; a bad one is a programming error.
[[maybe_unused]] bool valid_metric_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    const bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

double ns_to_seconds(std::int64_t ns) {
  return static_cast<double>(ns) / 1e9;
}

}  // namespace

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::array<char, 32> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  assert(ec == std::errc());
  return std::string(buf.data(), end);
}

std::vector<Duration> default_latency_buckets() {
  return {Duration::us(50),  Duration::us(100), Duration::us(250),
          Duration::us(500), Duration::ms(1),   Duration::ms(2) + Duration::us(500),
          Duration::ms(5),   Duration::ms(10),  Duration::ms(25),
          Duration::ms(50),  Duration::ms(100), Duration::ms(250),
          Duration::ms(500), Duration::s(1),    Duration::ms(2500),
          Duration::s(5)};
}

void Exposition::family(std::string_view name, std::string_view help, MetricType type) {
  assert(valid_metric_name(name));
  if (!help.empty()) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += escape_help(help);
    out_ += '\n';
  }
  out_ += "# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type_name(type);
  out_ += '\n';
}

void Exposition::sample_prefix(std::string_view name, const Labels& labels) {
  out_ += name;
  if (!labels.empty()) {
    out_ += '{';
    bool first = true;
    for (const auto& [k, v] : labels) {
      assert(valid_metric_name(k) && k.find(':') == std::string::npos);
      if (!first) out_ += ',';
      first = false;
      out_ += k;
      out_ += "=\"";
      out_ += escape_label_value(v);
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
}

void Exposition::sample(std::string_view name, const Labels& labels, double value) {
  sample_prefix(name, labels);
  out_ += format_value(value);
  out_ += '\n';
}

void Exposition::sample(std::string_view name, const Labels& labels, std::uint64_t value) {
  sample_prefix(name, labels);
  out_ += std::to_string(value);
  out_ += '\n';
}

void Exposition::sample(std::string_view name, const Labels& labels, std::int64_t value) {
  sample_prefix(name, labels);
  out_ += std::to_string(value);
  out_ += '\n';
}

Metrics::Metrics(std::vector<Duration> latency_buckets) : buckets_(std::move(latency_buckets)) {
  assert(std::is_sorted(buckets_.begin(), buckets_.end()));
  describe(kRequests,
           "Requests answered by the controller's front ends, by protocol, method and status.",
           MetricType::kCounter);
  describe(kRequestDuration, "Time from a request's arrival to its answer, by protocol and method.",
           MetricType::kHistogram);
}

Metrics::Family& Metrics::family_locked(std::string_view name, MetricType type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    assert(valid_metric_name(name));
    it = families_.emplace(std::string(name), Family{}).first;
    it->second.type = type;
  }
  return it->second;
}

void Metrics::describe(std::string_view name, std::string_view help, MetricType type) {
  assert(type != MetricType::kGauge && "gauges are written at scrape time");
  std::lock_guard lock(mutex_);
  Family& f = family_locked(name, type);
  f.type = type;
  f.help = std::string(help);
}

void Metrics::increment(std::string_view counter, const Labels& labels, std::uint64_t by) {
  std::lock_guard lock(mutex_);
  Family& f = family_locked(counter, MetricType::kCounter);
  assert(f.type == MetricType::kCounter);
  if (f.type != MetricType::kCounter) return;
  f.counters[labels] += by;
}

void Metrics::observe(std::string_view histogram, const Labels& labels, Duration value) {
  std::lock_guard lock(mutex_);
  Family& f = family_locked(histogram, MetricType::kHistogram);
  assert(f.type == MetricType::kHistogram);
  if (f.type != MetricType::kHistogram) return;
  Histogram& h = f.histograms[labels];
  if (h.counts.empty()) h.counts.assign(buckets_.size() + 1, 0);
  // Buckets are upper bounds inclusive (le); past the last is +Inf.
  const auto slot = std::lower_bound(buckets_.begin(), buckets_.end(), value) - buckets_.begin();
  ++h.counts[static_cast<std::size_t>(slot)];
  h.sum_ns += value.count_ns();
  ++h.count;
}

void Metrics::observe_request(std::string_view protocol, std::string_view method,
                              std::string_view code, Duration latency) {
  increment(kRequests, {{"protocol", std::string(protocol)},
                        {"method", std::string(method)},
                        {"code", std::string(code)}});
  // No status label on the histogram: it multiplies the series by every
  // status seen, and the counter above already splits by status.
  observe(kRequestDuration, {{"protocol", std::string(protocol)}, {"method", std::string(method)}},
          latency);
}

void Metrics::render_family(Exposition& out, const std::string& name, const Family& f) const {
  out.family(name, f.help, f.type);
  if (f.type == MetricType::kCounter) {
    for (const auto& [labels, v] : f.counters) out.sample(name, labels, v);
    return;
  }
  const std::string bucket = name + "_bucket";
  for (const auto& [labels, h] : f.histograms) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= buckets_.size(); ++i) {
      cumulative += h.counts[i];
      Labels with_le = labels;
      with_le.emplace_back("le",
                           i < buckets_.size() ? format_value(buckets_[i].seconds()) : "+Inf");
      out.sample(bucket, with_le, cumulative);
    }
    out.sample(name + "_sum", labels, ns_to_seconds(h.sum_ns));
    out.sample(name + "_count", labels, h.count);
  }
}

std::string Metrics::render(const std::function<void(Exposition&)>& scrape_time) const {
  Exposition out;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, f] : families_) render_family(out, name, f);
  }
  if (scrape_time) scrape_time(out);
  return out.take();
}

std::uint64_t Metrics::value(std::string_view name, const Labels& labels) const {
  std::lock_guard lock(mutex_);
  const auto it = families_.find(name);
  if (it == families_.end()) return 0;
  if (it->second.type == MetricType::kCounter) {
    const auto c = it->second.counters.find(labels);
    return c == it->second.counters.end() ? 0 : c->second;
  }
  const auto h = it->second.histograms.find(labels);
  return h == it->second.histograms.end() ? 0 : h->second.count;
}

}  // namespace lightpath::rest
