// lightpath-slurm: Slurm's PrologSlurmctld / EpilogSlurmctld for lightpath.
//
//   lightpath-slurm [prolog|epilog|deliver|check] [--config FILE]
//
// slurm.conf runs a hook without arguments and with an almost empty
// environment, so the mode also comes from SLURM_SCRIPT_CONTEXT
// (prolog_slurmctld / epilog_slurmctld), or from the program's name
// (lightpath-slurm-prolog, lightpath-slurm-epilog: symlinks). The config
// file is --config, else $LIGHTPATH_SLURM_CONFIG, else
// /etc/lightpath/slurm.yaml. Exit codes: scheduler/slurm/hook.h.

#include <fmt/format.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "scheduler/node_mapping.h"
#include "scheduler/slurm/hook.h"

namespace {

using namespace lightpath::slurm;

constexpr const char* kDefaultConfig = "/etc/lightpath/slurm.yaml";
constexpr const char* kUsage =
    "usage: lightpath-slurm [prolog|epilog|deliver|check] [--config FILE]\n"
    "  prolog   request the job's circuits, wait until ACTIVE (PrologSlurmctld)\n"
    "  epilog   release the job's circuits (EpilogSlurmctld)\n"
    "  deliver  retry releases kept in the journal\n"
    "  check    read the config and node mapping, report problems\n"
    "mode default: from SLURM_SCRIPT_CONTEXT or the program name; config default:\n"
    "$LIGHTPATH_SLURM_CONFIG or /etc/lightpath/slurm.yaml (docs/slurm.md)\n";

std::string mode_from(std::string_view program, const Env& env) {
  if (auto it = env.find("SLURM_SCRIPT_CONTEXT"); it != env.end()) {
    if (it->second == "prolog_slurmctld") return "prolog";
    if (it->second == "epilog_slurmctld") return "epilog";
  }
  if (program.ends_with("-prolog")) return "prolog";
  if (program.ends_with("-epilog")) return "epilog";
  return "";
}

int check(const HookConfig& config, HookLog& log) {
  auto mapping = lightpath::scheduler::NodeMapping::load(config.mapping);
  if (!mapping) {
    log.error(mapping.error().message);
    return kExitConfig;
  }
  log.info(fmt::format("config OK; {} node(s) mapped; lightpathd at {}", mapping->size(),
                       config.client.server));
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  const Env env = current_env();
  std::string mode;
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc)
      config_path = argv[++i];
    else if (arg == "-h" || arg == "--help")
      return std::fputs(kUsage, stdout), kExitOk;
    else if (mode.empty() && !arg.starts_with("-"))
      mode = arg;
    else
      return std::fputs(kUsage, stderr), kExitConfig;
  }
  const std::string_view program = argv[0];
  if (mode.empty()) mode = mode_from(program, env);
  if (mode != "prolog" && mode != "epilog" && mode != "deliver" && mode != "check") {
    std::fputs(mode.empty() ? "lightpath-slurm: no mode given, and none from SLURM_SCRIPT_CONTEXT\n"
                            : "lightpath-slurm: unknown mode\n",
               stderr);
    std::fputs(kUsage, stderr);
    return kExitConfig;
  }
  if (config_path.empty()) {
    auto it = env.find("LIGHTPATH_SLURM_CONFIG");
    config_path = it != env.end() && !it->second.empty() ? it->second : kDefaultConfig;
  }
  HookLog log(mode, "");
  auto config = load_hook_config(config_path);
  if (!config) {
    log.error("config: " + config.error().message);
    return kExitConfig;
  }
  log.set_file(config->log_file);
  if (mode == "prolog") return run_prolog(*config, env, log);
  if (mode == "epilog") return run_epilog(*config, env, log);
  if (mode == "deliver") return run_deliver(*config, log);
  return check(*config, log);
}
