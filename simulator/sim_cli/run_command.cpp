#include "simulator/sim_cli/run_command.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>

#include "simulator/policy/run_policy.h"
#include "simulator/report/report_files.h"
#include "simulator/sim_cli/common.h"
#include "simulator/sim_cli/progress_bar.h"

namespace lightpath::sim_cli {
namespace {

struct RunFlags {
  std::string topology;
  std::string trace;
  std::string policy = "on-demand";
  std::vector<std::string> policies{"packet-only", "on-demand"};
  std::uint64_t seed = 1;
  std::string out;
  double switching_ms = -1;  // negative: the topology's own switching times
  double te_interval_ms = 500;
  std::string progress = "auto";
  std::string faults;
};

void add_common(CLI::App* cmd, RunFlags& f) {
  cmd->add_option("--topology", f.topology, "Topology YAML file")->required();
  cmd->add_option("--trace", f.trace, "Trace file (JSON Lines, docs/trace-format.md)")->required();
  cmd->add_option("--seed", f.seed, "Seed of the switch models' random draws")
      ->capture_default_str();
  cmd->add_option("--out", f.out, "Folder for the results")->required();
  cmd->add_option("--switching-ms", f.switching_ms,
                  "Every mirror move takes exactly this long (default: the topology's range)");
  cmd->add_option("--te-interval-ms", f.te_interval_ms,
                  "traffic-engineered: re-planning period in virtual milliseconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--faults", f.faults,
                  "Fault script for the simulated switches (docs/fault-script.md)");
  cmd->add_option("--progress", f.progress, "Progress bar on stderr: auto (on a terminal), on, off")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "on", "off"}));
}

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // Linux reports KiB
}

// Replays under each policy in turn; nullopt after printing the first error.
std::optional<std::vector<report::RunResult>> replay_all(const RunFlags& f,
                                                         const std::vector<std::string>& policies) {
  auto fabric = load_fabric_or_report(f.topology);
  if (!fabric) return std::nullopt;
  auto trace = load_trace_or_report(f.trace, &*fabric);
  if (!trace) return std::nullopt;
  std::vector<report::RunResult> runs;
  for (const std::string& name : policies) {
    policy::RunOptions o;
    o.policy = name;
    o.world.seed = f.seed;
    o.world.faults_path = f.faults;
    if (f.switching_ms >= 0) o.world.switching = Duration::from_seconds(f.switching_ms / 1e3);
    o.world.store_path = (std::filesystem::temp_directory_path() /
                          ("lightpath-sim-" + std::to_string(::getpid()) + "-" + name + ".db"))
                             .string();
    o.policy_options.te_interval = Duration::from_seconds(f.te_interval_ms / 1e3);
    const auto mode = f.progress == "on"    ? ProgressBar::Mode::kOn
                      : f.progress == "off" ? ProgressBar::Mode::kOff
                                            : ProgressBar::Mode::kAuto;
    const auto wall_start = std::chrono::steady_clock::now();
    std::optional<Result<report::RunResult>> result;
    {
      ProgressBar bar(name, mode);
      o.progress = [&bar](double x) { bar.update(x); };
      result = policy::run_policy(*trace, *fabric, o);
    }
    if (!*result) {
      std::cerr << "lightpath-sim: " << name << ": " << (*result).error().message << "\n";
      return std::nullopt;
    }
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    const auto& r = **result;
    // Wall-clock figures go to stderr only: the files stay identical run to run.
    std::cerr << name << ": " << r.events << " events in " << wall << " s ("
              << static_cast<double>(r.events) / std::max(wall, 1e-9) << " events/s), " << r.flows
              << " flows, peak memory " << peak_rss_mib() << " MiB\n";
    runs.push_back(std::move(**result));
  }
  return runs;
}

}  // namespace

void add_run_commands(CLI::App& app, int& exit_code) {
  auto run_flags = std::make_shared<RunFlags>();
  auto* run = app.add_subcommand("run", "Replay a trace under one circuit policy");
  add_common(run, *run_flags);
  run->add_option("--policy", run_flags->policy,
                  "packet-only, static, on-demand, per-phase or traffic-engineered")
      ->capture_default_str()
      ->check(CLI::IsMember(policy::policy_names()));
  run->callback([run_flags, &exit_code] {
    exit_code = 1;
    auto runs = replay_all(*run_flags, {run_flags->policy});
    if (!runs) return;
    if (auto ok = report::write_run(runs->front(), run_flags->out); !ok) {
      std::cerr << "lightpath-sim run: " << ok.error().message << "\n";
      return;
    }
    std::cout << report::comparison_table(*runs);
    std::cout << "report: " << (std::filesystem::path(run_flags->out) / "report.html").string()
              << "\n";
    exit_code = 0;
  });

  auto cmp_flags = std::make_shared<RunFlags>();
  auto* cmp = app.add_subcommand("compare", "Replay a trace under several policies, side by side");
  add_common(cmp, *cmp_flags);
  cmp->add_option("--policies", cmp_flags->policies, "Policies to compare (comma separated)")
      ->delimiter(',')
      ->capture_default_str()
      ->check(CLI::IsMember(policy::policy_names()));
  cmp->callback([cmp_flags, &exit_code] {
    exit_code = 1;
    auto runs = replay_all(*cmp_flags, cmp_flags->policies);
    if (!runs) return;
    if (auto ok = report::write_comparison(*runs, cmp_flags->out); !ok) {
      std::cerr << "lightpath-sim compare: " << ok.error().message << "\n";
      return;
    }
    std::cout << report::comparison_table(*runs);
    std::cout << "report: " << (std::filesystem::path(cmp_flags->out) / "report.html").string()
              << "\n";
    exit_code = 0;
  });
}

}  // namespace lightpath::sim_cli
