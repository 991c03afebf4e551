#pragma once
// A small metrics registry that renders the Prometheus text exposition format
// (version 0.0.4), since prometheus-cpp is not packaged for our platform.
//
// One registry is owned by lightpathd and passed by reference to each front
// end; there is no global default registry, so tests can build as many as
// they like. Counters and histograms may be updated from any thread (gRPC
// handlers run on gRPC's threads, REST on the io_context thread). Values that
// are state rather than events (circuits by state, ports in use) are not
// stored here: the caller of `render` writes them at scrape time, from the
// thread that may read the controller.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lightpath/units.h"

namespace lightpath::rest {

// Label name/value pairs in the order they are rendered. Two samples with the
// same pairs in a different order are different series, so callers should
// always name labels in one order.
using Labels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { kCounter, kGauge, kHistogram };

// Writes one exposition page. Samples of a family must follow its `family`
// line; each family may be started only once per page.
class Exposition {
 public:
  void family(std::string_view name, std::string_view help, MetricType type);
  void sample(std::string_view name, const Labels& labels, double value);
  void sample(std::string_view name, const Labels& labels, std::uint64_t value);
  void sample(std::string_view name, const Labels& labels, std::int64_t value);
  void sample(std::string_view name, const Labels& labels, int value) {
    sample(name, labels, static_cast<std::int64_t>(value));
  }

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void sample_prefix(std::string_view name, const Labels& labels);
  std::string out_;
};

// Label values are free text: backslash, double quote and newline are escaped.
std::string escape_label_value(std::string_view value);
// Shortest text that reads back as the same double; +Inf, -Inf, NaN as Prometheus spells them.
std::string format_value(double value);

// Request latency buckets, 50 us to 5 s: a REST read of the in-memory state
// lands in the lowest buckets, a request that waits for a store commit or a
// switch reconfiguration (tens of ms) in the middle ones.
std::vector<Duration> default_latency_buckets();

class Metrics {
 public:
  // The two request families are described up front so that a page scraped
  // before the first request still names them.
  static constexpr std::string_view kRequests = "lightpath_requests_total";
  static constexpr std::string_view kRequestDuration = "lightpath_request_duration_seconds";

  explicit Metrics(std::vector<Duration> latency_buckets = default_latency_buckets());
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // Registers a family's help text and type. A name used before it is
  // described gets a family of the type of its first use and no help.
  void describe(std::string_view name, std::string_view help, MetricType type);

  void increment(std::string_view counter, const Labels& labels, std::uint64_t by = 1);
  void observe(std::string_view histogram, const Labels& labels, Duration value);

  // One finished request of a front end: `protocol` "rest" or "grpc",
  // `method` the route ("GET /v1/circuits/{id}") or RPC ("RequestCircuits"),
  // `code` the status as that protocol spells it ("404", "OK").
  void observe_request(std::string_view protocol, std::string_view method, std::string_view code,
                       Duration latency);

  // The whole page: every stored family in name order, then what
  // `scrape_time` writes. `scrape_time` runs on the calling thread without
  // the registry's lock held, so it may read other state (and even update
  // this registry, though those updates show on the next page).
  std::string render(const std::function<void(Exposition&)>& scrape_time = {}) const;

  // For tests: a counter's value, or a histogram's observation count; 0 when absent.
  std::uint64_t value(std::string_view name, const Labels& labels) const;

 private:
  struct Histogram {
    std::vector<std::uint64_t> counts;  // per bucket, not cumulative; last is +Inf
    std::int64_t sum_ns = 0;            // exact; rendered in seconds
    std::uint64_t count = 0;
  };
  struct Family {
    MetricType type = MetricType::kCounter;
    std::string help;
    std::map<Labels, std::uint64_t> counters;
    std::map<Labels, Histogram> histograms;
  };
  Family& family_locked(std::string_view name, MetricType type);
  void render_family(Exposition& out, const std::string& name, const Family& family) const;

  const std::vector<Duration> buckets_;
  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace lightpath::rest
