#include "simulator/report/html_report.h"

#include <cstddef>
#include <map>
#include <optional>

#include "simulator/report/run_stats.h"
#include "simulator/report/svg_plot.h"
#include "simulator/report/text_format.h"

namespace lightpath::report {

namespace {

// Tables show seconds to the microsecond and milliseconds to the microsecond;
// the CSV files keep every nanosecond.
std::string s6(Duration d) {
  return scaled_ns(d.count_ns(), 9, 6);
}
std::string ms3(Duration d) {
  return scaled_ns(d.count_ns(), 6, 3);
}

std::string page_open(const std::string& title) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n<title>" +
         escape_xml(title) +
         "</title>\n<style>\n"
         "body{font-family:sans-serif;margin:24px;color:#222;max-width:1100px}\n"
         "table{border-collapse:collapse;margin:8px 0 20px}\n"
         "th,td{border:1px solid #ccc;padding:3px 8px;text-align:right;white-space:nowrap}\n"
         "th{background:#f3f3f3}.l{text-align:left}\n"
         "svg.chart{max-width:100%;height:auto;display:block;margin:8px 0 24px}\n"
         "p.note{color:#555;font-size:90%}\n"
         "</style>\n</head>\n<body>\n";
}

std::string page_close() {
  return "<p class=\"note\">Units: s = seconds, ms = milliseconds (virtual time of the "
         "simulation); utilization is the fraction 0..1 of capacity carried over each sample "
         "step; gbps = 10^9 bit/s. Tables round to the microsecond; the CSV files and "
         "summary.json keep every nanosecond (docs/simulation-report.md).</p>\n"
         "</body>\n</html>\n";
}

// Cells are already escaped or numbers; `left` cells hold text.
struct Cell {
  std::string html;
  bool left = false;
};

std::string table(const std::vector<Cell>& head, const std::vector<std::vector<Cell>>& rows) {
  std::string out = "<table>\n<tr>";
  for (const auto& h : head) out += (h.left ? "<th class=\"l\">" : "<th>") + h.html + "</th>";
  out += "</tr>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const auto& c : row) out += (c.left ? "<td class=\"l\">" : "<td>") + c.html + "</td>";
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

Cell text(const std::string& s) {
  return {escape_xml(s), true};
}
Cell num(std::string s) {
  return {std::move(s), false};
}
template <class T>
Cell count(T n) {
  return {std::to_string(n), false};
}

// One row per figure and one column per run, which reads well for a single
// run and for a handful of policies alike.
std::string summary_table(const std::vector<RunResult>& runs, std::vector<Cell> head) {
  const std::vector<std::string> figures = {"makespan (s)",
                                            "jobs finished",
                                            "mean job completion time (s)",
                                            "mean iteration (ms)",
                                            "p50 iteration (ms)",
                                            "p99 iteration (ms)",
                                            "reconfigurations",
                                            "dark time (s)",
                                            "circuits requested",
                                            "circuits granted",
                                            "circuits refused",
                                            "mean packet link utilization (0..1)",
                                            "mean circuit utilization (0..1)",
                                            "peak circuits up",
                                            "events",
                                            "flows"};
  std::vector<std::vector<Cell>> rows;
  for (const auto& f : figures) rows.push_back({text(f)});
  for (const auto& run : runs) {
    const RunStats st = run_stats(run);
    const std::vector<std::string> values = {
        s6(run.end),
        std::to_string(st.jobs_finished) + " / " + std::to_string(st.jobs),
        st.mean_completion ? s6(*st.mean_completion) : "n/a",
        ms3(st.iterations.mean),
        ms3(st.iterations.p50),
        ms3(st.iterations.p99),
        std::to_string(run.reconfigurations),
        s6(run.dark_time),
        std::to_string(run.circuits.size()),
        std::to_string(st.circuits_granted),
        std::to_string(st.circuits_refused),
        fixed(st.mean_packet_utilization, 3),
        fixed(st.mean_circuit_utilization, 3),
        std::to_string(st.peak_circuits_up),
        std::to_string(run.events),
        std::to_string(run.flows)};
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].push_back(num(values[i]));
  }
  head.insert(head.begin(), Cell{"", true});
  return table(head, rows);
}

std::optional<double> completion_s(const JobResult& job) {
  if (!job_finished(job)) return std::nullopt;
  return job.completion().seconds();
}

LineSeries utilization_line(const RunResult& run, const std::string& name, bool circuit) {
  LineSeries line{name, {}};
  for (const auto& s : run.utilization) {
    line.points.push_back({s.at.seconds(), circuit ? s.circuit : s.packet});
  }
  return line;
}

LineSeries circuits_up_line(const RunResult& run, const std::string& name) {
  LineSeries line{name, {}};
  for (const auto& s : run.utilization) {
    line.points.push_back({s.at.seconds(), static_cast<double>(s.circuits_up)});
  }
  return line;
}

constexpr const char* kJctTitle =
    "Job completion time (arrival to last iteration); \u00d7 = not finished";

std::string run_meta(const RunResult& run) {
  return "<p>topology <b>" + escape_xml(run.topology) + "</b>, trace <b>" + escape_xml(run.trace) +
         "</b>, seed " + std::to_string(run.seed) + ", " + std::to_string(run.events) +
         " events, " + std::to_string(run.flows) + " flows</p>\n";
}

}  // namespace

