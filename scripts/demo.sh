#!/usr/bin/env bash
# The main job on the embedded defaults: describe the demo fabric, start
# lightpath-fabric (the simulated switches, a separate process) and
# lightpathd driving it, submit a training job's circuit request with
# lightpathctl, look at the circuits and the switch, cut a fiber under one
# circuit and watch it restored, release them, stop; then replay a training
# trace on the same fabric in lightpath-sim, packet-only against on-demand.
set -euo pipefail
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$build" && pwd)
ctl="$build/controller/lightpathctl"
daemon="$build/controller/lightpathd"
fabric="$build/simulator/lightpath-fabric"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }

step "lightpathctl topo show topologies/tiny.yaml"
"$ctl" topo show "$top/topologies/tiny.yaml"

wait_ready() {
  for _ in $(seq 100); do [[ -s "$1" ]] && return 0; sleep 0.1; done
  echo "$2 did not start" >&2
  exit 1
}

step "lightpath-fabric --topology topologies/tiny.yaml (the simulated MEMS switches, real time)"
"$fabric" --topology "$top/topologies/tiny.yaml" --listen 127.0.0.1:0 \
  --ready-file "$work/fabric.json" --log-level warn &
pids+=($!)
wait_ready "$work/fabric.json" lightpath-fabric
export LIGHTPATH_FABRIC_SERVER=$(sed -E 's/.*"address":"([^"]+)".*/\1/' "$work/fabric.json")
echo "switches served on $LIGHTPATH_FABRIC_SERVER"

step "lightpathd --topology topologies/tiny.yaml --fabric grpc://$LIGHTPATH_FABRIC_SERVER"
"$daemon" --topology "$top/topologies/tiny.yaml" --db "$work/lightpath.db" \
  --grpc-listen 127.0.0.1:0 --http-listen 127.0.0.1:0 --ready-file "$work/ready.json" \
  --fabric "grpc://$LIGHTPATH_FABRIC_SERVER" --log-level error &
pids+=($!)
wait_ready "$work/ready.json" lightpathd
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

step "the read-only web view: http://127.0.0.1:$http_port/ui/"
if command -v chromium >/dev/null; then
  timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --no-first-run --user-data-dir="$work/chromium" --virtual-time-budget=3000 \
    --window-size=1300,500 --screenshot="$build/demo-web-view.png" \
    "http://127.0.0.1:$http_port/ui/#/circuits" >/dev/null 2>&1 &&
    echo "as headless Chromium saw it: $build/demo-web-view.png"
fi

port=$("$ctl" circuits get 1 --json | sed -E 's/.*"in_port":([0-9]+).*/\1/')
step "lightpathctl fabric fault inject fiber-cut ocs1 $port (the fiber under circuit 1)"
"$ctl" fabric fault inject fiber-cut ocs1 "$port"
sleep 0.5

step "lightpathctl circuits list (circuits 1 and 2 restored on other ports) and lightpathctl alarms"
"$ctl" circuits list
"$ctl" circuits get 1 | grep reason
"$ctl" alarms
"$ctl" fabric fault clear fiber-cut ocs1 "$port"

step "lightpathctl circuits release --request job-1001-allreduce --tenant team-vision"
"$ctl" circuits release --request job-1001-allreduce --tenant team-vision
"$ctl" circuits release --request job-1002-ring --tenant team-speech
sleep 0.3

step "lightpathctl watch --replay --count 6 (the first lifecycle events)"
"$ctl" watch --replay --count 6

step "lightpathctl circuits list (after release)"
"$ctl" circuits list

# The same fabric in the simulator: replay a data-parallel training job in
# virtual time, once on the packet fabric alone and once with circuits asked
# for at job start, and write the comparison report.
sim="$build/simulator/lightpath-sim"
report="$build/demo-report"
step "lightpath-sim compare --topology topologies/tiny.yaml --trace examples/traces/dp-tiny.jsonl --policies packet-only,on-demand"
rm -rf "$report"
"$sim" compare --topology "$top/topologies/tiny.yaml" --trace "$top/examples/traces/dp-tiny.jsonl" \
  --policies packet-only,on-demand --out "$report" --progress off 2>/dev/null
echo
echo "demo done; lightpathd and lightpath-fabric stop now"
