#!/usr/bin/env bash
# docs/first-hour.md as a script: train a small GRU in PyTorch, export it to ONNX with its self-check, add it to
# a new .NET project through the locally packed GruTiny package, build (the self-check is printed), run, and
# publish with Native AOT. CI runs it; run it yourself to see each step's output:
#
#   bash tools/first-hour.sh [FOLDER]     # default: a new temporary folder, removed afterwards
#
# Needs Debian's PyTorch and onnx (apt-get install python3-torch python3-onnx), the .NET 10 SDK and clang.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -n ${1:-} ]]; then work="$(mkdir -p "$1" && cd "$1" && pwd)"; else work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT; fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
step() { printf '\n== %s\n' "$*"; }

step "1. Train: a GRU forecasting a noisy daily cycle, one step ahead (PyTorch, CPU, a few seconds)"
mkdir -p "$work/train" "$work/app/models"
cat >"$work/train/train.py" <<'PY'
import math, sys
import torch
from torch import nn
sys.path.insert(0, sys.argv[1])                  # the repository's tools/ folder
from grutiny_export import export_onnx

class Forecaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(1, 16, batch_first=True)
        self.head = nn.Linear(16, 1)
    def forward(self, x):
        y, _ = self.gru(x)
        return self.head(y)

torch.manual_seed(0)
torch.set_num_threads(1)
t = torch.arange(2000, dtype=torch.float32)
series = torch.sin(2 * math.pi * t / 24) + 0.05 * torch.randn(2000)
x, y = series[:-1].reshape(1, -1, 1), series[1:].reshape(1, -1, 1)
model = Forecaster()
optimiser = torch.optim.Adam(model.parameters(), lr=0.02)
for epoch in range(150):
    optimiser.zero_grad()
    loss = nn.functional.mse_loss(model(x), y)
    loss.backward()
    optimiser.step()
print(f"trained: mean squared error {loss.item():.4f}")
export_onnx(model.eval(), sys.argv[2], input_size=1, batch_first=True)
print(f"exported {sys.argv[2]} with its self-check")
PY
/usr/bin/python3 "$work/train/train.py" "$repo/tools" "$work/app/models/forecaster.onnx"

step "2. Pack GruTiny locally (until it is published) and create a project that uses it"
feed="$work/feed"
bash "$repo/tools/local-package.sh" "$feed" | tee "$work/recipe.txt"
version="$(sed -n 's/^Packed GruTiny \([^ ]*\) into .*/\1/p' "$work/recipe.txt")"
cd "$work/app"
sed -n '/<?xml/,/<\/configuration>/p' "$work/recipe.txt" >nuget.config
dotnet new console -n Forecast -o . --force >/dev/null
dotnet add package GruTiny --version "$version" >/dev/null
cat >Forecast.csproj <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <PublishAot>true</PublishAot>
    <InvariantGlobalization>true</InvariantGlobalization>
    <!-- Show the build-time self-check in every build (an info diagnostic otherwise), without failing builds
         that treat warnings as errors. -->
    <WarningsNotAsErrors>\$(WarningsNotAsErrors);GRUT042</WarningsNotAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="GruTiny" Version="$version" />
    <AdditionalFiles Include="models/forecaster.onnx" />
  </ItemGroup>
</Project>
XML
printf 'is_global = true\ndotnet_diagnostic.GRUT042.severity = warning\n' >.globalconfig
cat >Program.cs <<'CS'
using System;
using GruTiny;

// Stream a day of hourly readings through the compiled model, forecasting the next reading at each step
// (printed afterwards: formatting text allocates, the model does not).
var model = new Forecaster();
Span<float> reading = stackalloc float[Forecaster.InputSize];
Span<float> forecasts = stackalloc float[24];
long before = GC.GetAllocatedBytesForCurrentThread();
for (int hour = 0; hour < 24; hour++)
{
    reading[0] = MathF.Sin(2 * MathF.PI * hour / 24);
    model.Step(reading, forecasts.Slice(hour, Forecaster.OutputSize));
}
long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
for (int hour = 5; hour < 24; hour += 6)
    Console.WriteLine($"hour {hour,2}: reading {MathF.Sin(2 * MathF.PI * hour / 24),6:F3}, forecast of the next {forecasts[hour],6:F3} (true {MathF.Sin(2 * MathF.PI * (hour + 1) / 24),6:F3})");
Console.WriteLine($"{Forecaster.ParameterCount} parameters; bytes allocated while streaming: {allocated}");
return allocated == 0 ? 0 : 1;

[GruModel("models/forecaster.onnx")]
public partial struct Forecaster;
CS

step "3. Build: the model is compiled, and its self-check against PyTorch's outputs runs"
dotnet build -c Release 2>&1 | tee "$work/build.txt" | grep -E "GRUT|error|Build succeeded" || true
grep -q "warning GRUT042: models/forecaster.onnx: self-check passed" "$work/build.txt"

step "4. Run"
dotnet run -c Release --no-build

step "5. Publish with Native AOT for this machine and run the native binary"
dotnet publish -c Release -r linux-x64 -o "$work/native" -v:q -nologo >/dev/null
ls -l "$work/native/Forecast" | awk '{ print "native executable: " $5 " bytes" }'
"$work/native/Forecast"
