#!/usr/bin/env bash
# The shipped alerting rules (examples/prometheus/lightpath-alerts.yml): valid
# for Prometheus, right by their unit tests (lightpath_alerts_test.yml), and
# asking only for metrics a running lightpathd exports, so that a renamed
# metric cannot silence an alert unnoticed. Skipped (77) without promtool.
#
#   alert_rules_test.sh LIGHTPATHD SOURCE_DIR
set -euo pipefail
daemon=$1
src=$2
rules="$src/examples/prometheus/lightpath-alerts.yml"
command -v promtool >/dev/null || { echo "promtool not installed (apt-get install prometheus); skipping"; exit 77; }

promtool check rules "$rules"
promtool test rules "$src/tests/rest/lightpath_alerts_test.yml"

dir=$(mktemp -d)
pid=""
cleanup() {
  if [[ -n $pid ]]; then
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
"$daemon" --topology "$src/topologies/tiny.yaml" --db "$dir/state.db" --grpc-listen 127.0.0.1:0 \
  --http-listen 127.0.0.1:0 --ready-file "$dir/ready.json" --log-level error --no-fsync &
pid=$!
for _ in $(seq 1000); do [[ -s $dir/ready.json ]] && break; sleep 0.01; done
http=$(sed -E 's/.*"http_port":([0-9]+).*/\1/' "$dir/ready.json")
get() { /usr/bin/python3 -c 'import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())' "$1"; }
get "http://127.0.0.1:$http/v1/circuits" > /dev/null  # so that request counters have a sample
get "http://127.0.0.1:$http/metrics" > "$dir/metrics.txt"

missing=0
for name in $(grep -v '^ *#' "$rules" | grep -o 'lightpath_[a-z_]*' | sort -u); do
  family=${name%_bucket}
  if ! grep -q "^# TYPE $family " "$dir/metrics.txt"; then
    echo "the rules use $name, which lightpathd does not export" >&2
    missing=1
  fi
done
[[ $missing -eq 0 ]] && echo "every metric the rules use is on lightpathd's /metrics page"
exit $missing
