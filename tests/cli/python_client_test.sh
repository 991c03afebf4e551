#!/usr/bin/env bash
# examples/python/job_circuits.py, a scheduler written in Python with Debian's
# python3-grpcio, against a real lightpathd on the tiny fabric: a job that fits
# (dry run, request, ACTIVE, release), one that does not (nothing taken), and
# one naming an unknown rack (INVALID_ARGUMENT).
# Usage: python_client_test.sh LIGHTPATHD LIGHTPATHCTL SOURCE_DIR
set -u
daemon=$1
ctl=$2
src=$3
py=/usr/bin/python3  # Debian's, which sees python3-grpcio
tmp=$(mktemp -d)
pid=""
trap '[[ -n $pid ]] && kill -KILL $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; cat "$tmp/out"; failures=$((failures + 1)); }

if ! "$py" -c 'import grpc, google.protobuf' 2>/dev/null; then
  echo "FAIL: $py cannot import grpc: install python3-grpcio and python3-protobuf (make deps)"
  exit 1
fi
protoc -I "$src/proto" --python_out="$tmp" --grpc_out="$tmp" \
  --plugin=protoc-gen-grpc="$(command -v grpc_python_plugin)" \
  "$src/proto/lightpath/v1/lightpath.proto" || { echo "FAIL: protoc"; exit 1; }

"$daemon" --topology "$src/topologies/tiny.yaml" --db "$tmp/state.db" \
  --grpc-listen 127.0.0.1:0 --http-listen 127.0.0.1:0 --ready-file "$tmp/ready.json" \
  --no-fsync --log-level warn 2>"$tmp/daemon.log" &
pid=$!
for _ in $(seq 100); do [[ -s $tmp/ready.json ]] && break; sleep 0.1; done
port=$(sed -n 's/.*"grpc_port": *\([0-9]*\).*/\1/p' "$tmp/ready.json")
[[ -n $port ]] || { echo "FAIL: lightpathd did not start"; cat "$tmp/daemon.log"; exit 1; }
server=127.0.0.1:$port

# client WANT_EXIT ARGS...: runs the example; output in $tmp/out.
client() {
  local want=$1
  shift
  PYTHONPATH=$tmp "$py" "$src/examples/python/job_circuits.py" --server "$server" "$@" \
    >"$tmp/out" 2>&1
  local rc=$?
  [[ $rc == "$want" ]] || { fail "job_circuits.py $* exited $rc, wanted $want"; return 1; }
  echo "ok: job_circuits.py $* (exit $rc)"
}
expect() { grep -Eq -- "$1" "$tmp/out" || fail "output lacks /$1/"; }
held() { "$ctl" circuits list --server "$server" --json | grep -o '"id"' | wc -l; }

if client 0 --job ring-job --racks rack1,rack2,rack3,rack4 --gbps 100 --pattern ring; then
  expect '^would fit: 4 circuit\(s\)$'
  expect '^accepted: circuit\(s\) \[1, 2, 3, 4\]$'
  expect '^all ACTIVE after'
  expect '^  circuit 1: rack1/gpu-nic/[0-9] - rack2/gpu-nic/[0-9] via ocs1\[[0-9]+>[0-9]+\], wavelengths [0-9,]+, ACTIVE$'
  expect '^released: circuit\(s\) \[1, 2, 3, 4\]$'
fi
# With rack1's 4 ports taken by another job, the next one cannot fit.
cat >"$tmp/filler.yaml" <<'YAML'
requests:
  - request_id: filler
    bandwidth_per_flow_gbps: 800
    sources: [{rack: rack1, port_group: gpu-nic}, {rack: rack1, port_group: gpu-nic},
              {rack: rack1, port_group: gpu-nic}, {rack: rack1, port_group: gpu-nic}]
    destinations: [{rack: rack3, port_group: gpu-nic}, {rack: rack3, port_group: gpu-nic},
                   {rack: rack3, port_group: gpu-nic}, {rack: rack3, port_group: gpu-nic}]
YAML
"$ctl" request "$tmp/filler.yaml" --server "$server" >"$tmp/out" 2>&1 || fail "filler refused"
if client 1 --job big-job --racks rack1,rack2 --gbps 800 --pattern pairwise; then
  expect '^would not fit: [A-Z_]+: .*rack1'
fi
n=$(held)
[[ $n == 4 ]] || fail "after the refused dry run $n circuit(s) are held, wanted the filler's 4"
if client 2 --job bad-job --racks rack1,rack9 --pattern pairwise; then
  expect '^INVALID_ARGUMENT: .*rack9'
fi
exit $((failures > 0))
