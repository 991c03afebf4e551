#!/usr/bin/env bash
# Installs lightpath's build and test dependencies from Debian 12 packages.
# Idempotent: installs only what is missing, and touches apt only then.
set -euo pipefail

packages=(
  build-essential cmake make pkg-config
  libboost-dev libboost-graph-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libyaml-cpp-dev libspdlog-dev libfmt-dev libsqlite3-dev libssl-dev openssl
  nlohmann-json3-dev libcli11-dev doctest-dev libbenchmark-dev
  chromium  # tests/report opens report.html in headless Chromium
  libglpk-dev  # bench/engineering_exact (an ILP and its LP bound); skipped without it
)
# Extra groups, asked for by name: e.g. `install-deps.sh test-peers`.
for extra in "$@"; do
  case "$extra" in
    test-peers) packages+=(python3-grpcio python3-protobuf grpc-proto) ;;
    slurm) packages+=(slurm-wlm munge) ;;
    promtool) packages+=(prometheus) ;;  # promtool checks the daemon's /metrics page (tests/rest)
    fuzz) packages+=(clang-14 libclang-rt-14-dev) ;;  # libFuzzer and the sanitizers (make fuzz)
    *) echo "install-deps: unknown group '$extra'" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install packages" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
