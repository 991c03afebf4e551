// The fabric's health on /metrics: restorations and their time, what the
// reconcile pass found, and the latest optical readings of connected ports.
#include "controller/rest/rest_routes.h"

namespace lightpath::rest {

void render_health(Exposition& out, const core::Controller& c) {
  const core::Counters k = c.counters();
  out.family("lightpath_restorations_total",
             "Circuits that lost light, by outcome: restored, unrestorable, not_restorable.",
             MetricType::kCounter);
  for (const char* outcome : {"restored", "unrestorable", "not_restorable"}) {
    auto it = k.restorations.find(outcome);
    out.sample("lightpath_restorations_total", {{"outcome", outcome}},
               it == k.restorations.end() ? std::uint64_t{0} : it->second);
  }
  const auto& h = k.time_to_restore;
  out.family("lightpath_restoration_seconds",
             "Time from a loss-of-light alarm to the circuit ACTIVE again.",
             MetricType::kHistogram);
  for (std::size_t i = 0; i < h.kBoundsSeconds.size(); ++i)
    out.sample("lightpath_restoration_seconds_bucket", {{"le", format_value(h.kBoundsSeconds[i])}},
               h.buckets[i]);
  out.sample("lightpath_restoration_seconds_bucket", {{"le", "+Inf"}}, h.count);
  out.sample("lightpath_restoration_seconds_sum", {}, h.sum_seconds);
  out.sample("lightpath_restoration_seconds_count", {}, h.count);

  out.family("lightpath_reconcile_reads_total",
             "Reads of a switch's cross-connects to reconcile it.", MetricType::kCounter);
  out.sample("lightpath_reconcile_reads_total", {}, k.reconcile_reads);
  out.family("lightpath_drift_cross_connects_total",
             "Cross-connects found changed behind the controller's back: missing or unexpected.",
             MetricType::kCounter);
  for (const char* kind : {"missing", "unexpected"}) {
    auto it = k.drift.find(kind);
    out.sample("lightpath_drift_cross_connects_total", {{"kind", kind}},
               it == k.drift.end() ? std::uint64_t{0} : it->second);
  }

  const auto readings = c.latest_telemetry();
  const auto gauge = [&](std::string_view name, std::string_view help, auto value) {
    out.family(name, help, MetricType::kGauge);
    for (const auto& r : readings)
      out.sample(name, {{"switch", r.switch_name}, {"port", std::to_string(r.sample.reading.port)}},
                 value(r.sample.reading));
  };
  gauge("lightpath_port_input_power_dbm", "Optical power arriving on a connected port.",
        [](const southbound::PortTelemetry& t) { return t.input_power.value(); });
  gauge("lightpath_port_output_power_dbm", "Optical power leaving a connected port.",
        [](const southbound::PortTelemetry& t) { return t.output_power.value(); });
  gauge("lightpath_port_osnr_db", "OSNR of a connected port's output signal.",
        [](const southbound::PortTelemetry& t) { return t.osnr.value(); });
  gauge("lightpath_port_ber", "Estimated pre-FEC bit error ratio of a connected port's output.",
        [](const southbound::PortTelemetry& t) { return t.ber; });
}

}  // namespace lightpath::rest
