#pragma once
// The two things lightpath-slurm does for slurmctld, and their exit codes.
//
// PrologSlurmctld: read the job, plan its circuits, ask lightpathd, and
// hold the job (it stays CONFIGURING while this runs) until the circuits are
// ACTIVE. A non-zero exit keeps the job from running: Slurm requeues a batch
// job and kills an srun/salloc one. With on_reject/on_error "packet" the
// prolog exits 0 instead and the job runs on the packet fabric.
//
// EpilogSlurmctld: release every circuit of the job, retrying with backoff;
// a release not delivered in time is kept in the journal for the next run.

#include "scheduler/slurm/hook_config.h"
#include "scheduler/slurm/hook_log.h"
#include "scheduler/slurm/slurm_job.h"

namespace lightpath::slurm {

inline constexpr int kExitOk = 0;           // job runs (circuits up, not needed, or packet)
inline constexpr int kExitRejected = 1;     // lightpathd refused the circuits
inline constexpr int kExitBadInput = 2;     // nodelist, mapping, hint or endpoint unusable
inline constexpr int kExitUnreachable = 3;  // lightpathd unreachable or too slow; release deferred
inline constexpr int kExitConfig = 4;       // usage, or the config file is unusable

int run_prolog(const HookConfig& config, const Env& env, HookLog& log);
int run_epilog(const HookConfig& config, const Env& env, HookLog& log);

// Delivers the journal's pending releases (for cron, or by hand).
int run_deliver(const HookConfig& config, HookLog& log);

}  // namespace lightpath::slurm
