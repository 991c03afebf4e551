#pragma once
// Slurm's compressed node lists ("hostlist expressions") as slurmctld hands
// them to PrologSlurmctld in SLURM_JOB_NODELIST:
//   "node[1-3]"        -> node1 node2 node3
//   "gpu[01-10]"       -> gpu01 ... gpu10 (width from the lower bound, as Slurm does)
//   "a1,b[2-4]"        -> a1 b2 b3 b4
//   "a[1,3,5-7]"       -> a1 a3 a5 a6 a7
//   "r[1-2]n[1-2]"     -> r1n1 r1n2 r2n1 r2n2 (several bracket groups; leftmost slowest)
// Our own parser, so the hook needs neither libslurm nor `scontrol show
// hostnames` (PrologSlurmctld runs with an empty environment, without PATH).
// Stricter than Slurm where Slurm would guess: an unbalanced bracket, an
// empty name or range, or a range running downwards is an error.

#include <string>
#include <string_view>
#include <vector>

#include "lightpath/result.h"

namespace lightpath::slurm {

// Guards against a corrupt list such as "n[0-99999999]" exhausting memory.
inline constexpr std::size_t kMaxNodes = 100'000;

// The node names in the order Slurm lists them (duplicates kept). Errors have
// code "MALFORMED_NODELIST" and a message naming the offending part.
Result<std::vector<std::string>> expand_nodelist(std::string_view list);

}  // namespace lightpath::slurm
