#!/usr/bin/env bash
# Runs lightpath's libFuzzer targets (fuzz/, docs/fuzzing.md), one at a time,
# each for FUZZ_SECONDS on a fresh copy of its seed corpus fuzz/corpus/<name>/,
# after replaying the inputs that once crashed it (fuzz/regressions/<name>/).
# Fails when any target crashes, leaks, hits undefined behaviour, times out or
# runs out of memory; the input that did it is left in BUILD/fuzz-out/<name>/.
#
#   scripts/fuzz.sh [BUILD_DIR [TARGET...]]     (BUILD_DIR defaults to build-fuzz)
#   FUZZ_SECONDS=600 scripts/fuzz.sh build-fuzz rest
#
# Expects the targets built: `make fuzz` configures BUILD_DIR with clang and
# -DLIGHTPATH_FUZZ=ON, builds them, then calls this script.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-fuzz}
shift || true
[[ "$build" = /* ]] || build="$root/$build"
seconds=${FUZZ_SECONDS:-60}

# Target name and the longest input it is given, in bytes.
declare -A max_len=(
  [topology]=4096
  [requests]=4096
  [request_proto]=1024
  [trace]=4096
  [nodelist]=256
  [rest]=1024
)
all=(topology requests request_proto trace nodelist rest)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all[@]}")

failed=()
summary=()
for name in "${targets[@]}"; do
  [[ -n "${max_len[$name]:-}" ]] || { echo "fuzz: unknown target '$name' (known: ${all[*]})" >&2; exit 2; }
  bin="$build/fuzz/${name}_fuzz"
  [[ -x "$bin" ]] || { echo "fuzz: $bin is not built (make fuzz builds it)" >&2; exit 2; }
  out="$build/fuzz-out/$name"
  corpus="$build/fuzz-corpus/$name"
  rm -rf "$out" "$corpus"
  mkdir -p "$out" "$corpus"
  cp "$root/fuzz/corpus/$name"/* "$corpus"/
  dirs=("$corpus")
  regressions="$root/fuzz/regressions/$name"
  if [[ -d "$regressions" ]] && compgen -G "$regressions/*" > /dev/null; then
    dirs+=("$regressions")  # read, never written: new inputs go to the first directory
  fi
  echo "fuzz: $name for ${seconds}s (log: $out/fuzz.log)"
  status=0
  # One process, one job: the machine is shared. New inputs go to $corpus.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$bin" -max_total_time="$seconds" -max_len="${max_len[$name]}" -timeout=30 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/" "${dirs[@]}" \
    > "$out/fuzz.log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz.log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/fuzz.log" | tail -1)
  units=$(find "$corpus" -type f | wc -l)
  line=$(printf '%-14s %8ss %12s execs %8s exec/s %6s corpus' "$name" "$seconds" "${execs:-?}" \
    "${rate:-?}" "$units")
  if [[ $status -ne 0 ]]; then
    failed+=("$name")
    line+="  FAILED (exit $status)"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written|fuzz:)' \
      "$out/fuzz.log" | head -8 >&2 || true
  fi
  summary+=("$line")
done

echo
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs and logs in $build/fuzz-out/)" >&2
  exit 1
fi
echo "fuzz: all clean"
