#!/usr/bin/env bash
# The main job on the embedded defaults: load the demo fabric and describe it.
# Later parts of lightpath extend this script as they land.
set -euo pipefail
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
ctl="$build/controller/lightpathctl"

echo "== lightpathctl topo validate topologies/tiny.yaml"
"$ctl" topo validate "$top/topologies/tiny.yaml"
echo
echo "== lightpathctl topo show topologies/tiny.yaml"
"$ctl" topo show "$top/topologies/tiny.yaml"
