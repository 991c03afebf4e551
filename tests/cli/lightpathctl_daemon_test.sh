#!/usr/bin/env bash
# lightpathctl's online verbs against a real lightpathd on the tiny fabric.
# Usage: lightpathctl_daemon_test.sh LIGHTPATHCTL LIGHTPATHD SOURCE_DIR
# Listens on 127.0.0.1 only (ports chosen by the kernel); the daemon is
# stopped by its PID on exit.
set -u

ctl=$1
daemon=$2
src=$3
tmp=$(mktemp -d)
daemon_pid=""
failures=0

stop_daemon() {
  if [[ -n $daemon_pid ]] && kill -0 "$daemon_pid" 2>/dev/null; then
    kill -TERM "$daemon_pid" 2>/dev/null
    for _ in $(seq 30); do kill -0 "$daemon_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$daemon_pid" 2>/dev/null
    wait "$daemon_pid" 2>/dev/null
  fi
  daemon_pid=""
}
cleanup() {
  stop_daemon
  rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*"
  echo "--- stdout"; cat "$tmp/out"
  echo "--- stderr"; cat "$tmp/err"
  failures=$((failures + 1))
}

# ctl WANT_EXIT ARGS...: runs lightpathctl; stdout in $tmp/out, stderr in $tmp/err.
# WANT_EXIT "usage" stands for CLI11's usage-error codes (above 100).
ctl() {
  local want=$1
  shift
  "$ctl" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [[ $want == usage ]] && ((rc > 100)); then
    echo "ok: lightpathctl $* (usage error, exit $rc)"
    return 0
  fi
  if [[ $rc != "$want" ]]; then
    fail "lightpathctl $* exited $rc, wanted $want"
    return 1
  fi
  echo "ok: lightpathctl $* (exit $rc)"
}
# expect FILE ERE [DESCRIPTION]: the file has a line matching the regex.
expect() {
  grep -Eq -- "$2" "$tmp/$1" || fail "${3:-$1 lacks /$2/}"
}
# expect_lines FILE N: the file has N lines.
expect_lines() {
  local n
  n=$(wc -l <"$tmp/$1")
  [[ $n -eq $2 ]] || fail "$1 has $n line(s), wanted $2"
}

# start_daemon NAME [LIGHTPATHD FLAGS...]: starts lightpathd on kernel-chosen
# ports with its own state, waits for its ready file, exports LIGHTPATH_SERVER.
start_daemon() {
  local name=$1
  shift
  "$daemon" --topology "$src/topologies/tiny.yaml" --db "$tmp/$name.db" \
    --grpc-listen 127.0.0.1:0 --http-listen 127.0.0.1:0 \
    --ready-file "$tmp/$name.ready.json" --no-fsync --log-level warn "$@" >"$tmp/daemon.log" 2>&1 &
  daemon_pid=$!
  for _ in $(seq 100); do
    [[ -s $tmp/$name.ready.json ]] && break
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep 0.1
  done
  grpc_port=$(sed -n 's/.*"grpc_port": *\([0-9]*\).*/\1/p' "$tmp/$name.ready.json" 2>/dev/null)
  if [[ -z $grpc_port ]]; then
    echo "FAIL: lightpathd did not become ready"
    cat "$tmp/daemon.log"
    exit 1
  fi
  export LIGHTPATH_SERVER=127.0.0.1:$grpc_port
  echo "lightpathd pid $daemon_pid serving gRPC on $LIGHTPATH_SERVER"
}

start_daemon main

# --- request --dry-run: what the requests would get; nothing is kept
if ctl 0 request "$src/examples/requests/tiny.yaml" --dry-run; then
  expect out '^request job-1001-allreduce: would be ACCEPTED, 2 circuit\(s\): 1, 2'
  expect out '^request job-1002-ring: would be ACCEPTED'
  expect err 'each of the 2 requests is checked alone'
fi
ctl 0 circuits list && expect_lines out 1
ctl usage request "$src/examples/requests/tiny.yaml" --dry-run --wait-active 5

# --- request: both requests of the example are accepted and become ACTIVE
if ctl 0 request "$src/examples/requests/tiny.yaml" --wait-active 10; then
  expect out '^request job-1001-allreduce: ACCEPTED, 2 circuit\(s\)'
  expect out '^request job-1002-ring: ACCEPTED'
  expect out '^all [0-9]+ circuit\(s\) ACTIVE after'
fi
# The same ids again: the daemon answers the same (idempotent).
ctl 0 request "$src/examples/requests/tiny.yaml" --json &&
  expect out '^\{"requests":\[\{"request_id":"job-1001-allreduce","response":\{"accepted":true'
ctl 0 request "$src/examples/requests/tiny.yaml" &&
  expect out '^request job-1001-allreduce: answered before: ACCEPTED'

