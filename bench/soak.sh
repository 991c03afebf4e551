#!/usr/bin/env bash
# Load and soak test (docs/soak.md; not part of `make test`): lightpath-fabric
# and lightpathd on free loopback ports with a fresh SQLite file, 8 soak
# clients requesting, watching and releasing circuits for a set time while
# fiber cuts, dark ports and brief switch outages are injected, then the
# invariants are checked and throughput, latency, memory and fds printed.
# Builds nothing. Exit 0: every invariant held; 1: one did not; 2: could not run.
#
#   bench/soak.sh BUILD_DIR [options] [-- extra options of the soak client]
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/soak.sh BUILD_DIR [options] [-- soak client options]
  --duration S          seconds of load (default 60)
  --topology FILE       fabric of both processes (default topologies/tpuv4-pod.yaml)
  --clients N           client threads (default 8)
  --no-fsync            lightpathd commits without fsync (default: durable commits)
  --fault-interval S    a fault starts every S seconds (default 5; 0: no faults)
  --fault-hold S        a fiber cut or dark port lasts S seconds (default 3)
  --switch-down-hold S  a switch stays down S seconds (default 2)
  --faults LIST         kinds, cycled: fiber-cut,dark-port,switch-down,stuck-mirror
                        (default fiber-cut,dark-port,fiber-cut,switch-down)
  --seed N              seed of the clients, the fault schedule and the fabric (default 1)
  --json FILE           copy the client's results (JSON) here
  --keep                keep the temporary directory (database, logs); kept on failure anyway
Client options after --: see BUILD_DIR/bench/soak --help (e.g. --max-held, --hold-max-ms,
--rss-tolerance-mib).
EOF
}

[[ $# -ge 1 && $1 != -h && $1 != --help ]] || { usage; exit 2; }
build=$(cd "$1" && pwd)
shift
here=$(cd "$(dirname "$0")/.." && pwd)
duration=60
topology=$here/topologies/tpuv4-pod.yaml
clients=8
fsync_flag=()
fault_interval=5
fault_hold=3
down_hold=2
faults=fiber-cut,dark-port,fiber-cut,switch-down
seed=1
json_copy=
keep=0
client_args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --topology) topology=$(realpath "$2"); shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --no-fsync) fsync_flag=(--no-fsync); shift ;;
    --fault-interval) fault_interval=$2; shift 2 ;;
    --fault-hold) fault_hold=$2; shift 2 ;;
    --switch-down-hold) down_hold=$2; shift 2 ;;
    --faults) faults=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --json) json_copy=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --) shift; client_args=("$@"); break ;;
    -h|--help) usage; exit 0 ;;
    *) echo "soak.sh: unknown option $1" >&2; usage; exit 2 ;;
  esac
done

daemon_bin=$build/controller/lightpathd
ctl=$build/controller/lightpathctl
fabric_bin=$build/simulator/lightpath-fabric
soak_bin=$build/bench/soak
for b in "$daemon_bin" "$ctl" "$fabric_bin" "$soak_bin"; do
  [[ -x $b ]] || { echo "soak.sh: $b not built (cmake --build $build --target lightpathd lightpathctl lightpath-fabric soak)" >&2; exit 2; }
