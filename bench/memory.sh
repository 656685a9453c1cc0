#!/usr/bin/env bash
# What a model costs per parameter: bytes in the JIT assembly, bytes in the Native AOT binary, and
# resident memory after 100 steps of the AOT program and of the JIT one (peak VmHWM, and RssAnon / RssFile, from
# /proc/self/status; median of five runs). Each figure is the difference between a consumer with a generated
# model and the same consumer without it, divided by the model's parameters. MEMORY_PUBLISH_ARGS adds arguments
# to the AOT publish, for example -p:IlcDehydrate=true (ILC's own default, which GruTiny's build props turn off);
# MEMORY_RUN_AS=nobody runs the AOT programs as a user that does not own them (see below). MEMORY_WEIGHTS=Int8 (or
# Float16) compiles the model with that weight type ([GruModel(…, Weights = …)]; default Float32).
#
#   bash bench/memory.sh [HIDDEN]     # two GRU layers of HIDDEN units, input 64, dense 16 (default 320: ~1.0M)
#
# Builds under artifacts/memory/ against this repository's library and generator (project references).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
hidden="${1:-320}"
weights="${MEMORY_WEIGHTS:-Float32}"
case "$weights" in Float32|Float16|Int8) ;; *) echo "MEMORY_WEIGHTS must be Float32, Float16 or Int8" >&2; exit 2;; esac
work="$repo/artifacts/memory"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
rm -rf "$work"
mkdir -p "$work/with" "$work/without"

# Random weights, fixed seed; every value a float32 written in full.
parameters=$(python3 - "$work/with/model.gru.json" "$hidden" <<'PY'
import json, random, struct, sys
path, hidden, inputs, dense = sys.argv[1], int(sys.argv[2]), 64, 16
random.seed(7)
count = 0
def f32(v): return struct.unpack("f", struct.pack("f", v))[0]
def matrix(rows, cols):
    global count; count += rows * cols
    return [[f32(random.uniform(-0.1, 0.1)) for _ in range(cols)] for _ in range(rows)]
def vector(n):
    global count; count += n
    return [f32(random.uniform(-0.1, 0.1)) for _ in range(n)]
layers, width = [], inputs
for _ in range(2):
    layers.append({"type": "gru", "hidden_size": hidden, "linear_before_reset": True, "weight_ih": matrix(3 * hidden, width),
                   "weight_hh": matrix(3 * hidden, hidden), "bias_ih": vector(3 * hidden), "bias_hh": vector(3 * hidden)})
    width = hidden
layers.append({"type": "dense", "activation": "linear", "weight": matrix(dense, hidden), "bias": vector(dense)})
json.dump({"format": "grutiny/1", "input_size": inputs, "layers": layers}, open(path, "w"))
print(count)
PY
)

for variant in with without; do
  cat >"$work/$variant/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <Import Project="$repo/eng/UseGruTinyFromSource.props" />
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <PublishAot>true</PublishAot>
    <InvariantGlobalization>true</InvariantGlobalization>
    <GruTinyMaxParameters>100000000</GruTinyMaxParameters>
    <NoWarn>\$(NoWarn);CS1591;GRUT016</NoWarn>
  </PropertyGroup>
  <ItemGroup Condition="Exists('model.gru.json')">
    <AdditionalFiles Include="model.gru.json" />
  </ItemGroup>
</Project>
XML
done

