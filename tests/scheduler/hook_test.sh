#!/usr/bin/env bash
# lightpath-slurm as slurmctld runs it (empty environment but SLURM_*),
# against a real lightpathd on topologies/slurm-4node.yaml, without Slurm:
# every outcome and exit code of docs/slurm.md, bad input included, and a
# release that survives a controller restart.
# Usage: hook_test.sh LIGHTPATH_SLURM LIGHTPATHD LIGHTPATHCTL SOURCE_DIR
set -u
hook=$1
daemon=$2
ctl=$3
src=$4
tmp=$(mktemp -d)
daemon_pid=""
failures=0

stop_daemon() {
  if [[ -n $daemon_pid ]] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$daemon_pid" 2>/dev/null
  fi
  [[ -n $daemon_pid ]] && wait "$daemon_pid" 2>/dev/null
  daemon_pid=""
}
cleanup() {
  stop_daemon
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  echo "--- hook stderr"; cat "$tmp/err" 2>/dev/null
  failures=$((failures + 1))
}

# start_daemon [PORT]: lightpathd on PORT (default: one the kernel picks);
# $db names its state file, $time_scale slows its simulated switches.
start_daemon() {
  rm -f "$tmp/ready.json"
  "$daemon" --topology "$src/topologies/slurm-4node.yaml" --db "$tmp/${db:-state}.db" \
    --grpc-listen "127.0.0.1:${1:-0}" --http-listen 127.0.0.1:0 --ready-file "$tmp/ready.json" \
    --no-fsync --log-level warn --time-scale "${time_scale:-1}" >>"$tmp/daemon.log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 100); do
    [[ -s $tmp/ready.json ]] && break
    sleep 0.1
  done
  port=$(sed -n 's/.*"grpc_port": *\([0-9]*\).*/\1/p' "$tmp/ready.json" 2>/dev/null)
  [[ -n $port ]] || { echo "FAIL: lightpathd did not start"; cat "$tmp/daemon.log"; exit 1; }
}

# config FILE KEY=VALUE...: a hook config for this daemon; a KEY given
# replaces the default line of that key.
config() {
  local file=$1
  shift
  local defaults=(
    "server=${server:-127.0.0.1:$port}"
    "mapping=$src/examples/slurm/nodes.yaml"
    "cluster=t"
    "log_file=$tmp/hook.log"
    "journal_dir=$tmp/journal"
    'scontrol=""'
    "timeouts={call_seconds: 2, request_seconds: ${request_seconds:-5}, active_seconds: 10, release_seconds: ${release_seconds:-5}}"
  )
  local kv given
  : >"$tmp/$file"
  for kv in "${defaults[@]}"; do
    for given in "$@"; do [[ ${given%%=*} == "${kv%%=*}" ]] && continue 2; done
    echo "${kv%%=*}: ${kv#*=}" >>"$tmp/$file"
  done
  for kv in "$@"; do echo "${kv%%=*}: ${kv#*=}" >>"$tmp/$file"; done
}

# run WANT CONFIG MODE [VAR=VALUE...]: the hook with only the given variables,
# as slurmctld runs it; checks its exit code.
run() {
  local want=$1 cfg=$2 mode=$3
  shift 3
  env -i SLURM_SCRIPT_CONTEXT="${mode}_slurmctld" SLURM_JOB_USER=alice SLURM_JOB_PARTITION=debug \
    "$@" "$hook" --config "$tmp/$cfg" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [[ $rc != "$want" ]]; then
    fail "$mode $* exited $rc, wanted $want"
    return 1
  fi
  echo "ok: $mode $* (exit $rc)"
}
expect_err() { grep -Eq -- "$1" "$tmp/err" || fail "stderr lacks /$1/"; }
# circuits JOB STATE-REGEX COUNT: the job has COUNT circuits not released,
# all in a state matching. RELEASING counts as released: its ports are free
# at once, and the switch confirms within milliseconds.
circuits() {
  "$ctl" circuits list --job "$1" --json --server "127.0.0.1:$port" >"$tmp/list" 2>&1 ||
    { fail "lightpathctl circuits list failed: $(cat "$tmp/list")"; return; }
  local n
  n=$(grep -o '"state":"[A-Z]*"' "$tmp/list" | grep -vc RELEASING)
  [[ $n == "$3" ]] || fail "job $1 has $n circuit(s), wanted $3: $(cat "$tmp/list")"
  if [[ $3 != 0 ]] && grep -o '"state":"[A-Z]*"' "$tmp/list" | grep -Evq "\"state\":\"($2)\""; then
    fail "job $1 has circuits not $2: $(cat "$tmp/list")"
  fi
}