# A request the fabric cannot serve (40 m of fiber take 0.2 µs): exit 1,
# with the reason.
cat >"$tmp/slow.yaml" <<'YAML'
requests:
  - request_id: too-slow
    bandwidth_per_flow_gbps: 100
    sources: [{rack: rack3, port_group: gpu-nic}]
    destinations: [{rack: rack4, port_group: gpu-nic}]
    requirements: {latency_max_us: 0.05}
YAML
ctl 1 request "$tmp/slow.yaml" && expect out '^request too-slow: REJECTED LATENCY_UNSATISFIABLE$'
# One the daemon refuses outright: exit 2, naming the request.
cat >"$tmp/bad.yaml" <<'YAML'
requests:
  - request_id: too-fast
    bandwidth_per_flow_gbps: 5000
    sources: [{rack: rack3, port_group: gpu-nic}]
    destinations: [{rack: rack4, port_group: gpu-nic}]
YAML
ctl 2 request "$tmp/bad.yaml" && expect err '^lightpathctl: INVALID_ARGUMENT: request too-fast: '
# A malformed file: nothing is submitted.
echo 'requests: [{request_id: x}]' >"$tmp/malformed.yaml"
ctl 2 request "$tmp/malformed.yaml" && expect err 'nothing submitted'

# --- circuits list: table and JSON
if ctl 0 circuits list; then
  expect out '^ID +STATE +JOB +TENANT +A +B +PATH +WAVELENGTHS +GBPS +LEASE$' "no table header"
  expect out '^[0-9]+ +ACTIVE +job-1001 +team-vision +rack1/gpu-nic/[0-9] +rack2/gpu-nic/[0-9] +ocs1\[[0-9]+>[0-9]+\] +[0-9]+-[0-9]+ +400 +(59m|1h)'
fi
ctl 0 circuits list --json && expect out '^\{"circuits":\[\{"id":"[0-9]+",.*"state":"ACTIVE"'
id=$(grep -o '"id":"[0-9]*"' "$tmp/out" | head -1 | grep -o '[0-9]\+')
ctl 0 circuits list --job job-1001 --state active &&
  { expect_lines out 3; expect out '^[0-9]+ +ACTIVE +job-1001'; }
ctl 0 circuits list --switch ocs1 --endpoint rack1 --tenant team-vision && expect_lines out 3
ctl 0 circuits list --job no-such-job && expect_lines out 1
ctl 0 circuits list --job no-such-job --json && expect out '^\{"circuits":\[\]\}$'
ctl usage circuits list --state sideways
# --- circuits list in pages: one circuit per call lists the same, in id order.
ctl 0 circuits list --json && grep -o '"id":"[0-9]*","request_id"' "$tmp/out" >"$tmp/ids.all"
ctl 0 circuits list --json --page-size 1 &&
  grep -o '"id":"[0-9]*","request_id"' "$tmp/out" >"$tmp/ids.paged"
cmp -s "$tmp/ids.all" "$tmp/ids.paged" || fail "--page-size 1 listed other circuits than one call"
[[ $(wc -l <"$tmp/ids.all") -eq 6 ]] || fail "circuits list --json listed $(wc -l <"$tmp/ids.all") circuits, wanted 6"
sort -c -n -t'"' -k4,4 "$tmp/ids.all" 2>/dev/null || fail "circuits list is not in id order"
ctl 0 circuits list --page-size 4 && expect_lines out 7
# --limit: the first N (lowest ids) and how many match in all; nothing said when all are shown.
if ctl 0 circuits list --limit 4 --page-size 3; then
  expect_lines out 6
  expect out '^showing 4 of 6 circuits$'
fi
ctl 0 circuits list --limit 6 && { expect_lines out 7; ! grep -q showing "$tmp/out" || fail "--limit 6 of 6 says showing"; }
ctl 0 circuits list --job job-1001 --limit 1 && expect out '^showing 1 of [0-9]+ circuits$'
if ctl 0 circuits list --limit 2 --json; then
  expect out '^\{"circuits":\[\{"id":"[0-9]+",.*\}\],"total_size":"6"\}$'
  grep -o '"id":"[0-9]*","request_id"' "$tmp/out" | cmp -s - <(head -2 "$tmp/ids.all") ||
    fail "--limit 2 --json did not list the two lowest ids"
fi
ctl usage circuits list --limit 0
ctl usage circuits list --page-size 0

# --- circuits get
if [[ -n $id ]]; then
  ctl 0 circuits get "$id" && { expect out '^state: +ACTIVE$'; expect out '^path: +ocs1\['; }
  ctl 0 circuits get "$id" --json && expect out "^\\{\"id\":\"$id\",.*\"state\":\"ACTIVE\""
else
  fail "no circuit id in circuits list --json"
fi
ctl 2 circuits get 999999 && expect err '^lightpathctl: NOT_FOUND: '

# --- the fabric
if ctl 0 switches list; then
  expect out '^NAME +KIND +PORTS +IN-USE +RECONFIGS +UP +DRAINED$'
  expect out '^ocs1 +mems +16 +[0-9]+ +[0-9]+ +yes +-$'
