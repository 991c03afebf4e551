#!/usr/bin/env bash
# Slurm end to end: a real munged, slurmctld and four slurmd (node1..node4 on
# loopback, all from a temp dir) run lightpath-slurm as PrologSlurmctld and
# EpilogSlurmctld against a real lightpathd on topologies/slurm-4node.yaml.
# Checks that a job's circuits are ACTIVE before its first command, released
# when it ends, that a refused job does not run (or runs on the packet fabric
# when it asks to), and that a one-node job runs without circuits.
# Needs root and Debian's slurm-wlm and munge (scripts/install-deps.sh slurm);
# without them it fails and says so. Every process it starts is stopped by
# its PID on exit, failure included.
# Usage: slurm_e2e_test.sh LIGHTPATH_SLURM LIGHTPATHD LIGHTPATHCTL SOURCE_DIR
set -u
hook=$1
daemon=$2
ctl=$3
src=$4
failures=0
export PATH=$PATH:/usr/sbin:/sbin  # munged, slurmctld and slurmd live there

for cmd in munged slurmctld slurmd sbatch squeue scontrol scancel sinfo; do
  if ! command -v "$cmd" >/dev/null; then
    echo "FAIL: '$cmd' not found: install Slurm with 'scripts/install-deps.sh slurm' (needs root)"
    exit 1
  fi
done
if [[ $(id -u) -ne 0 ]]; then
  echo "FAIL: this test runs slurmctld and slurmd with SlurmUser=root and must run as root"
  exit 1
fi

tmp=$(mktemp -d /tmp/lightpath-slurm-e2e-XXXXXX)
chmod 755 "$tmp"
daemon_pid=""