start_daemon
config ok.yaml
config packet.yaml on_error=packet on_reject=packet

echo "== a 2-node job gets one ACTIVE circuit; asking twice allocates nothing more"
run 0 ok.yaml prolog SLURM_JOB_ID=101 SLURM_JOB_NODELIST='node[1-2]'
expect_err "1 circuit\(s\) ACTIVE after [0-9]+ ms \(ring over node1,node2\)"
circuits t-101 ACTIVE 1
run 0 ok.yaml prolog SLURM_JOB_ID=101 SLURM_JOB_NODELIST='node[1-2]'
circuits t-101 ACTIVE 1
grep -q "job 101 prolog: 1 circuit(s) ACTIVE" "$tmp/hook.log" || fail "hook.log lacks the prolog line"

echo "== another tenant cannot release them: refused, not retried"
run 2 ok.yaml epilog SLURM_JOB_ID=101 SLURM_JOB_USER=mallory
expect_err "FAILED_PRECONDITION: circuit [0-9]+ belongs to another tenant; not retried"
circuits t-101 ACTIVE 1

echo "== the epilog releases them, and again is harmless"
run 0 ok.yaml epilog SLURM_JOB_ID=101
expect_err "released 1 circuit\(s\) of t-101"
circuits t-101 . 0
run 0 ok.yaml epilog SLURM_JOB_ID=101

echo "== a 3-node ring, from the comment; the epilog releases by job, whatever the attempt"
run 0 ok.yaml prolog SLURM_JOB_ID=102 SLURM_JOB_NODELIST='node[1,3-4]' \
  SLURM_JOB_COMMENT='train lightpath:pattern=ring,bandwidth_gbps=200,priority=5'
circuits t-102 ACTIVE 3
grep -q '"bandwidth_gbps":200' "$tmp/list" || fail "bandwidth hint not applied"
grep -q '"priority":5' "$tmp/list" || fail "priority hint not applied"
run 0 ok.yaml epilog SLURM_JOB_ID=102 SLURM_JOB_RESTART_COUNT=1  # Slurm counts the restart first
circuits t-102 . 0

echo "== pattern from a constraint feature: pairwise over 4 nodes is 2 circuits"
run 0 ok.yaml prolog SLURM_JOB_ID=103 SLURM_JOB_NODELIST='node[1-4]' \
  SLURM_JOB_CONSTRAINTS='ib&lightpath_pairwise'
circuits t-103 ACTIVE 2
run 0 ok.yaml epilog SLURM_JOB_ID=103

echo "== refused (all-to-all over 4 nodes needs 3 ports each, there are 2)"
run 1 ok.yaml prolog SLURM_JOB_ID=104 SLURM_JOB_NODELIST='node[1-4]' \
  SLURM_JOB_COMMENT='lightpath:pattern=all_to_all'
expect_err "rejected: INSUFFICIENT_PORTS"
expect_err "the job does not run"
circuits t-104 . 0
run 0 ok.yaml prolog SLURM_JOB_ID=105 SLURM_JOB_NODELIST='node[1-4]' \
  SLURM_JOB_COMMENT='lightpath:pattern=all_to_all,on_reject=packet'
expect_err "runs on the packet fabric"
run 0 packet.yaml prolog SLURM_JOB_ID=106 SLURM_JOB_NODELIST='node[1-4]' \
  SLURM_JOB_COMMENT='lightpath:pattern=all_to_all'
expect_err "runs on the packet fabric"

echo "== nothing to connect"
run 0 ok.yaml prolog SLURM_JOB_ID=107 SLURM_JOB_NODELIST=node2
expect_err "1 node\(s\) on 1 endpoint: nothing to connect"

