#!/usr/bin/env bash
# GruTiny on ARM64 from an x64 Debian/Ubuntu machine: Native AOT cross-compiled for linux-arm64, and the JIT
# tests run on the real NEON code path, both under qemu's user-mode emulator. .ci/run calls this script; a
# developer or a user runs the same steps locally:
#
#   sudo bash tools/arm64/emulated.sh install       # root: apt packages (once per machine)
#   bash tools/arm64/emulated.sh runtime            # an arm64 .NET root from NuGet's runtime pack (no root)
#   bash tools/arm64/emulated.sh test [-- dotnet test arguments]   # kernel/parity/allocation/... tests on ARM64
#   bash tools/arm64/emulated.sh publish PROJECT OUT                # Native AOT for linux-arm64
#   bash tools/arm64/emulated.sh exec PROGRAM [ARGS...]             # run an arm64 program under emulation
#   sudo bash tools/arm64/emulated.sh all           # install, runtime, test
#
# What needs root: only `install`. It adds the arm64 architecture to dpkg and installs, from Debian:
#   qemu-user-static                       the emulator (qemu-aarch64-static)
#   clang, binutils-aarch64-linux-gnu, gcc-aarch64-linux-gnu, libc6-dev-arm64-cross
#                                          Native AOT's cross-linker and the arm64 C library to link against
#   libc6:arm64, libstdc++6:arm64          what arm64 programs load at run time (Debian's multiarch libraries;
#                                          qemu's -L with the cross libc hung a Native AOT program at start-up)
#   libssl3:arm64                          for the test host only: xunit names test cases with SHA-1 hashes
# Multiarch packages must have the same version as the host's: installing libssl3:arm64 (or libc6:arm64)
# upgrades the host's libssl3 (libc6) to the same version when it is older. libicu is not needed: the test host
# runs with invariant globalization, as the samples are built.
#
# Timings under emulation mean nothing (a step is ~50-200x slower than on the board); this checks correctness
# and allocation of the ARM64 build and the NEON path (Vector128 accelerated, Vector256 not), nothing else.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
root="${GRUTINY_ARM64_DOTNET_ROOT:-$repo/artifacts/arm64/dotnet}"
qemu="${GRUTINY_QEMU:-qemu-aarch64-static}"
# The tests that run under emulation: everything that executes kernels, the interpreter and allocation counts
# (generator, package and fuzz tests are platform-neutral and slow under emulation). Arm64Tests proves the
# process really was ARM64 with NEON. GRUTINY_ARM64_FILTER replaces the filter (keep Arm64Tests in it);
# GRUTINY_ARM64_CONFIGURATION=Debug tests the Debug build (default Release).
arm64_filter="${GRUTINY_ARM64_FILTER:-FullyQualifiedName~ParityTests|FullyQualifiedName~KernelTests|FullyQualifiedName~AllocationTests|FullyQualifiedName~ArgumentTests|FullyQualifiedName~StackTests|FullyQualifiedName~InterpreterTests|FullyQualifiedName~SequenceModelTests|FullyQualifiedName~InitialStateTests|FullyQualifiedName~QuantizationTests|FullyQualifiedName~Arm64Tests}"

die() { echo "arm64: $*" >&2; exit 1; }

install_packages() {
  local packages=(qemu-user-static clang binutils-aarch64-linux-gnu gcc-aarch64-linux-gnu libc6-dev-arm64-cross libc6:arm64 libstdc++6:arm64 libssl3:arm64)
  if dpkg -s "${packages[@]}" >/dev/null 2>&1; then echo "arm64: packages already installed"; return; fi
  [[ $(id -u) -eq 0 ]] || die "installing ${packages[*]} needs root: sudo bash $0 install"
  dpkg --add-architecture arm64
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}"
}

require() {
  command -v "$qemu" >/dev/null || die "$qemu not found: run 'sudo bash $0 install' first"
  [[ -e /lib/ld-linux-aarch64.so.1 ]] || die "no arm64 C library (/lib/ld-linux-aarch64.so.1): run 'sudo bash $0 install' first"
}

