#pragma once
// What the soak found, printed for people and written as JSON.

#include <string>
#include <vector>

#include "bench/soak/checks.h"
#include "bench/soak/soak.h"

namespace lightpath::soak {

// Memory and descriptors: the mean of the last quarter of the run against the
// mean of the second (the first quarter is warm-up).
struct Flatness {
  int early_samples = 0;
  int late_samples = 0;
  double early_rss_mib = 0;
  double late_rss_mib = 0;
  double early_fds = 0;
  double late_fds = 0;
  double rss_growth_mib() const { return late_rss_mib - early_rss_mib; }
  double rss_growth_pct() const {
    return early_rss_mib > 0 ? 100 * rss_growth_mib() / early_rss_mib : 0;
  }
  double fd_growth() const { return late_fds - early_fds; }
};
Flatness flatness(const std::vector<Sample>& samples, double duration_s);

struct Report {
  double load_s = 0;
  ClientStats calls;
  WatchStats all_events;     // the unfiltered watcher
  WatchStats tenant_events;  // the watcher of one tenant
  std::string watched_tenant;
  std::vector<Sample> samples;  // while the clients ran
  Flatness flat;
  Sample after_release;
  bool quiescent = false;
  HeldOutcome held;
  std::vector<double> lease_lateness_ms;  // abandoned circuits: release - lease end
  long snapshots = 0;                     // port-uniqueness snapshots while running
  long max_live = 0;                      // most live circuits in one snapshot
  std::vector<std::pair<std::string, long>> violations;
  std::vector<std::string> details;
};

void print_report(const Options& opt, const Endpoints& ep, const Report& r);
void write_json(const std::string& path, const Options& opt, const Report& r);

}  // namespace lightpath::soak