std::string run_html(const RunResult& run) {
  std::string out = page_open("lightpath-sim run: " + run.policy);
  out += "<h1>Run: " + escape_xml(run.policy) + "</h1>\n" + run_meta(run);
  out += "<h2>Summary</h2>\n" + summary_table({run}, {text(run.policy)});

  std::vector<std::string> ids;
  BarSeries jct{run.policy, {}, {}};
  std::vector<std::vector<Cell>> job_rows;
  for (const auto& job : run.jobs) {
    ids.push_back(job.id);
    const bool done = job_finished(job);
    jct.values.push_back(completion_s(job));
    jct.labels.push_back(done ? s6(job.completion()) : "");
    job_rows.push_back(
        {text(job.id), count(job.gpus), num(s6(job.arrival)), num(s6(job.started - job.arrival)),
         num(done ? s6(job.completion()) : "not finished"), count(job.iterations.size()),
         num(ms3(iteration_stats(job.iterations).mean)), count(job.circuits_granted),
         count(job.circuits_refused)});
  }
  out += "<h2>Jobs</h2>\n" +
         bar_chart(ids, {jct}, {kJctTitle, "job", "completion time (s)", std::nullopt, false});
  out += line_chart(
      {utilization_line(run, "packet links", false), utilization_line(run, "circuits", true)},
      {"Utilization over time", "time (s)", "utilization (0..1)", 1.0, false});
  out += line_chart({circuits_up_line(run, "circuits up")},
                    {"Circuits up over time", "time (s)", "circuits", std::nullopt, true});
  out += table({{"job", true},
                {"GPUs"},
                {"arrival s"},
                {"wait s"},
                {"completion s"},
                {"iterations"},
                {"mean iteration ms"},
                {"circuits granted"},
                {"circuits refused"}},
               job_rows);
  out +=
      "<p class=\"note\">Per-circuit and per-sample detail: circuits.csv, utilization.csv, "
      "iterations.csv, jobs.csv.</p>\n";
  return out + page_close();
}

std::string comparison_html(const std::vector<RunResult>& runs,
                            const std::vector<std::string>& dirs) {
  std::string out = page_open("lightpath-sim compare");
  out += "<h1>Policies compared</h1>\n";
  if (!runs.empty()) out += run_meta(runs.front());

  std::vector<Cell> heads;
  std::vector<std::string> policies;
  BarSeries reconf{"reconfigurations", {}, {}};
  BarSeries dark{"dark time", {}, {}};
  BarSeries mean{"mean", {}, {}}, p50{"p50", {}, {}}, p99{"p99", {}, {}};
  auto add = [](BarSeries& s, double value, std::string label) {
    s.values.push_back(value);
    s.labels.push_back(std::move(label));
  };
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto& run = runs[i];
    const std::string dir = i < dirs.size() ? dirs[i] : std::string();
    Cell link{"<a href=\"" + escape_xml(dir) + "/report.html\">" + escape_xml(run.policy) + "</a>",
              true};
    heads.push_back(dir.empty() ? text(run.policy) : link);
    policies.push_back(run.policy);
    const RunStats st = run_stats(run);
    add(reconf, static_cast<double>(run.reconfigurations), std::to_string(run.reconfigurations));
    add(dark, run.dark_time.seconds(), s6(run.dark_time));
    add(mean, st.iterations.mean.millis(), ms3(st.iterations.mean));
    add(p50, st.iterations.p50.millis(), ms3(st.iterations.p50));
    add(p99, st.iterations.p99.millis(), ms3(st.iterations.p99));
  }
  out += "<h2>Summary</h2>\n" + summary_table(runs, heads);

  // Jobs are matched across runs by id, in the order they first appear.
  std::vector<std::string> ids;
  std::map<std::string, std::size_t> column;
  for (const auto& run : runs) {
    for (const auto& job : run.jobs) {
      if (column.emplace(job.id, ids.size()).second) ids.push_back(job.id);
    }
  }
  std::vector<BarSeries> jct;
  for (const auto& run : runs) {
    BarSeries s{run.policy, std::vector<std::optional<double>>(ids.size()),
                std::vector<std::string>(ids.size())};
    std::vector<bool> seen(ids.size(), false);
    for (const auto& job : run.jobs) {
      const std::size_t c = column.at(job.id);
      if (seen[c]) continue;
      seen[c] = true;
      s.values[c] = completion_s(job);
      if (job_finished(job)) s.labels[c] = s6(job.completion());
    }
    jct.push_back(std::move(s));
  }
  out += "<h2>Jobs</h2>\n" +
         bar_chart(ids, jct, {kJctTitle, "job", "completion time (s)", std::nullopt, false});
  out += "<h2>Reconfiguration</h2>\n" +
         bar_chart(policies, {reconf},
                   {"Reconfigurations (cross-connects changed)", "policy", "count", std::nullopt,
                    false}) +
         bar_chart(policies, {dark},
                   {"Dark time (summed over circuits, request to active)", "policy",
                    "dark time (s)", std::nullopt, false}) +
         bar_chart(policies, {mean, p50, p99},
                   {"Iteration time", "policy", "iteration time (ms)", std::nullopt, false});

  std::vector<LineSeries> packet, circuit, up;
  for (const auto& run : runs) {
    packet.push_back(utilization_line(run, run.policy, false));
    circuit.push_back(utilization_line(run, run.policy, true));
    up.push_back(circuits_up_line(run, run.policy));
  }
  out += "<h2>Over time</h2>\n" +
         line_chart(circuit, {"Circuit utilization over time", "time (s)", "utilization (0..1)",
                              1.0, false}) +
         line_chart(packet, {"Packet link utilization over time", "time (s)", "utilization (0..1)",
                             1.0, false}) +
         line_chart(up, {"Circuits up over time", "time (s)", "circuits", std::nullopt, true});
  return out + page_close();
}

}  // namespace lightpath::report