pid_of() { cat "$1" 2>/dev/null; }
# A daemon that forked away from us is reaped by someone else, perhaps late:
# a zombie counts as stopped.
alive() { [[ -n $1 && -e /proc/$1 ]] && [[ $(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) != Z ]]; }
stop_pids() {  # PID...: TERM to all, then KILL what still runs after 3 s
  local pid
  for pid in "$@"; do alive "$pid" && kill -TERM "$pid" 2>/dev/null; done
  for _ in $(seq 30); do
    for pid in "$@"; do alive "$pid" && continue 2; done
    return 0
  done
  for pid in "$@"; do alive "$pid" && kill -KILL "$pid" 2>/dev/null; done
}
submitted=()
cleanup() {
  [[ -s $tmp/submitted ]] && mapfile -t submitted <"$tmp/submitted"
  if ((${#submitted[@]} > 0)) && alive "$(pid_of "$tmp/slurmctld.pid")"; then
    # Our jobs first, so that no job step outlives its slurmd.
    scancel "${submitted[@]}" >/dev/null 2>&1
    for _ in $(seq 30); do [[ -z $(squeue -h 2>/dev/null) ]] && break; sleep 0.1; done
  fi
  stop_pids "$(pid_of "$tmp/slurmd.node1.pid")" "$(pid_of "$tmp/slurmd.node2.pid")" \
    "$(pid_of "$tmp/slurmd.node3.pid")" "$(pid_of "$tmp/slurmd.node4.pid")"
  stop_pids "$(pid_of "$tmp/slurmctld.pid")"
  stop_pids "$(pid_of "$tmp/munged.pid")"
  stop_pids "$daemon_pid"
  [[ -n $daemon_pid ]] && wait "$daemon_pid" 2>/dev/null
  if ((failures > 0)) || [[ ${KEEP_LOGS:-} ]]; then
    echo "--- lightpath-slurm log"; cat "$tmp/hook.log" 2>/dev/null
    echo "--- slurmctld log (last 30 lines)"; tail -30 "$tmp/log/slurmctld.log" 2>/dev/null
    echo "--- lightpathd log (last 20 lines)"; tail -20 "$tmp/daemon.log" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local tries=$((seconds * 5))
  for _ in $(seq "$tries"); do
    "$@" && return 0
    sleep 0.2
  done
  fail "timed out after ${seconds}s waiting for: $what"
  return 1
}
# Five consecutive free TCP ports on loopback for slurmctld and the slurmds
# (checked with ss when iproute2 is there; a random base otherwise).
free_ports() {
  local base p
  for _ in $(seq 50); do
    base=$((20000 + RANDOM % 30000))
    for p in $(seq "$base" $((base + 4))); do
      command -v ss >/dev/null || break
      [[ -n $(ss -Htln "sport = :$p") ]] && continue 2
    done
    echo "$base"
    return 0
  done
  return 1
}

start=$(date +%s%N)
export SLURM_CONF=$tmp/slurm.conf
mkdir -p "$tmp/state" "$tmp/spool" "$tmp/log" "$tmp/out"
host=$(hostname -s)
base=$(free_ports) || { fail "no free ports"; exit 1; }

echo "== lightpathd"
"$daemon" --topology "$src/topologies/slurm-4node.yaml" --db "$tmp/lightpath.db" \
  --grpc-listen 127.0.0.1:0 --http-listen 127.0.0.1:0 --ready-file "$tmp/ready.json" \
  --no-fsync --log-level warn >"$tmp/daemon.log" 2>&1 &
daemon_pid=$!
wait_for 10 "lightpathd ready file" test -s "$tmp/ready.json" || exit 1
grpc_port=$(sed -n 's/.*"grpc_port": *\([0-9]*\).*/\1/p' "$tmp/ready.json")
server=127.0.0.1:$grpc_port

# slurmctld runs the hook without arguments and with an almost empty
# environment: a wrapper names the config (docs/slurm.md).
cat >"$tmp/hook.yaml" <<YAML
server: $server
mapping: $src/examples/slurm/nodes.yaml
on_reject: fail
on_error: fail
log_file: $tmp/hook.log
journal_dir: $tmp/journal
scontrol: /usr/bin/scontrol
slurm_conf: $tmp/slurm.conf
timeouts: {call_seconds: 3, request_seconds: 10, active_seconds: 15, release_seconds: 15}
YAML
printf '#!/bin/sh\nexec %s --config %s\n' "$hook" "$tmp/hook.yaml" >"$tmp/hook.sh"
chmod 755 "$tmp/hook.sh"
"$hook" check --config "$tmp/hook.yaml" || { fail "hook config check"; exit 1; }

echo "== munged, slurmctld, 4 slurmd (ports $base-$((base + 4)))"
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 status=none
chmod 600 "$tmp/munge.key"
munged --force --key-file "$tmp/munge.key" --socket "$tmp/munge.sock" --pid-file "$tmp/munged.pid" \
  --log-file "$tmp/log/munged.log" --seed-file "$tmp/munge.seed" || { fail "munged did not start"; exit 1; }
cat >"$SLURM_CONF" <<CONF
ClusterName=lpe2e
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$tmp/munge.sock
CredType=cred/munge
SlurmctldPort=$base
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool/%n
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.%n.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=sched_interval=1
MpiDefault=none
ReturnToService=2
PrologSlurmctld=$tmp/hook.sh
EpilogSlurmctld=$tmp/hook.sh
PrologEpilogTimeout=60
NodeName=node[1-4] NodeHostname=$host NodeAddr=127.0.0.1 Port=[$((base + 1))-$((base + 4))] CPUs=2 RealMemory=1000
PartitionName=debug Nodes=node[1-4] Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF" || { fail "slurmctld did not start"; exit 1; }
for n in 1 2 3 4; do slurmd -f "$SLURM_CONF" -N "node$n" || { fail "slurmd node$n did not start"; exit 1; }; done
idle4() { [[ $(sinfo -h -o '%D %t' 2>/dev/null) == "4 idle" ]]; }
wait_for 20 "4 idle Slurm nodes" idle4 || exit 1

# submit SBATCH-ARGS...: prints the job id, and remembers it for clean-up.
submit() {
  local id
  id=$(sbatch --parsable "$@") || { fail "sbatch $* failed"; return 1; }
  echo "$id" >>"$tmp/submitted"
  echo "$id"
}
job_state() { squeue -h -j "$1" -o %T 2>/dev/null; }
gone() { [[ -z $(job_state "$1") ]]; }
running() { [[ $(job_state "$1") == RUNNING ]]; }
# live JOB: the lightpath job's circuits not yet released (RELEASING counts as released).
live() {
  "$ctl" circuits list --job "lpe2e-$1" --json --server "$server" | grep -o '"state":"[A-Z]*"' |
    grep -vc RELEASING
}
no_live() { [[ $(live "$1") == 0 ]]; }
in_log() { grep -q -- "$1" "$tmp/hook.log" 2>/dev/null; }
# The job's first command lists its circuits: proof that they were up before it ran.
job_script() {
  printf '#!/bin/sh\n%s circuits list --job lpe2e-$SLURM_JOB_ID --json --server %s > %s/out/$SLURM_JOB_ID.circuits\nsleep %s\n' \
    "$ctl" "$server" "$tmp" "$1"
}
job_script 4 >"$tmp/job.sh"
job_script 0 >"$tmp/short.sh"

# check_job JOB CIRCUITS: while it runs, the job has CIRCUITS ACTIVE circuits
# (as seen by its own first command, and from outside), and they have a lease
# from its time limit; once it ends, they are released.
check_job() {
  local job=$1 want=$2
  wait_for 20 "job $job running" running "$job" || return
  local seen="$tmp/out/$job.circuits"
  wait_for 5 "job $job's own circuit listing" test -s "$seen" || return
  local active
  active=$(grep -o '"state":"ACTIVE"' "$seen" | wc -l)
  [[ $active == "$want" ]] || fail "job $job started with $active ACTIVE circuit(s), wanted $want: $(cat "$seen")"
  grep -q '"lease_expires_unix_ms":"0"' "$seen" && fail "job $job's circuits have no lease from its time limit"
  [[ $(live "$job") == "$want" ]] || fail "job $job has $(live "$job") circuit(s) while running, wanted $want"
  echo "ok: job $job ran with $want ACTIVE circuit(s)"
  wait_for 20 "job $job ended" gone "$job" || return
  wait_for 10 "job $job's circuits released" no_live "$job" && echo "ok: job $job's circuits released"
}

echo "== sbatch -N2 (ring from the comment): one circuit"
a=$(submit -N2 -t 2 --comment "lightpath:pattern=ring" -o "$tmp/out/%j.log" "$tmp/job.sh")
check_job "$a" 1

echo "== sbatch -N3 (the cluster's default pattern, ring) beside a one-node job"
b=$(submit -N3 -t 2 -o "$tmp/out/%j.log" "$tmp/job.sh")
e=$(submit -N1 -t 2 -o "$tmp/out/%j.log" "$tmp/short.sh")
check_job "$b" 3
wait_for 20 "one-node job $e ended" gone "$e"
in_log "job $e prolog: 1 node(s) on 1 endpoint: nothing to connect" && echo "ok: one-node job $e ran without circuits" ||
  fail "one-node job $e: no 'nothing to connect' line"
test -s "$tmp/out/$e.circuits" || fail "one-node job $e did not run"

echo "== a refused job does not run"
c=$(submit -N4 -t 2 --comment "lightpath:pattern=all_to_all" -o "$tmp/out/%j.log" "$tmp/job.sh")
wait_for 20 "job $c refused" in_log "job $c prolog: error: request lpe2e-$c-0 (all_to_all over node1,node2,node3,node4) rejected: INSUFFICIENT_PORTS"
requeued() { [[ $(job_state "$c") == PENDING ]]; }
wait_for 10 "job $c back in the queue" requeued
sleep 1
[[ -e $tmp/out/$c.circuits ]] && fail "refused job $c ran"
[[ $(job_state "$c") == PENDING ]] && echo "ok: refused job $c did not run (requeued: $(squeue -h -j "$c" -o %r))" ||
  fail "refused job $c is $(job_state "$c"), wanted PENDING"
[[ $(live "$c") == 0 ]] || fail "refused job $c holds circuits"
scancel "$c"
wait_for 10 "job $c cancelled" gone "$c"

echo "== a refused job that accepts the packet fabric runs without circuits"
d=$(submit -N4 -t 2 --comment "lightpath:pattern=all_to_all,on_reject=packet" -o "$tmp/out/%j.log" "$tmp/short.sh")
wait_for 20 "job $d ended" gone "$d"
in_log "job $d prolog: request lpe2e-$d-0 .* rejected: INSUFFICIENT_PORTS: .*; the job runs on the packet fabric" ||
  fail "job $d: no packet fallback line"
grep -q '"circuits":\[\]' "$tmp/out/$d.circuits" 2>/dev/null && echo "ok: job $d ran on the packet fabric" ||
  fail "job $d did not run, or ran with circuits"

[[ -z $(ls "$tmp/journal" 2>/dev/null) ]] || fail "releases left in the journal: $(ls "$tmp/journal")"
echo "took $(( ($(date +%s%N) - start) / 1000000 )) ms"
if ((failures > 0)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "all passed"
