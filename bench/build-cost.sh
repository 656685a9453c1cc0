#!/usr/bin/env bash
# Build cost of a 1,000,000-parameter model: how long it adds to a consumer's build.
# Generates the model on the fly (no fixture is committed), makes a throwaway consumer project that references
# the GruTiny library and generator from this repository, and times a clean Release build with and without the
# [GruModel] type (each twice; the faster run counts, to leave out first-run effects).
#   bash bench/build-cost.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# gru 32 -> 256 -> 256 (the benchmark's largest shape is 615k) grown to ~1M: gru 64 -> 320 -> 320, dense 1.
python3 - "$work/big.gru.json" <<'PY'
import json, random, sys
random.seed(1)
def m(r, c): return [[round(random.uniform(-0.1, 0.1), 5) for _ in range(c)] for _ in range(r)]
def v(n): return [round(random.uniform(-0.1, 0.1), 5) for _ in range(n)]
layers, width = [], 64
for _ in range(2):
    layers.append({"type": "gru", "hidden_size": 320, "linear_before_reset": True,
                   "weight_ih": m(960, width), "weight_hh": m(960, 320), "bias_ih": v(960), "bias_hh": v(960)})
    width = 320
layers.append({"type": "dense", "activation": "linear", "weight": m(1, 320), "bias": v(1)})
json.dump({"format": "grutiny/1", "input_size": 64, "layers": layers}, open(sys.argv[1], "w"))
params = sum(len(l["weight_ih"]) * len(l["weight_ih"][0]) + 960 * 320 + 1920 for l in layers[:2]) + 321
print(f"model: {params:,} parameters", file=sys.stderr)
PY

make_project() {
  local dir="$1" with_model="$2"
  mkdir -p "$dir"
  cat > "$dir/Consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <Import Project="$root/eng/UseGruTinyFromSource.props" />
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><NoWarn>\$(NoWarn);GRUT016</NoWarn></PropertyGroup>
  <ItemGroup>
    <AdditionalFiles Include="$work/big.gru.json" />
  </ItemGroup>
</Project>
XML
  if [[ "$with_model" == yes ]]; then  # a top-level program: the model type after the statements
    printf 'System.Console.WriteLine(Big.ParameterCount);\n[GruTiny.GruModel("%s")] public partial struct Big;\n' "$work/big.gru.json" > "$dir/Program.cs"
  else
    printf 'System.Console.WriteLine(0);\n' > "$dir/Program.cs"
  fi
}

make_project "$work/without" no
make_project "$work/with" yes
dotnet build "$work/without/Consumer.csproj" -c Release >/dev/null   # restores, builds GruTiny once
time_build() {
  local best=999999
  for _ in 1 2; do
    rm -rf "$1/bin" "$1/obj/Release"
    local start end
    start=$(date +%s.%N)
    dotnet build "$1/Consumer.csproj" -c Release --no-restore -p:BuildProjectReferences=false -v:q -nologo >&2
    end=$(date +%s.%N)
    best=$(python3 -c "print(min($best, $end - $start))")
  done
  echo "$best"
}
dotnet restore "$work/with/Consumer.csproj" >/dev/null
without=$(time_build "$work/without")
with=$(time_build "$work/with")
python3 -c "print(f'clean build without the model: {$without:.1f} s; with it: {$with:.1f} s; the model adds {$with - $without:.1f} s')"
"$work/with/bin/Release/net10.0/Consumer"
