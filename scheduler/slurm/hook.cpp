#include "scheduler/slurm/hook.h"

#include <fmt/format.h>

#include "scheduler/node_mapping.h"
#include "scheduler/release_journal.h"
#include "scheduler/slurm/nodelist.h"

namespace lightpath::slurm {
namespace {

using scheduler::CircuitClient;
using scheduler::Fallback;
using Clock = CircuitClient::Clock;

// Pending releases get a short try at the start of every run, so one
// controller outage does not leave them waiting for cron.
constexpr std::chrono::seconds kJournalBudget{2};

// The outcome of a refusal or an error, by the configured fallback.
int settle(const HookLog& log, Fallback fallback, int fail_code, const std::string& why) {
  if (fallback == Fallback::kPacket) {
    log.info(why + "; the job runs on the packet fabric");
    return kExitOk;
  }
  log.error(why + "; the job does not run (Slurm requeues a batch job)");
  return fail_code;
}

scheduler::ClusterPolicy policy_for(const HookConfig& config, const Env& env) {
  scheduler::ClusterPolicy p = config.policy;
  if (config.cluster_from_env) {
    auto it = env.find("SLURM_CLUSTER_NAME");
    p.cluster = it != env.end() && !it->second.empty() ? it->second : "slurm";
  }
  return p;
}

void deliver_journal(const HookConfig& config, CircuitClient& client, const HookLog& log) {
  if (config.journal_dir.empty()) return;
  scheduler::ReleaseJournal journal(config.journal_dir);
  if (journal.pending().empty()) return;
  const auto n = scheduler::deliver_pending(client, journal, Clock::now() + kJournalBudget);
  if (n > 0)
    log.info(fmt::format("delivered {} pending release(s) from {}", n, config.journal_dir));
}

std::string circuit_list(const v1::RequestCircuitsResponse& resp) {
  std::vector<std::string> parts;
  for (const auto& c : resp.circuits())
    parts.push_back(fmt::format("{}<->{}", c.a_port(), c.b_port()));
  return fmt::format("{}", fmt::join(parts, " "));
}

// Asks for the planned circuits and waits until they are ACTIVE.
int request_and_wait(const HookConfig& config, const scheduler::CircuitPlan& plan,
                     CircuitClient& client, const HookLog& log, Clock::time_point started) {
  const auto& req = plan.request;
  auto resp = client.request(req, Clock::now() + config.timeouts.request);
  if (!resp) {
    const int code = resp.error().code == "UNAVAILABLE" ? kExitUnreachable : kExitBadInput;
    return settle(log, config.on_error, code,
                  fmt::format("request {}: {}: {}", req.request_id(), resp.error().code,
                              resp.error().message));
  }
  if (!resp->accepted())
    return settle(log, plan.on_reject, kExitRejected,
                  fmt::format("request {} ({} over {}) rejected: {}: {}", req.request_id(),
                              scheduler::pattern_name(req.pattern()),
                              fmt::join(plan.endpoints, ","), resp->reason(), resp->message()));
  if (resp->packet_flows_size() > 0)
    log.info(fmt::format("{} flow(s) on the packet fabric (circuit_preferred)",
                         resp->packet_flows_size()));

  std::vector<std::uint64_t> ids;
  for (const auto& c : resp->circuits()) ids.push_back(c.id());
  auto wait = client.wait_active(req.job_id(), ids, Clock::now() + config.timeouts.active);
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  if (wait && wait->all_active) {
    log.info(fmt::format("{} circuit(s) ACTIVE after {} ms ({} over {}): {}", ids.size(),
                         elapsed.count(), scheduler::pattern_name(req.pattern()),
                         fmt::join(plan.endpoints, ","), circuit_list(*resp)));
    return kExitOk;
  }
  const bool timed_out = wait && wait->timed_out;
  const Fallback fallback = !wait || timed_out ? config.on_error : plan.on_reject;
  const std::string why = wait ? wait->why : wait.error().message;
  if (fallback == Fallback::kFail) {
    // The job will not run: its circuits must not linger until the lease ends.
    auto released = client.release_request(req.request_id(), req.tenant(),
                                           Clock::now() + config.timeouts.request);
    if (!released)
      log.error("could not release after the failed wait: " + released.error().message);
  }
  return settle(log, fallback, !wait || timed_out ? kExitUnreachable : kExitRejected,
                fmt::format("request {}: circuits not ACTIVE: {}", req.request_id(), why));
}

}  // namespace

int run_prolog(const HookConfig& config, const Env& env, HookLog& log) {
  const auto started = Clock::now();
  auto job = read_identity(env, config.tenant_from);
  if (!job) {
    log.error(job.error().message);
    return kExitConfig;
  }
  log.set_job(job->id);
  CircuitClient client(config.client);
  deliver_journal(config, client, log);
  auto hints = read_hints(env);
  if (!hints) return settle(log, config.on_error, kExitBadInput, hints.error().message);
  job->hints = std::move(*hints);
  const auto nodelist = env.contains("SLURM_JOB_NODELIST") ? env.at("SLURM_JOB_NODELIST") : "";
  auto nodes = expand_nodelist(nodelist);
  if (!nodes)
    return settle(log, config.on_error, kExitBadInput,
                  "SLURM_JOB_NODELIST: " + nodes.error().message);
  job->nodes = std::move(*nodes);
  auto mapping = scheduler::NodeMapping::load(config.mapping);
  if (!mapping)
    return settle(log, config.on_error, kExitBadInput, "node mapping: " + mapping.error().message);
  if (!config.scontrol.path.empty()) {
    auto limit = query_time_limit(config.scontrol, job->id);
    if (limit)
      job->time_limit = *limit;
    else
      log.info("no time limit for the lease (" + limit.error().message + ")");
  }
  const auto policy = policy_for(config, env);
  auto plan = scheduler::plan_circuits(*job, *mapping, policy);
  if (!plan) return settle(log, config.on_error, kExitBadInput, plan.error().message);
  if (plan->nothing_to_connect()) {
    log.info(fmt::format("{} node(s) on {} endpoint: nothing to connect", job->nodes.size(),
                         plan->endpoints.size()));
    return kExitOk;
  }

  return request_and_wait(config, *plan, client, log, started);
}

int run_epilog(const HookConfig& config, const Env& env, HookLog& log) {
  // The epilog needs no nodelist, mapping or hints: it releases by job.
  auto job = read_identity(env, config.tenant_from);
  if (!job) {
    log.error(job.error().message);
    return kExitConfig;
  }
  log.set_job(job->id);
  const auto policy = policy_for(config, env);
  const std::string job_id = scheduler::controller_job_id(policy, *job);
  CircuitClient client(config.client);
  deliver_journal(config, client, log);
  auto released = client.release_job(job_id, job->tenant, Clock::now() + config.timeouts.release);
  if (released) {
    if (!released->empty())
      log.info(fmt::format("released {} circuit(s) of {}", released->size(), job_id));
    return kExitOk;
  }
  const std::string why =
      fmt::format("release of {}: {}: {}", job_id, released.error().code, released.error().message);
  if (released.error().code != "UNAVAILABLE") {
    // Refused (e.g. another tenant's circuits): retrying would not help.
    log.error(why + "; not retried, the lease will end the circuits");
    return kExitBadInput;
  }
  if (config.journal_dir.empty()) {
    log.error(why + "; no journal_dir configured, the lease will end the circuits");
    return kExitUnreachable;
  }
  scheduler::ReleaseJournal journal(config.journal_dir);
  if (auto e = journal.add({job_id, job->tenant})) {
    log.error(why + "; and " + e->message + "; the lease will end the circuits");
    return kExitUnreachable;
  }
  log.error(why + fmt::format("; kept in {} for the next run", config.journal_dir));
  return kExitUnreachable;
}

int run_deliver(const HookConfig& config, HookLog& log) {
  if (config.journal_dir.empty()) {
    log.error("no journal_dir in the config");
    return kExitConfig;
  }
  scheduler::ReleaseJournal journal(config.journal_dir);
  CircuitClient client(config.client);
  const auto n =
      scheduler::deliver_pending(client, journal, Clock::now() + config.timeouts.release);
  const auto left = journal.pending().size();
  log.info(fmt::format("delivered {} pending release(s), {} left", n, left));
  return left == 0 ? kExitOk : kExitUnreachable;
}

}  // namespace lightpath::slurm
