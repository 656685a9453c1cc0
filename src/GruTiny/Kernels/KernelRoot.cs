using System.Runtime.CompilerServices;

namespace GruTiny.Kernels;

/// <summary>
/// How the kernels' loops over weights (and the per-block lookup of weights in several chunks they call) are
/// compiled: <c>[MethodImpl(KernelRoot.Options)]</c> on each.
/// </summary>
/// <remarks>
/// <para><c>NoInlining</c>: each loop is a root of its own, so it has a method's inlining budget and limit of tracked
/// locals to itself (<see cref="GruLayerKernel"/>'s remarks say what inlining them into one another cost).</para>
/// <para><c>AggressiveOptimization</c>: compiled optimised on its first call instead of going through tiered
/// compilation. A method with a loop starts unoptimised (tier 0, then on-stack replacement) and is recompiled
/// optimised in the background once its calls stop being new; with one CPU to run on, the runtime waits ten times
/// longer for that. Measured (bench <c>-- startup</c> under <c>taskset -c 0</c>, AMD EPYC Zen 4, .NET 10.0.12):
/// without it, a step of 16 → 16 took ~5 µs and one of 8 → 64 + 4 ~24–34 µs for the first two seconds, 60 × the
/// optimised ~80 and ~520 ns; with it, ~250 ns and ~1.1 µs (the generated methods around the kernels still start
/// at tier 0), and the same time as before once warm (21 rounds of the interleaved runner: 0.89–1.03 of the
/// earlier build). It costs the first call more compilation (16 → 16: ~25 ms instead of ~12) and leaves these
/// methods out of dynamic PGO, which has nothing to guide in loops without calls or type checks. Native AOT
/// compiles everything ahead of time and ignores it. The listings <c>bench -- jit-check</c> reads (tiering off)
/// are this code.</para>
/// </remarks>
internal static class KernelRoot
{
    public const MethodImplOptions Options = MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization;
}