done
command -v jq >/dev/null || { echo "soak.sh: needs jq" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lightpath-soak.XXXXXX")
fabric_pid='' daemon_pid='' client_pid=''
status=2
cleanup() {
  for p in $client_pid $daemon_pid $fabric_pid; do
    if kill "$p" 2>/dev/null; then wait "$p" 2>/dev/null || true; fi
  done
  if [[ $keep == 1 || $status != 0 ]]; then echo "soak.sh: files kept in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

wait_ready() {  # FILE PID NAME
  for _ in $(seq 1 300); do
    [[ -s $1 ]] && jq -e .grpc_port "$1" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "soak.sh: $3 exited; log:" >&2; tail -20 "$tmp/$3.log" >&2; exit 2; }
    sleep 0.1
  done
  echo "soak.sh: $3 did not start" >&2
  exit 2
}

"$fabric_bin" --topology "$topology" --listen 127.0.0.1:0 --seed "$seed" \
  --ready-file "$tmp/fabric.json" --log-level warn >"$tmp/lightpath-fabric.log" 2>&1 &
fabric_pid=$!
wait_ready "$tmp/fabric.json" "$fabric_pid" lightpath-fabric
fabric_addr=127.0.0.1:$(jq .grpc_port "$tmp/fabric.json")

"$daemon_bin" --topology "$topology" --db "$tmp/state.db" --grpc-listen 127.0.0.1:0 \
  --http-listen 127.0.0.1:0 --fabric "grpc://$fabric_addr" --ready-file "$tmp/lightpathd.json" \
  --log-level warn "${fsync_flag[@]}" >"$tmp/lightpathd.log" 2>&1 &
daemon_pid=$!
wait_ready "$tmp/lightpathd.json" "$daemon_pid" lightpathd
server=127.0.0.1:$(jq .grpc_port "$tmp/lightpathd.json")

echo "soak: $(basename "$topology"), $clients clients, ${duration} s, $([[ ${#fsync_flag[@]} -eq 0 ]] && echo "durable commits" || echo "commits without fsync"), faults every ${fault_interval} s ($faults)"
echo "soak: lightpathd pid $daemon_pid on $server, lightpath-fabric pid $fabric_pid on $fabric_addr, files in $tmp"
echo "soak: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the start"

"$soak_bin" --server "$server" --fabric "$fabric_addr" --topology "$topology" \
  --daemon-pid "$daemon_pid" --duration "$duration" --clients "$clients" --seed "$seed" \
  --settle-file "$tmp/settled" --json "$tmp/result.json" "${client_args[@]}" &
client_pid=$!

# --- faults ---------------------------------------------------------------
RANDOM=$seed
faults_log=$tmp/faults.log
: >"$faults_log"
IFS=, read -r -a kinds <<<"$faults"
now_ms() { echo $(($(date +%s%N) / 1000000)); }
t0=$(now_ms)
elapsed() { local d=$(($(now_ms) - t0)); printf '%d.%03d' $((d / 1000)) $((d % 1000)); }

# "SWITCH IN OUT" of one cross-connect of a random ACTIVE circuit, or nothing.
pick_hop() {
  "$ctl" circuits list --state ACTIVE --json --server "$server" --timeout 10 2>/dev/null |
    jq -r --argjson r "$RANDOM" '[.circuits[]?.hops[]? | "\(.switch_name) \(.in_port) \(.out_port)"]
      | if length == 0 then empty else .[$r % length] end' || true
}

fault() {  # KIND SWITCH PORT|"" HOLD: inject, hold, clear; one line per step in the log
  local kind=$1 sw=$2 port=$3 hold=$4 r target=("$2")
  [[ -n $port ]] && target+=("$port")
  r=$("$ctl" fabric fault inject "$kind" "${target[@]}" --server "$fabric_addr" --json 2>&1) || r="error: $r"
  echo "$(elapsed) inject $kind $sw ${port:--} $(echo "$r" | tr '\n' ' ')" >>"$faults_log"
  sleep "$hold"
  r=$("$ctl" fabric fault clear "$kind" "${target[@]}" --server "$fabric_addr" --json 2>&1) || r="error: $r"
  echo "$(elapsed) clear $kind $sw ${port:--} $(echo "$r" | tr '\n' ' ')" >>"$faults_log"
}

fault_pids=()
if [[ $fault_interval != 0 ]]; then
  n=0
  # Faults start while the clients run and end (hold <= interval) before they stop.
  end=$((t0 + ${duration%.*} * 1000 - ${fault_interval%.*} * 1000))
  while (($(now_ms) + ${fault_interval%.*} * 1000 < end)) && kill -0 "$client_pid" 2>/dev/null; do
    sleep "$fault_interval"
    kind=${kinds[$((n % ${#kinds[@]}))]}
    n=$((n + 1))
    hop=$(pick_hop)
    if [[ -z $hop ]]; then
      echo "$(elapsed) skip $kind: no ACTIVE circuit" >>"$faults_log"
      continue
    fi
    read -r sw in out <<<"$hop"
    port=$in
    ((RANDOM % 2)) && port=$out
    case $kind in
      switch-down) fault switch-down "$sw" "" "$down_hold" & ;;
      *) fault "$kind" "$sw" "$port" "$fault_hold" & ;;
    esac
    fault_pids+=($!)
  done
fi
for p in "${fault_pids[@]}"; do wait "$p" || true; done
"$ctl" fabric fault clear-all --server "$fabric_addr" >/dev/null 2>&1 || echo "soak.sh: clear-all failed" >&2
touch "$tmp/settled"

client_rc=0
wait "$client_pid" || client_rc=$?
client_pid=

# --- what else is checked here ----------------------------------------------
echo
injected=$(grep -c ' inject .*"took_effect":true' "$faults_log" || true)
by_kind=$(grep ' inject .*"took_effect":true' "$faults_log" | awk '{print $3}' | sort | uniq -c |
  awk '{printf "%s%s %s", sep, $1, $2; sep=", "}')
failed_calls=$(grep -c ' error: ' "$faults_log" || true)
echo "faults        $injected injected ($by_kind), $failed_calls fault commands failed"
rc=$client_rc
for p in "$daemon_pid:lightpathd" "$fabric_pid:lightpath-fabric"; do
  if ! kill -0 "${p%%:*}" 2>/dev/null; then
    echo "VIOLATION: ${p#*:} is not running at the end (log: $tmp/${p#*:}.log)"
    rc=1
  fi
done
errors=$(grep -ciE ' (error|critical) ' "$tmp/lightpathd.log" || true)
echo "lightpathd    log: $(wc -l <"$tmp/lightpathd.log") lines at warn and above, $errors at error or critical"
grep -iE ' (error|critical) ' "$tmp/lightpathd.log" | head -5 | sed 's/^/              /' || true
echo "load average  $(cut -d' ' -f1-3 /proc/loadavg) at the end"
[[ -n $json_copy ]] && cp "$tmp/result.json" "$json_copy"
if ((rc == 0)); then echo "soak: PASS"; else echo "soak: FAIL (exit $rc)"; fi
status=$rc
exit "$rc"
