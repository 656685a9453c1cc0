#!/usr/bin/env bash
# The figures of docs/deployment.md "Measured here": the three samples as JIT builds and as Native AOT binaries
# (linux-x64 at the default instruction set and at x86-64-v3, linux-arm64), their sizes, per-step latency as
# each sample reports it, start-up to first output, peak resident memory and bytes allocated.
#
#   bash bench/deployment.sh [RUNS]        # RUNS runs of each binary (default 5); medians are printed
#
# Needs the ARM64 cross-linker (sudo bash tools/arm64/emulated.sh install). The arm64 binaries are run under
# qemu only to check that they run and allocate nothing: their timings under emulation mean nothing and are not
# printed. Run it on a quiet machine; it prints the CPU it ran on.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
runs="${1:-5}"
out="$repo/artifacts/deployment"
samples=(SensorForecast WordComplete HelloGru)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; $(dotnet --version) SDK"
rm -rf "$out"
for s in "${samples[@]}"; do
  dotnet build "firmware-samples/$s" -c Release -f net10.0 -v:q -nologo >/dev/null
  dotnet publish "firmware-samples/$s" -c Release -f net10.0 -r linux-x64 -o "$out/x64/$s" -v:q -nologo >/dev/null
  dotnet publish "firmware-samples/$s" -c Release -f net10.0 -r linux-x64 -p:IlcInstructionSet=x86-64-v3 -o "$out/x64-v3/$s" -v:q -nologo >/dev/null
  bash tools/arm64/emulated.sh publish "firmware-samples/$s" "$out/arm64/$s" >/dev/null
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# One row: the median over $runs runs of the per-step figure, start-up (SensorForecast only) and peak RSS.
measure() {
  local label="$1"; shift
  local steps=() starts=() rss=() allocated=0 log
  log=$(mktemp)
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -v "$@" </dev/null >"$log" 2>"$log.time" || { echo "$label: exit code $?" >&2; cat "$log" >&2; }
    steps+=("$(grep -oE 'Per (step|character): [0-9]+ ns' "$log" | grep -oE '[0-9]+ ns' | grep -oE '[0-9]+')")
    starts+=("$(grep -oE 'Start to first forecast: [0-9]+ ms' "$log" | grep -oE '[0-9]+ ms' | grep -oE '[0-9]+' || true)")
    rss+=("$(grep 'Maximum resident set size' "$log.time" | grep -oE '[0-9]+$')")
    allocated=$((allocated + $(grep -oE 'Bytes allocated[^:]*: [0-9]+' "$log" | grep -oE '[0-9]+$')))
  done
  rm -f "$log" "$log.time"
  printf '%-44s %9s ns %8s ms %8s KB %6s B\n' "$label" \
    "$(printf '%s\n' "${steps[@]}" | median)" "$(printf '%s\n' "${starts[@]}" | grep . | median)" \
    "$(printf '%s\n' "${rss[@]}" | median)" "$allocated"
}

echo
echo "sizes (bytes): x64 default | x64 x86-64-v3 | arm64"
for s in "${samples[@]}"; do
  printf '  %-16s %10d %10d %10d\n' "$s" "$(stat -c %s "$out/x64/$s/$s")" "$(stat -c %s "$out/x64-v3/$s/$s")" "$(stat -c %s "$out/arm64/$s/$s")"
done

echo
echo "median of $runs runs: per step (as the sample reports it) | start to first forecast | peak RSS | bytes allocated (sum)"
for s in "${samples[@]}"; do
  measure "$s JIT (dotnet bin/.../$s.dll)" dotnet "firmware-samples/$s/bin/Release/net10.0/$s.dll"
  measure "$s Native AOT x64, default instruction set" "$out/x64/$s/$s"
  measure "$s Native AOT x64, x86-64-v3" "$out/x64-v3/$s/$s"
done

echo
echo "arm64 under emulation (exit code, bytes allocated; no timings):"
for s in "${samples[@]}"; do
  code=0
  text=$(bash tools/arm64/emulated.sh exec "$out/arm64/$s/$s" </dev/null) || code=$?
  printf '  %-16s exit %s, %s\n' "$s" "$code" "$(grep -oE 'Bytes allocated[^:]*: [0-9]+' <<<"$text")"
done