# Lays out $root as a .NET root (shared/Microsoft.NETCore.App/V, host/fxr/V) from the runtime pack of the SDK's
# own runtime version, and builds the arm64 `dotnet` launcher beside it, plus dotnet-qemu: the x64 script that
# vstest starts as its "dotnet" (it runs the launcher under the emulator).
lay_out_runtime() {
  require
  local props version packages pack
  # Restored first: NuGetPackageRoot is only defined once the project has been restored.
  dotnet restore "$repo/tools/arm64/RuntimePack.csproj" -nologo -v:q
  props=$(dotnet msbuild "$repo/tools/arm64/RuntimePack.csproj" -getProperty:BundledNETCoreAppPackageVersion -getProperty:NuGetPackageRoot)
  version=$(sed -n 's/.*"BundledNETCoreAppPackageVersion": "\([^"]*\)".*/\1/p' <<<"$props")
  packages=$(sed -n 's/.*"NuGetPackageRoot": "\([^"]*\)".*/\1/p' <<<"$props")
  [[ -n $version && -n $packages ]] || die "could not read the SDK's runtime version: $props"
  if [[ -x $root/dotnet && -f $root/shared/Microsoft.NETCore.App/$version/System.Private.CoreLib.dll ]]; then
    echo "arm64: .NET $version root already at $root"; return
  fi
  command -v aarch64-linux-gnu-gcc >/dev/null || die "aarch64-linux-gnu-gcc not found: run 'sudo bash $0 install' first"
  pack="$packages/microsoft.netcore.app.runtime.linux-arm64/$version/runtimes/linux-arm64"
  [[ -f $pack/native/libhostfxr.so ]] || die "runtime pack not found at $pack"
  rm -rf "$root"
  mkdir -p "$root/shared/Microsoft.NETCore.App/$version" "$root/host/fxr/$version"
  cp "$pack"/lib/net10.0/* "$pack"/native/* "$root/shared/Microsoft.NETCore.App/$version/"
  mv "$root/shared/Microsoft.NETCore.App/$version/libhostfxr.so" "$root/host/fxr/$version/"
  aarch64-linux-gnu-gcc -O2 -Wall -Werror -DHOSTFXR_RELATIVE_PATH="\"host/fxr/$version/libhostfxr.so\"" \
    -o "$root/dotnet" "$repo/tools/arm64/dotnet-launcher.c" -ldl
  # W^X makes the JIT map code pages twice; under qemu-user that crashes the test host with SIGSEGV.
  cat >"$root/dotnet-qemu" <<SH
#!/bin/sh
DOTNET_EnableWriteXorExecute=0 DOTNET_ROOT="$root" exec "$qemu" "$root/dotnet" "\$@"
SH
  chmod +x "$root/dotnet-qemu"
  "$root/dotnet-qemu" --list-runtimes | grep -q "Microsoft.NETCore.App $version" \
    || die "the arm64 .NET root at $root does not list Microsoft.NETCore.App $version"
  echo "arm64: .NET $version root at $root"
}

# The test project is built for any CPU: the same build runs in an arm64 test host. GRUTINY_EXPECT_ARM64=1
# turns on Arm64Tests, which fail unless the process is ARM64 with NEON and without Vector256; a vstest setting
# that silently ran the tests on x64 therefore fails the run.
run_tests() {
  lay_out_runtime
  [[ ${1:-} == -- ]] && shift
  GRUTINY_EXPECT_ARM64=1 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 \
    dotnet test "$repo/tests/GruTiny.Tests" -c "${GRUTINY_ARM64_CONFIGURATION:-Release}" --filter "$arm64_filter" "$@" \
    -- RunConfiguration.TargetPlatform=ARM64 RunConfiguration.DotNetHostPath="$root/dotnet-qemu"
}

publish() {
  [[ $# -eq 2 ]] || die "usage: $0 publish PROJECT OUT"
  require
  command -v aarch64-linux-gnu-readelf >/dev/null || die "aarch64-linux-gnu-readelf not found: run 'sudo bash $0 install' first"
  local name
  name=$(dotnet msbuild "$1" -getProperty:AssemblyName -p:TargetFramework=net10.0)
  [[ -n $name ]] || die "could not read the AssemblyName of $1"
  dotnet publish "$1" -c Release -f net10.0 -r linux-arm64 -o "$2" -warnaserror
  aarch64-linux-gnu-readelf -h "$2/$name" | grep -q 'Machine:.*AArch64' || die "$2/$name is not an AArch64 executable"
}

exec_arm64() {
  [[ $# -ge 1 ]] || die "usage: $0 exec PROGRAM [ARGS...]"
  require
  DOTNET_EnableWriteXorExecute=0 exec "$qemu" "$@"
}

case "${1:-}" in
  install) install_packages ;;
  runtime) lay_out_runtime ;;
  test) shift; run_tests "$@" ;;
  publish) shift; publish "$@" ;;
  exec) shift; exec_arm64 "$@" ;;
  all) install_packages; lay_out_runtime; run_tests ;;
  *) sed -n '2,25p' "$0"; exit 2 ;;
esac
