#!/usr/bin/env bash
# The shipped Grafana dashboard (examples/grafana/lightpath-dashboard.json),
# checked against a real Prometheus scraping a real lightpathd: every panel's
# query is valid PromQL, uses only metrics lightpathd exports, and returns
# series once the daemon has served some circuits. Grafana's own variables are
# replaced as Grafana would ($instance: all, $__rate_interval: 15s).
# Skipped (77) without prometheus.
#
#   dashboard_test.sh LIGHTPATHD LIGHTPATHCTL SOURCE_DIR
set -euo pipefail
daemon=$1
ctl=$2
src=$3
dashboard="$src/examples/grafana/lightpath-dashboard.json"
py=/usr/bin/python3
command -v prometheus >/dev/null || { echo "prometheus not installed (apt-get install prometheus); skipping"; exit 77; }

dir=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

"$daemon" --topology "$src/topologies/tiny.yaml" --db "$dir/state.db" --grpc-listen 127.0.0.1:0 \
  --http-listen 127.0.0.1:0 --ready-file "$dir/ready.json" --log-level error --no-fsync &
pids+=($!)
for _ in $(seq 1000); do [[ -s $dir/ready.json ]] && break; sleep 0.01; done
http=$(sed -E 's/.*"http_port":([0-9]+).*/\1/' "$dir/ready.json")
grpc=$(sed -E 's/.*"grpc_port":([0-9]+).*/\1/' "$dir/ready.json")

# A free port for Prometheus, which cannot report one it picked itself.
prom_port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$dir/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: lightpathd
    static_configs: [{targets: ["127.0.0.1:$http"]}]
YAML
prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" --log.level=warn >"$dir/prometheus.log" 2>&1 &
pids+=($!)

# Traffic for the counters and histograms: circuits requested and released.
"$ctl" request "$src/examples/requests/tiny.yaml" --server "127.0.0.1:$grpc" --wait-active 10 >/dev/null
"$ctl" circuits release --request job-1002-ring --server "127.0.0.1:$grpc" >/dev/null

"$py" - "$dashboard" "$prom_port" "$http" <<'PY'
import json, re, sys, time, urllib.parse, urllib.request

dashboard, prom, http = sys.argv[1], sys.argv[2], sys.argv[3]
d = json.load(open(dashboard))
exported = set(re.findall(r"^# TYPE (\S+) ",
                          urllib.request.urlopen(f"http://127.0.0.1:{http}/metrics").read().decode(),
                          re.M))
variables = {v["name"] for v in d["templating"]["list"]}
assert variables == {"datasource", "instance"}, variables

queries = [v["definition"] for v in d["templating"]["list"] if v.get("definition")]
queries = [re.sub(r"label_values\((\w+), *\w+\)", r"\1", q) for q in queries]
ids = set()
for p in d["panels"]:
    assert p["id"] not in ids, f"panel id {p['id']} twice"
    ids.add(p["id"])
    if p["type"] == "row":
        continue
    assert p.get("description"), f"panel '{p['title']}' has no description"
    assert p["targets"], f"panel '{p['title']}' has no query"
    queries += [t["expr"] for t in p["targets"]]

bad = 0
for q in queries:
    for name in set(re.findall(r"\blightpath_\w+", q)):
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        if family not in exported:
            print(f"FAIL: {q}\n  uses {name}, which lightpathd does not export")
            bad += 1
    for var in set(re.findall(r"\$\{?(\w+)", q)) - {"instance", "__rate_interval"}:
        print(f"FAIL: {q}\n  uses ${var}, which the dashboard does not define")
        bad += 1

def query(q):
    q = q.replace('instance=~"$instance"', 'instance=~".*"').replace("$__rate_interval", "15s")
    url = f"http://127.0.0.1:{prom}/api/v1/query?" + urllib.parse.urlencode({"query": q})
    try:
        body = json.load(urllib.request.urlopen(url))
    except urllib.error.HTTPError as e:  # 400: the query does not parse
        return "error", json.load(e).get("error", "")
    return body["status"], body["data"]["result"]

# Waits (up to 60 s) for enough scrapes that every rate() has two samples.
deadline = time.time() + 60
while True:
    try:
        ready = query("count_over_time(lightpath_circuits[15s])")
        if ready[0] == "success" and ready[1] and float(ready[1][0]["value"][1]) >= 4:
            break
    except OSError:
        pass
    if time.time() > deadline:
        sys.exit("FAIL: Prometheus did not scrape lightpathd in 60 s")
    time.sleep(0.5)

for q in queries:
    status, result = query(q)
    if status != "success":
        print(f"FAIL: {q}\n  Prometheus: {result}")
        bad += 1
    elif not result:
        print(f"FAIL: {q}\n  returned no series")
        bad += 1
print(f"{len(queries)} queries checked against Prometheus, {bad} failed")
sys.exit(1 if bad else 0)
PY
