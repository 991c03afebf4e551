#!/usr/bin/env bash
# The main job on the embedded defaults: describe the demo fabric, start
# lightpathd on it, submit a training job's circuit request with
# lightpathctl, look at the circuits and the switch, release them, stop.
set -euo pipefail
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
ctl="$build/controller/lightpathctl"
daemon="$build/controller/lightpathd"
work=$(mktemp -d)
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }

step "lightpathctl topo show topologies/tiny.yaml"
"$ctl" topo show "$top/topologies/tiny.yaml"

step "lightpathd --topology topologies/tiny.yaml (simulated MEMS switches, real time)"
"$daemon" --topology "$top/topologies/tiny.yaml" --db "$work/lightpath.db" \
  --grpc-listen 127.0.0.1:0 --http-listen 127.0.0.1:0 --ready-file "$work/ready.json" \
  --log-level warn &
pid=$!
for _ in $(seq 100); do [[ -s "$work/ready.json" ]] && break; sleep 0.1; done
[[ -s "$work/ready.json" ]] || { echo "lightpathd did not start" >&2; exit 1; }
grpc_port=$(sed -E 's/.*"grpc_port":([0-9]+).*/\1/' "$work/ready.json")
http_port=$(sed -E 's/.*"http_port":([0-9]+).*/\1/' "$work/ready.json")
export LIGHTPATH_SERVER="127.0.0.1:$grpc_port"
echo "gRPC on $LIGHTPATH_SERVER, HTTP on 127.0.0.1:$http_port"

step "lightpathctl request examples/requests/tiny.yaml --wait-active 10"
"$ctl" request "$top/examples/requests/tiny.yaml" --wait-active 10

step "lightpathctl circuits list"
"$ctl" circuits list

step "lightpathctl switches list"
"$ctl" switches list

step "curl http://127.0.0.1:$http_port/v1/switches/ocs1/ports (first lines)"
if command -v curl >/dev/null; then
  curl -s "http://127.0.0.1:$http_port/v1/switches/ocs1/ports" | head -c 400; echo
fi

step "lightpathctl circuits release --request job-1001-allreduce --tenant team-vision"
"$ctl" circuits release --request job-1001-allreduce --tenant team-vision
"$ctl" circuits release --request job-1002-ring --tenant team-speech
sleep 0.3

step "lightpathctl watch --replay --count 6 (the first lifecycle events)"
"$ctl" watch --replay --count 6

step "lightpathctl circuits list (after release)"
"$ctl" circuits list
echo
echo "demo done; lightpathd stops now"
