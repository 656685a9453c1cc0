#!/usr/bin/env bash
# GruTiny from this repository as a NuGet package, for a project anywhere on the machine, until the package is
# published.
#
#   bash tools/local-package.sh [FEED]           # pack with a unique version into FEED (default artifacts/feed)
#   bash tools/local-package.sh --check [FEED]   # the same, then prove the recipe in an empty folder
#
# Each pack gets a version of its own (0.1.0-local.<UTC time>): NuGet caches a package by id and version, so
# re-packing an unchanged version would be silently served from the cache. The feed is an absolute path named
# in the consuming project's nuget.config, so restores work from any folder and on a clean cache, not only
# where `dotnet add package --source` was typed once.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
check=false
[[ ${1:-} == --check ]] && { check=true; shift; }
feed="$(mkdir -p "${1:-$repo/artifacts/feed}" && cd "${1:-$repo/artifacts/feed}" && pwd)"
version="0.1.0-local.$(date -u +%Y%m%d%H%M%S)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet pack "$repo/src/GruTiny" -c Release -o "$feed" -p:Version="$version" -v:q -nologo >/dev/null
[[ -f $feed/GruTiny.$version.nupkg ]] || { echo "local-package: pack produced no GruTiny.$version.nupkg" >&2; exit 1; }

recipe() {
  cat <<TEXT
Packed GruTiny $version into $feed.
In your project's folder, a nuget.config that names the feed (keeps nuget.org and your other sources):

<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="grutiny-local" value="$feed" />
  </packageSources>
</configuration>

then: dotnet add package GruTiny --version $version
TEXT
}

if ! $check; then recipe; exit 0; fi

# The recipe, followed as a user would, in an empty folder with empty package caches: create a console project,
# write the nuget.config, add the package, then delete every output and restore and build again from scratch.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/app"
cd "$work/app"
recipe | sed -n '/<?xml/,/<\/configuration>/p' >nuget.config
dotnet new console -n App -o . --force -v:q >/dev/null
mkdir -p models
cp "$repo/tests/GruTiny.ReferenceModels/Models/tiny.gru.json" models/tiny.gru.json
cat >Program.cs <<'CS'
using System;
using GruTiny;

var model = new Tiny();
Span<float> y = stackalloc float[Tiny.OutputSize];
model.Step([0.25f, -0.5f], y);
Console.WriteLine($"tiny: {y[0]:R} {y[1]:R}");

[GruModel("models/tiny.gru.json")]
public partial struct Tiny;
CS
sed -i 's|</Project>|  <ItemGroup><AdditionalFiles Include="models/tiny.gru.json" /></ItemGroup>\n</Project>|' App.csproj
NUGET_PACKAGES="$work/packages-1" dotnet add package GruTiny --version "$version" >/dev/null
for round in 2 3; do
  rm -rf bin obj
  NUGET_PACKAGES="$work/packages-$round" dotnet build -c Release -v:q -nologo >/dev/null
  out="$(dotnet bin/Release/*/App.dll)"
  [[ $out == tiny:* ]] || { echo "local-package: round $round printed '$out'" >&2; exit 1; }
  echo "local-package: clean restore and build $round in an empty folder: $out"
done