# Both programs do the same work around the model: 100 steps of a 64-input, 16-output stream, then report.
common='
static void Report(float checksum)
{
    foreach (string line in System.IO.File.ReadAllLines("/proc/self/status"))
        if (line.StartsWith("VmHWM:") || line.StartsWith("RssAnon:") || line.StartsWith("RssFile:")) System.Console.WriteLine(line);
    System.Console.WriteLine("checksum " + checksum);
}'
cat >"$work/with/Program.cs" <<CS
var model = new Big();
var input = new float[64];
var output = new float[16];
float sum = 0;
for (int t = 0; t < 100; t++) { input[t % 64] = t * 0.01f; model.Step(input, output); sum += output[0]; }
Report(sum);
$common
[GruTiny.GruModel("model.gru.json", Weights = GruTiny.GruWeightType.$weights)]
public partial class Big;
CS
cat >"$work/without/Program.cs" <<CS
var input = new float[64];
var output = new float[16];
float sum = 0;
for (int t = 0; t < 100; t++) { input[t % 64] = t * 0.01f; output[t % 16] += input[t % 64]; sum += output[0]; }
Report(sum);
$common
CS

for variant in with without; do
  dotnet build "$work/$variant" -c Release -v:q -nologo >/dev/null
  dotnet publish "$work/$variant" -c Release -r linux-x64 -o "$work/$variant/aot" -v:q -nologo ${MEMORY_PUBLISH_ARGS:-} >/dev/null
done

# The binaries are written to disk first: pages of a file that has just been written are dirty in the page
# cache, and the kernel cannot drop them from a process until they are written back, which a deployed program
# never sees. Each figure is the median of five runs.
# MEMORY_RUN_AS=user runs the AOT programs as that user, from a copy it does not own (a service account running
# a root-owned binary): Linux then refuses MADV_PAGEOUT on the binary's pages (needs root, for runuser).
sync "$work/with/aot/Consumer" "$work/without/aot/Consumer"
for variant in with without; do
  program="$work/$variant/aot/Consumer" runner=()
  if [[ -n "${MEMORY_RUN_AS:-}" ]]; then
    install -d -m 755 "$work/$variant/system" && install -m 755 "$program" "$work/$variant/system/Consumer"
    chmod o+x "$repo" "$repo/artifacts" "$work" "$work/$variant" 2>/dev/null || true
    sync "$work/$variant/system/Consumer"
    program="$work/$variant/system/Consumer" runner=(runuser -u "$MEMORY_RUN_AS" --)
  fi
  for run in 1 2 3 4 5; do
    (cd /; "${runner[@]}" "$program") >"$work/$variant/aot.$run"
    dotnet "$work/$variant/bin/Release/net10.0/Consumer.dll" >"$work/$variant/jit.$run"
  done
done
status() { # variant, aot|jit, key
  for run in 1 2 3 4 5; do awk -v key="$3" '$1 == key ":" { print $2 * 1024 }' "$work/$1/$2.$run"; done | sort -n | sed -n 3p
}
per() { awk -v a="$1" -v b="$2" -v n="$parameters" 'BEGIN { printf "%.2f", (a - b) / n }'; }
dll_with=$(stat -c %s "$work/with/bin/Release/net10.0/Consumer.dll"); dll_without=$(stat -c %s "$work/without/bin/Release/net10.0/Consumer.dll")
aot_with=$(stat -c %s "$work/with/aot/Consumer"); aot_without=$(stat -c %s "$work/without/aot/Consumer")
echo "model: 64 inputs, 2 GRU layers of $hidden units, dense 16: $parameters parameters ($(( parameters * 4 )) bytes of float32), stored as $weights"
printf '%-34s %14s %14s %10s\n' "" "with model" "without" "per param"
printf '%-34s %14d %14d %10s\n' "JIT assembly (bytes)" "$dll_with" "$dll_without" "$(per "$dll_with" "$dll_without")"
printf '%-34s %14d %14d %10s\n' "Native AOT binary (bytes)" "$aot_with" "$aot_without" "$(per "$aot_with" "$aot_without")"
for mode in aot jit; do
  for key in VmHWM RssAnon RssFile; do
    a=$(status with "$mode" "$key"); b=$(status without "$mode" "$key")
    printf '%-34s %14d %14d %10s\n' "${mode^^} after 100 steps: $key (bytes)" "$a" "$b" "$(per "$a" "$b")"
  done
done
