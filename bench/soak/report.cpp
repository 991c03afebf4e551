#include "bench/soak/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

namespace lightpath::soak {
namespace {

double rate(long n, double s) {
  return s > 0 ? static_cast<double>(n) / s : 0;
}

std::string latency_line(const std::vector<double>& ms) {
  return fmt::format("p50 {:.2f} ms  p99 {:.2f} ms  max {:.2f} ms  ({} calls)",
                     percentile(ms, 0.50), percentile(ms, 0.99), percentile(ms, 1.0), ms.size());
}

double peak_rss_mib(const std::vector<Sample>& samples) {
  long peak = 0;
  for (const auto& s : samples) peak = std::max(peak, s.rss_kib);
  return static_cast<double>(peak) / 1024;
}

nlohmann::json latency_json(const std::vector<double>& ms) {
  return {{"calls", ms.size()},
          {"p50_ms", percentile(ms, 0.50)},
          {"p99_ms", percentile(ms, 0.99)},
          {"max_ms", percentile(ms, 1.0)}};
}

}  // namespace

Flatness flatness(const std::vector<Sample>& samples, double duration_s) {
  Flatness f;
  for (const auto& s : samples) {
    const double q = s.at_s / duration_s;
    const double rss = static_cast<double>(s.rss_kib) / 1024;
    if (q >= 0.25 && q < 0.5) {
      ++f.early_samples;
      f.early_rss_mib += rss;
      f.early_fds += s.fds;
    } else if (q >= 0.75 && q <= 1.0) {
      ++f.late_samples;
      f.late_rss_mib += rss;
      f.late_fds += s.fds;
    }
  }
  if (f.early_samples) f.early_rss_mib /= f.early_samples, f.early_fds /= f.early_samples;
  if (f.late_samples) f.late_rss_mib /= f.late_samples, f.late_fds /= f.late_samples;
  return f;
}

void print_report(const Options& opt, const Endpoints& ep, const Report& r) {
  const ClientStats& c = r.calls;
  const WatchStats& w = r.all_events;
  const HeldOutcome& h = r.held;
  const Flatness& f = r.flat;
  fmt::print("\n== soak: {} clients, {:.0f} s, {} endpoints ({}, {:g} Gb/s x {}) ==\n", opt.clients,
             r.load_s, ep.names.size(), ep.port_group, ep.channel_gbps, ep.wavelengths);
  fmt::print(
      "requests      {} sent, {} accepted ({:.1f}/s), {} rejected, {} abandoned to their lease\n",
      c.requests, c.accepted, rate(c.accepted, r.load_s), c.rejected, c.abandoned);
  for (const auto& [reason, n] : c.reject_reasons)
    fmt::print("              rejected {}: {}\n", reason, n);
  fmt::print("circuits      {} acknowledged ({:.1f}/s), {} released by {} releases ({:.1f}/s)\n",
             c.circuits, rate(c.circuits, r.load_s), c.released_circuits, c.releases,
             rate(c.releases, r.load_s));
  fmt::print("leases        {} extensions, {} refused (nothing live left)\n", c.extends,
             c.extends_refused);
  fmt::print("calls         {} retried, {} failed after retries\n", c.retries, c.errors);
  for (const auto& [code, n] : c.error_codes) fmt::print("              {}: {}\n", code, n);
  fmt::print("RequestCircuits  {}\n", latency_line(c.request_ms));
  fmt::print("ReleaseCircuits  {}\n", latency_line(c.release_ms));
  fmt::print("ExtendLease      {}\n", latency_line(c.extend_ms));
  fmt::print("watch (all)   {} events, {} gaps, {} out of order, {} breaks; last sequence {}\n",
             w.events, w.gaps, w.out_of_order, w.breaks, w.last);
  fmt::print("watch ({}) {} events, {} out of order, {} breaks\n", r.watched_tenant,
             r.tenant_events.events, r.tenant_events.out_of_order, r.tenant_events.breaks);
  fmt::print("faults seen   {} circuits failed, {} restoring, {} restored; {} ended by lease\n",
             w.failed, w.restoring, w.restored, w.expired);
  fmt::print("running       {} snapshots checked for ports used twice, up to {} live circuits\n",
             r.snapshots, r.max_live);
  fmt::print(
      "held at end   {} ({} of them abandoned, lease not over): {} intact, {} restored "
      "elsewhere, {} failed (fault), {} ended by lease, {} lost; {}\n",
      h.held, h.abandoned_live, h.intact, h.restored, h.failed, h.expired, h.lost,
      r.quiescent ? "settled" : "NOT settled");
  for (const auto& [reason, n] : h.failed_reasons)
    fmt::print("              failed: {}: {}\n", reason, n);
  fmt::print(
      "abandoned     {} circuits left to their lease: {} ended by it at the check; {} seen "
      "ending on the watch, p50 {:.0f} ms, max {:.0f} ms after the lease end\n",
      h.abandoned, h.abandoned_ended, r.lease_lateness_ms.size(),
      percentile(r.lease_lateness_ms, 0.5), percentile(r.lease_lateness_ms, 1.0));
  if (r.samples.empty()) {
    fmt::print("lightpathd    memory and fds not sampled (no --daemon-pid)\n");
  } else {
    // Accepted requests between the middles of the two quarters compared.
    const double between = static_cast<double>(c.accepted) / 2;
    fmt::print(
        "lightpathd    RSS {:.1f} -> {:.1f} MiB ({:+.1f} MiB, {:+.1f}%; allowed < {:g}% and "
        "< {:g} MiB), about {:.0f} bytes per accepted request\n",
        f.early_rss_mib, f.late_rss_mib, f.rss_growth_mib(), f.rss_growth_pct(),
        opt.rss_tolerance_pct, opt.rss_tolerance_mib,
        between > 0 ? f.rss_growth_mib() * 1048576 / between : 0.0);
    fmt::print(
        "              fds {:.1f} -> {:.1f} ({:+.1f}; allowed <= {:g}); means of quarter 2 "
        "({} samples) and quarter 4 ({}), the first quarter is warm-up\n",
        f.early_fds, f.late_fds, f.fd_growth(), opt.fd_tolerance, f.early_samples, f.late_samples);
    fmt::print("              peak RSS {:.1f} MiB; after releasing everything {:.1f} MiB, {} fds\n",
               peak_rss_mib(r.samples), static_cast<double>(r.after_release.rss_kib) / 1024,
               r.after_release.fds);
  }
  if (r.violations.empty()) {
    fmt::print("invariants    all held\n");
  } else {
    fmt::print("VIOLATIONS\n");
    for (const auto& [kind, n] : r.violations) fmt::print("  {} x {}\n", n, kind);
    for (const auto& d : r.details) fmt::print("  - {}\n", d);
  }
  std::fflush(stdout);
}

void write_json(const std::string& path, const Options& opt, const Report& r) {
  const ClientStats& c = r.calls;
  nlohmann::json j;
  j["clients"] = opt.clients;
  j["seconds"] = r.load_s;
  j["requests"] = {{"sent", c.requests},
                   {"accepted", c.accepted},
                   {"rejected", c.rejected},
                   {"abandoned", c.abandoned},
                   {"accepted_per_s", rate(c.accepted, r.load_s)},
                   {"reject_reasons", c.reject_reasons}};
  j["circuits"] = {{"acknowledged", c.circuits}, {"released", c.released_circuits}};
  j["releases"] = {{"calls", c.releases}, {"per_s", rate(c.releases, r.load_s)}};
  j["latency"] = {{"RequestCircuits", latency_json(c.request_ms)},
                  {"ReleaseCircuits", latency_json(c.release_ms)},
                  {"ExtendLease", latency_json(c.extend_ms)}};
  j["errors"] = {{"retries", c.retries}, {"failed", c.errors}, {"codes", c.error_codes}};
  const WatchStats& w = r.all_events;
  j["watch"] = {{"events", w.events},
                {"gaps", w.gaps},
                {"out_of_order", w.out_of_order},
                {"breaks", w.breaks},
                {"failed", w.failed},
                {"restored", w.restored},
                {"expired", w.expired},
                {"tenant_events", r.tenant_events.events}};
  const HeldOutcome& h = r.held;
  j["held_at_end"] = {{"total", h.held},    {"intact", h.intact},   {"restored", h.restored},
                      {"failed", h.failed}, {"expired", h.expired}, {"lost", h.lost}};
  j["abandoned"] = {{"circuits", h.abandoned},
                    {"ended_by_lease", h.abandoned_ended},
                    {"lateness_p50_ms", percentile(r.lease_lateness_ms, 0.5)},
                    {"lateness_max_ms", percentile(r.lease_lateness_ms, 1.0)}};
  j["memory"] = {{"early_rss_mib", r.flat.early_rss_mib},
                 {"late_rss_mib", r.flat.late_rss_mib},
                 {"early_fds", r.flat.early_fds},
                 {"late_fds", r.flat.late_fds},
                 {"after_release_rss_mib", static_cast<double>(r.after_release.rss_kib) / 1024}};
  nlohmann::json samples = nlohmann::json::array();
  for (const auto& s : r.samples) samples.push_back({s.at_s, s.rss_kib, s.fds});
  j["samples"] = samples;  // [seconds, RSS KiB, fds]
  j["violations"] = nlohmann::json::object();
  for (const auto& [kind, n] : r.violations) j["violations"][kind] = n;
  std::ofstream(path) << j.dump(1) << "\n";
}

}  // namespace lightpath::soak
