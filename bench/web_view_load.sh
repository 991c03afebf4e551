#!/usr/bin/env bash
# What one open web view costs a full lightpathd: the daemon on
# topologies/bench-large.yaml is filled with about 100,000 circuits (832
# all-to-all requests among 16 racks, 13 rounds, groomed 8 to a fiber), then
# the circuit list is fetched whole and as the web view asks for it
# (limit=1000), several times each. Every fetch is answered on the
# controller's thread, so its time is time the controller serves no one else.
#
#   bench/web_view_load.sh [build-dir=build] [repeats=5]
#
# Then the same over gRPC with lightpathctl, paged.
set -euo pipefail
build=${1:-build}
repeats=${2:-5}
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
pid=""
cleanup() {
  [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

{
  echo "requests:"
  for round in $(seq 0 12); do
    for g in $(seq 0 63); do
      printf '  - {request_id: fill-%d-%d, job_id: job-%d, bandwidth_per_flow_gbps: 100, pattern: all_to_all, sources: [{rack: "rack{%04d..%04d}", port_group: nic}]}\n' \
        "$round" "$g" "$g" $((g * 16)) $((g * 16 + 15))
    done
  done
} > "$dir/fill.yaml"

"$build/controller/lightpathd" --topology "$top/topologies/bench-large.yaml" --db "$dir/state.db" \
  --grpc-listen 127.0.0.1:0 --http-listen 127.0.0.1:0 --ready-file "$dir/ready.json" \
  --log-level error --no-fsync &
pid=$!
for _ in $(seq 1000); do [[ -s $dir/ready.json ]] && break; sleep 0.01; done
grpc=$(sed -E 's/.*"grpc_port":([0-9]+).*/\1/' "$dir/ready.json")
http=$(sed -E 's/.*"http_port":([0-9]+).*/\1/' "$dir/ready.json")
LIGHTPATH_SERVER=127.0.0.1:$grpc "$build/controller/lightpathctl" request "$dir/fill.yaml" |
  grep -c ACCEPTED | xargs echo "requests accepted:"
echo "circuits held: $(curl -s "127.0.0.1:$http/v1/circuits?limit=1" | jq .total)"
echo "lightpathd RSS: $(($(ps -o rss= -p "$pid") / 1024)) MiB"

for query in "" "?limit=1000" "?limit=1000&job=job-3" "?limit=1000&state=FAILED"; do
  times=()
  for _ in $(seq "$repeats"); do
    times+=("$(curl -s -o "$dir/body" -w '%{time_total}' "127.0.0.1:$http/v1/circuits$query")")
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')
  printf 'GET /v1/circuits%-26s %10d bytes   seconds (sorted): %s\n' "$query" \
    "$(stat -c %s "$dir/body")" "$sorted"
done

# The same list over gRPC with lightpathctl, which pages (ListCircuits
# page_size): whole in pages of 1,000 and of 10,000, and the first 1,000 only.
for args in "" "--page-size 10000" "--limit 1000"; do
  times=()
  for _ in $(seq "$repeats"); do
    start=$(date +%s.%N)
    LIGHTPATH_SERVER=127.0.0.1:$grpc "$build/controller/lightpathctl" circuits list --json $args \
      > "$dir/body"
    times+=("$(echo "$(date +%s.%N) - $start" | bc)")
  done
  sorted=$(printf '%.3f\n' "${times[@]}" | sort -n | tr '\n' ' ')
  printf 'lightpathctl circuits list --json %-18s %10d bytes   seconds (sorted): %s\n' "$args" \
    "$(stat -c %s "$dir/body")" "$sorted"
done
