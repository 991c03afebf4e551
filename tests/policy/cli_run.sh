#!/usr/bin/env bash
# lightpath-sim run and compare as a user runs them: the files appear, the
# table names the policies, and a broken trace is refused with its line.
set -euo pipefail
sim=$1 topology=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$sim" gen --topology "$topology" --gpus 8 --iterations 2 --out "$work/t.jsonl"
"$sim" run --topology "$topology" --trace "$work/t.jsonl" --policy on-demand --out "$work/run" \
  --progress off >"$work/run.txt"
for f in summary.json jobs.csv iterations.csv circuits.csv utilization.csv report.html; do
  test -s "$work/run/$f" || { echo "run wrote no $f"; exit 1; }
done
grep -q "on-demand" "$work/run.txt"
grep -q "report: $work/run/report.html" "$work/run.txt"
"$sim" compare --topology "$topology" --trace "$work/t.jsonl" --policies packet-only,on-demand \
  --out "$work/cmp" --progress off >"$work/cmp.txt"
grep -q "packet-only" "$work/cmp.txt" && grep -q "on-demand" "$work/cmp.txt"
test -s "$work/cmp/report.html" && test -s "$work/cmp/packet-only/jobs.csv"
# A trace with a GPU missing its endpoint: refused, the line named, nothing written.
sed '3s/"endpoint":"[^"]*",//' "$work/t.jsonl" >"$work/bad.jsonl"
if "$sim" run --topology "$topology" --trace "$work/bad.jsonl" --out "$work/bad" 2>"$work/bad.txt"; then
  echo "a broken trace was accepted"; exit 1
fi
grep -q "bad.jsonl:3" "$work/bad.txt" || { cat "$work/bad.txt"; exit 1; }
test ! -e "$work/bad"
echo "cli run and compare: OK"