echo "== bad input: clear message, exit 2 (or 0 with on_error: packet)"
run 2 ok.yaml prolog SLURM_JOB_ID=108 SLURM_JOB_NODELIST='node[1-'
expect_err "SLURM_JOB_NODELIST: malformed node list 'node\[1-': '\[' without '\]'"
run 0 packet.yaml prolog SLURM_JOB_ID=108 SLURM_JOB_NODELIST='node[1-'
run 2 ok.yaml prolog SLURM_JOB_ID=109 SLURM_JOB_NODELIST='node[4-6]'
expect_err "node\(s\) not in the node mapping: node5, node6"
run 2 ok.yaml prolog SLURM_JOB_ID=110 SLURM_JOB_NODELIST='node[1-2]' SLURM_JOB_COMMENT='lightpath:pattern=star'
expect_err "pattern: 'star' is not ring, all_to_all or pairwise"
run 2 ok.yaml prolog SLURM_JOB_ID=111 SLURM_JOB_NODELIST='node[1-2]' SLURM_JOB_COMMENT='lightpath:colour=red'
expect_err "unknown key 'colour'"
run 2 ok.yaml prolog SLURM_JOB_ID=112 SLURM_JOB_NODELIST='node[1-3]' SLURM_JOB_COMMENT='lightpath:pattern=pairwise'
expect_err "pairwise needs an even number of endpoints"
run 2 ok.yaml prolog SLURM_JOB_ID=113
expect_err "SLURM_JOB_NODELIST: malformed node list '': empty"
config badmap.yaml mapping=/nonexistent/nodes.yaml
run 2 badmap.yaml prolog SLURM_JOB_ID=114 SLURM_JOB_NODELIST='node[1-2]'
expect_err "node mapping: /nonexistent/nodes.yaml: cannot read the file"

echo "== usage and config errors: exit 4"
run 4 ok.yaml prolog SLURM_JOB_NODELIST='node[1-2]'
expect_err "SLURM_JOB_ID is not set"
env -i "$hook" --config "$tmp/ok.yaml" >"$tmp/out" 2>"$tmp/err"
[[ $? == 4 ]] && echo "ok: no mode, exit 4" || fail "no mode: wanted exit 4"
env -i SLURM_SCRIPT_CONTEXT=prolog_slurmctld SLURM_JOB_ID=1 "$hook" --config /nonexistent.yaml >"$tmp/out" 2>"$tmp/err"
[[ $? == 4 ]] && echo "ok: missing config, exit 4" || fail "missing config: wanted exit 4"
echo "server: [oops" >"$tmp/broken.yaml"
run 4 broken.yaml prolog SLURM_JOB_ID=1 SLURM_JOB_NODELIST='node[1-2]'
expect_err "broken.yaml:[0-9]+:[0-9]+: "
"$hook" check --config "$tmp/ok.yaml" >"$tmp/out" 2>"$tmp/err" && grep -q "4 node(s) mapped" "$tmp/err" &&
  echo "ok: check" || fail "check"

echo "== the lease comes from the time limit that scontrol reports; a hung scontrol is cut off"
printf '#!/bin/sh\necho "JobId=$4 JobName=x TimeLimit=00:05:00 TimeMin=N/A"\n' >"$tmp/scontrol"
printf '#!/bin/sh\nexec sleep 30\n' >"$tmp/scontrol-hangs"
chmod +x "$tmp/scontrol" "$tmp/scontrol-hangs"
config lease.yaml scontrol="$tmp/scontrol" lease_grace_seconds=60
run 0 lease.yaml prolog SLURM_JOB_ID=115 SLURM_JOB_NODELIST='node[1-2]'
circuits t-115 ACTIVE 1
lease=$(sed -n 's/.*"lease_expires_unix_ms":"\([0-9]*\)".*/\1/p' "$tmp/list")
now=$(date +%s%3N)
((lease > now + 350000 && lease < now + 370000)) || fail "lease ends at $lease, wanted about now+360 s ($now)"
run 0 ok.yaml epilog SLURM_JOB_ID=115
config hangs.yaml scontrol="$tmp/scontrol-hangs" timeouts="{call_seconds: 2, scontrol_seconds: 1}"
start=$(date +%s%N)
run 0 hangs.yaml prolog SLURM_JOB_ID=116 SLURM_JOB_NODELIST='node[1-2]'
expect_err "no time limit for the lease .*gave no answer within 1000 ms"
(( ($(date +%s%N) - start) / 1000000 < 5000 )) || fail "a hung scontrol held the prolog over 5 s"
run 0 ok.yaml epilog SLURM_JOB_ID=116