fi
# An operator drains a switch and puts it back (no token file: every caller is one).
ctl 0 switches drain ocs1 && expect out '^ocs1 drained \(no new circuits\): [0-9]+ circuit\(s\) still on it$'
ctl 0 switches list && expect out '^ocs1 +mems +16 +[0-9]+ +[0-9]+ +yes +yes$'
ctl 0 switches undrain ocs1 && expect out '^ocs1 back in service'
ctl 2 switches drain nope && expect err '^lightpathctl: NOT_FOUND: '
# And one port: the ports table says so until it is back.
ctl 0 switches drain ocs1 --port 15 && expect out '^ocs1 port 15 drained \(no new circuits\)$'
ctl 0 ports ocs1 && expect out '^15 +rack4/gpu-nic/3 +- +- +idle +drained '
ctl 0 switches undrain ocs1 --port 15 && expect out '^ocs1 port 15 back in service$'
ctl 0 ports ocs1 && expect out '^15 +rack4/gpu-nic/3 +- +- +idle +yes '
ctl 2 switches drain ocs1 --port 16 && expect err '^lightpathctl: NOT_FOUND: port: ocs1 has ports 0 to 15, not 16'
ctl 0 switches list --json && expect out '"name":"ocs1","kind":"mems","port_count":16'
if ctl 0 ports ocs1; then
  expect_lines out 17
  expect out '^PORT +CABLED-TO +PEER +CIRCUIT +STATUS +SERVICE +IN-DBM +OUT-DBM +OSNR +BER$'
  expect out '^0 +rack1/gpu-nic/0 +[0-9]+ +[0-9]+ +connected'
fi
ctl 0 ports ocs1 --json && expect out '^\{"ports":\[\{"index":0,"cabled_to":"rack1/gpu-nic/0"'
ctl 2 ports ocs9 && expect err '^lightpathctl: NOT_FOUND: '
ctl 0 telemetry ocs1 15 && expect out '^no samples'
ctl 0 telemetry ocs1 0 --json && expect out '^\{"samples":\['
ctl 2 telemetry ocs1 16 && expect err '^lightpathctl: NOT_FOUND: port: '
ctl 0 alarms
ctl 0 alarms --all --json && expect out '^\{"alarms":\['

# --- watch: the stored log from the start, then exit after 3 events
if ctl 0 watch --replay --count 3; then
  expect_lines out 3
  expect out '^1 [0-9T:.-]+Z circuit [0-9]+ (-|PENDING)→PENDING$'
fi
ctl 0 watch --replay --count 2 --json --job job-1001 &&
  { expect_lines out 2; expect out '^\{"sequence":"1","at_unix_ms":"[0-9]+","previous_state":"[A-Z_]+","circuit":\{"id":"[0-9]+",.*"state":"PENDING"'; }
ctl 0 watch --after 1 --count 1 && expect out '^2 '
# Nothing new happens: --count cannot be met within --timeout.
ctl 3 watch --count 1 --timeout 0.5 && expect err 'watch: 0 of 1 event'

# --- release, by id and by request
if [[ -n $id ]]; then
  ctl 2 circuits release "$id" --tenant someone-else
  ctl 0 circuits release "$id" --tenant team-vision && expect out "^released 1 circuit\\(s\\): $id$"
  ctl 0 circuits list --job job-1001 --state active && expect_lines out 2
fi
ctl 0 circuits release --request job-1002-ring --tenant team-speech --json &&
  expect out '^\{"released_circuit_ids":\['
ctl usage circuits release
ctl usage circuits release 1 --request job-1001-allreduce

# --- errors: unreachable server, by flag and by environment
ctl 2 switches list --server 127.0.0.1:1 && expect err '^lightpathctl: UNAVAILABLE: .*127\.0\.0\.1:1'
LIGHTPATH_SERVER=127.0.0.1:1 ctl 2 circuits list && expect err '127\.0\.0\.1:1'
ctl 2 watch --server 127.0.0.1:1 && expect err '^lightpathctl: UNAVAILABLE: '
ctl 2 request "$src/examples/requests/tiny.yaml" --server 127.0.0.1:1 &&
  expect err '^lightpathctl: UNAVAILABLE: request job-1001-allreduce: cannot reach lightpathd at 127\.0\.0\.1:1'
# A daemon that went away mid-session.
stop_daemon
ctl 2 circuits list && expect err "127\\.0\\.0\\.1:$grpc_port"

# --- --wait-active gives up: a fabric 1000 times slower than real time
# cannot switch within half a second.
start_daemon slow --time-scale 0.001
ctl 3 request "$src/examples/requests/tiny.yaml" --wait-active 0.5 &&
  expect err '^lightpathctl: --wait-active: 0 of 6 circuit\(s\) ACTIVE after 0.5s$'
stop_daemon

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed; daemon log:"
  cat "$tmp/daemon.log"
  exit 1
fi
echo "all checks passed"
