#!/usr/bin/env bash
# Time to restore after a fiber cut, with lightpathd and lightpath-fabric as
# two processes on this machine. Each round cuts the fiber under an ACTIVE
# circuit with `lightpathctl fabric fault inject`, waits for the circuit to be
# ACTIVE on other ports, and repairs the fiber. Prints the time seen by this
# script (fault command to ACTIVE observed, polling every 5 ms) and the
# daemon's own histogram (alarm timestamp to ACTIVE).
#
#   bench/restore_time.sh [build-dir=build] [rounds=20]
set -euo pipefail
build=${1:-build}
rounds=${2:-20}
top=$(cd "$(dirname "$0")/.." && pwd)
ctl="$build/controller/lightpathctl"
dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

wait_file() { for _ in $(seq 500); do [[ -s $1 ]] && return 0; sleep 0.01; done; echo "no $1" >&2; exit 1; }

"$build/simulator/lightpath-fabric" --topology "$top/topologies/tiny.yaml" --listen 127.0.0.1:0 \
  --ready-file "$dir/fabric.json" --log-level error &
pids+=($!)
disown
wait_file "$dir/fabric.json"
fabric=$(jq -r .address "$dir/fabric.json")
"$build/controller/lightpathd" --topology "$top/topologies/tiny.yaml" --db "$dir/state.db" \
  --grpc-listen 127.0.0.1:0 --http-listen 127.0.0.1:0 --fabric "grpc://$fabric" \
  --ready-file "$dir/daemon.json" --log-level error &
pids+=($!)
disown
wait_file "$dir/daemon.json"
server="127.0.0.1:$(jq -r .grpc_port "$dir/daemon.json")"
http="127.0.0.1:$(jq -r .http_port "$dir/daemon.json")"

cat > "$dir/request.yaml" <<EOF
requests:
  - request_id: restore-bench
    bandwidth_per_flow_gbps: 400
    sources: [{rack: rack1, port_group: gpu-nic}]
    destinations: [{rack: rack2, port_group: gpu-nic}]
EOF
"$ctl" request "$dir/request.yaml" --server "$server" --wait-active 10 > /dev/null
id=$("$ctl" circuits list --json --server "$server" | jq -r '.circuits[0].id')

now_ms() { date +%s%3N; }
times=()
for round in $(seq "$rounds"); do
  port=$("$ctl" circuits get "$id" --json --server "$server" | jq -r '.hops[0].in_port')
  t0=$(now_ms)
  "$ctl" fabric fault inject fiber-cut ocs1 "$port" --server "$fabric" > /dev/null
  while :; do
    c=$("$ctl" circuits get "$id" --json --server "$server")
    [[ $(jq -r .state <<<"$c") == ACTIVE && $(jq -r '.hops[0].in_port' <<<"$c") != "$port" ]] && break
    (( $(now_ms) - t0 > 10000 )) && { echo "round $round: not restored in 10 s" >&2; exit 1; }
    sleep 0.005
  done
  times+=($(( $(now_ms) - t0 )))
  "$ctl" fabric fault clear fiber-cut ocs1 "$port" --server "$fabric" > /dev/null
  sleep 0.1
done

sorted=$(printf '%s\n' "${times[@]}" | sort -n)
pick() { sed -n "$1p" <<<"$sorted"; }
n=${#times[@]}
echo "fiber cut to ACTIVE on other ports, seen by the operator ($n rounds, tiny.yaml, MEMS 10-20 ms + 5 ms settle):"
echo "  min $(pick 1) ms  p50 $(pick $(( (n + 1) / 2 ))) ms  max $(pick "$n") ms"
metrics=$(curl -s "http://$http/metrics")
sum=$(awk '/^lightpath_restoration_seconds_sum/ {print $2}' <<<"$metrics")
count=$(awk '/^lightpath_restoration_seconds_count/ {print $2}' <<<"$metrics")
echo "daemon's histogram (alarm to ACTIVE): $count restorations, mean $(awk -v s="$sum" -v c="$count" 'BEGIN {printf "%.1f", 1000 * s / c}') ms"