echo "== unreachable controller: exit 3 within the request timeout"
server=127.0.0.1:1 request_seconds=1 release_seconds=1 config down.yaml
server=127.0.0.1:1 request_seconds=1 config down-packet.yaml on_error=packet
start=$(date +%s%N)
run 3 down.yaml prolog SLURM_JOB_ID=117 SLURM_JOB_NODELIST='node[1-2]'
ms=$(( ($(date +%s%N) - start) / 1000000 ))
((ms < 4000)) || fail "unreachable controller held the prolog $ms ms"
expect_err "UNAVAILABLE: cannot reach lightpathd at 127.0.0.1:1"
run 0 down-packet.yaml prolog SLURM_JOB_ID=117 SLURM_JOB_NODELIST='node[1-2]'
expect_err "runs on the packet fabric"

echo "== a release is not lost: kept in the journal, delivered by the next run"
run 0 ok.yaml prolog SLURM_JOB_ID=118 SLURM_JOB_NODELIST='node[2-3]'
circuits t-118 ACTIVE 1
sed -i "s/^server: .*/server: 127.0.0.1:1/" "$tmp/down.yaml"
run 3 down.yaml epilog SLURM_JOB_ID=118
expect_err "kept in $tmp/journal for the next run"
ls "$tmp"/journal/*.release >/dev/null 2>&1 || fail "no journal entry"
run 0 ok.yaml prolog SLURM_JOB_ID=119 SLURM_JOB_NODELIST=node1  # any later run delivers it
expect_err "delivered 1 pending release\(s\)"
circuits t-118 . 0
ls "$tmp"/journal/*.release >/dev/null 2>&1 && fail "journal entry left behind"

echo "== a release rides out a controller restart (retry with backoff)"
run 0 ok.yaml prolog SLURM_JOB_ID=120 SLURM_JOB_NODELIST='node[1-2]'
circuits t-120 ACTIVE 1
stop_daemon
release_seconds=20 config slow.yaml
env -i SLURM_SCRIPT_CONTEXT=epilog_slurmctld SLURM_JOB_ID=120 SLURM_JOB_USER=alice \
  "$hook" --config "$tmp/slow.yaml" >"$tmp/out" 2>"$tmp/epilog.err" &
epilog_pid=$!
sleep 1.5
start_daemon "$port"
wait "$epilog_pid"
rc=$?
[[ $rc == 0 ]] && echo "ok: epilog across a restart (exit 0)" || { cp "$tmp/epilog.err" "$tmp/err"; fail "epilog across a restart exited $rc"; }
circuits t-120 . 0

echo "== circuits not ACTIVE in time: exit 3 and released, or the packet fabric"
stop_daemon
db=slow time_scale=0.0005 start_daemon  # a 10 ms switch takes 20 s
config slowswitch.yaml timeouts="{call_seconds: 2, request_seconds: 5, active_seconds: 1}"
config slowswitch-packet.yaml on_error=packet timeouts="{call_seconds: 2, request_seconds: 5, active_seconds: 1}"
start=$(date +%s%N)
run 3 slowswitch.yaml prolog SLURM_JOB_ID=121 SLURM_JOB_NODELIST='node[1-2]'
ms=$(( ($(date +%s%N) - start) / 1000000 ))
((ms < 3000)) || fail "a 1 s wait held the prolog $ms ms"
expect_err "circuits not ACTIVE: 0 of 1 circuit\(s\) ACTIVE when the wait timed out; the job does not run"
circuits t-121 . 0
run 0 slowswitch-packet.yaml prolog SLURM_JOB_ID=122 SLURM_JOB_NODELIST='node[3-4]'
expect_err "when the wait timed out; the job runs on the packet fabric"
circuits t-122 PROGRAMMING 1  # kept: the epilog releases it

if ((failures > 0)); then
  echo "$failures failure(s)"
  echo "--- lightpathd log"; tail -20 "$tmp/daemon.log"
  exit 1
fi
echo "all passed"
