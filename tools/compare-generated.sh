#!/usr/bin/env bash
# Compares the source the generator emits for every model in this repository (the reference models and the
# samples) with what it emitted at another commit, ignoring only the [GeneratedCode] lines (the version
# stamp). A reshaping of the generator must leave the rest byte-identical.
#
#   bash tools/compare-generated.sh [REF]     # REF: a commit, default origin/main or main
#
# Builds twice (REF in a temporary worktree, then this tree), each with EmitCompilerGeneratedFiles.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ref="${1:-$(git -C "$repo" rev-parse --verify -q origin/main || git -C "$repo" rev-parse main)}"
work="$(mktemp -d)"
trap 'git -C "$repo" worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

emit() { # tree, output folder
  for project in tests/GruTiny.ReferenceModels firmware-samples/SensorForecast firmware-samples/WordComplete firmware-samples/HelloGru; do
    framework=(); [[ "$project" == firmware-samples/* ]] && framework=(-f net10.0)
    dotnet build "$1/$project" -c Release "${framework[@]}" --no-incremental -v:q -nologo \
      -p:EmitCompilerGeneratedFiles=true -p:CompilerGeneratedFilesOutputPath="$2/$(basename "$project")" >/dev/null
  done
}

git -C "$repo" worktree add -q --detach "$work/old" "$ref"
emit "$work/old" "$work/before"
emit "$repo" "$work/after"

differ=0 compared=0
while IFS= read -r file; do
  compared=$((compared + 1))
  if [[ ! -f "$work/after/$file" ]]; then echo "gone: $file"; differ=1; continue; fi
  if ! diff -q <(grep -v 'GeneratedCode("GruTiny.Generator"' "$work/before/$file") <(grep -v 'GeneratedCode("GruTiny.Generator"' "$work/after/$file") >/dev/null; then
    echo "differs: $file"; differ=1
  fi
done < <(cd "$work/before" && find . -name '*.GruModel.g.cs' | sort)
new=$(cd "$work/after" && find . -name '*.GruModel.g.cs' | wc -l)
echo "$compared generated files at $(git -C "$repo" rev-parse --short "$ref") compared with this tree ($new now)"
if (( compared == 0 )); then echo "nothing was compared: the build at $ref emitted no generated files"; exit 1; fi
exit "$differ"
