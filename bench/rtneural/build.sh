#!/usr/bin/env bash
# Builds the RTNeural baseline (baseline.cpp) as a user building RTNeural in Release would: g++ -O3 -DNDEBUG, the
# Eigen backend from Debian's libeigen3-dev, in two builds:
#   bin/baseline-avx2    -march=x86-64-v3 (256-bit AVX2 with FMA), 32-byte alignment: against GruTiny's Vector256
#   bin/baseline-sse42   -msse4.2 (128-bit, no FMA), 16-byte alignment: against GruTiny's Vector128 (ARM64's path)
# (No AVX-512 build: RTNeural accepts alignments of 8, 16 and 32 bytes only, and GruTiny has no Vector512 path.)
#
#   bash bench/rtneural/build.sh [RTNEURAL_DIR]    (default ../shared/rtneural beside the repository)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

rtneural="${1:-$repo/../shared/rtneural}"

if [[ ! -f "$rtneural/RTNeural/RTNeural.h" ]]; then
  echo "build.sh: no RTNeural headers at $rtneural (expected RTNeural/RTNeural.h there); pass their folder as the argument" >&2
  exit 1
fi
if [[ ! -f /usr/include/eigen3/Eigen/Core ]]; then
  echo "build.sh: Eigen is missing: apt-get install libeigen3-dev" >&2
  exit 1
fi
command -v g++ >/dev/null || { echo "build.sh: g++ is missing: apt-get install g++" >&2; exit 1; }

mkdir -p "$here/bin"
# EIGEN_STACK_ALLOCATION_LIMIT: the fixed-size weight matrices of 256-unit layers exceed Eigen's 128 KB check.
common=(-std=c++17 -O3 -DNDEBUG -DRTNEURAL_USE_EIGEN=1 -DEIGEN_STACK_ALLOCATION_LIMIT=4194304
        -I "$rtneural" -I /usr/include/eigen3 "$here/baseline.cpp")

build() {
  local name="$1"; shift
  echo "build.sh: $name: g++ $*"
  g++ "$@" "${common[@]}" -o "$here/bin/$name.tmp"
  mv "$here/bin/$name.tmp" "$here/bin/$name"
}

build baseline-avx2 -march=x86-64-v3 -DRTNEURAL_DEFAULT_ALIGNMENT=32 &
pid=$!
build baseline-sse42 -msse4.2 -DRTNEURAL_DEFAULT_ALIGNMENT=16
wait $pid
