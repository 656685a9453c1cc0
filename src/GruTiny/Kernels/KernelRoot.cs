using System.Runtime.CompilerServices;

namespace GruTiny.Kernels;

/// <summary>
/// How the kernels are compiled: <c>[MethodImpl(KernelRoot.Options)]</c> on each loop over weights (and on the
/// per-block lookup of weights in several chunks they call), <c>[MethodImpl(KernelRoot.DriverOptions)]</c> on the
/// methods between generated code and those loops (a layer kind's <c>Forward</c>, the GRU's projection, recurrence
/// and single-step drivers, the dense layer's block loop).
/// </summary>
/// <remarks>
/// <para><c>NoInlining</c> (loops only): each loop is a root of its own, so it has a method's inlining budget and
/// limit of tracked locals to itself (<see cref="GruLayerKernel"/>'s remarks say what inlining them into one another
/// cost). The drivers may be inlined where the JIT chooses; tier 1 inlined the same ones with and without
/// <c>AggressiveOptimization</c> (generated <c>Step</c> of 8 → 64 + 4, <c>DOTNET_JitDisasm</c>).</para>
/// <para><c>AggressiveOptimization</c>: compiled optimised on the first call instead of going through tiered
/// compilation. A method starts unoptimised (tier 0; with a loop, then on-stack replacement) and is recompiled
/// optimised in the background once its calls stop being new; when the process may use one CPU the runtime waits
/// ten times longer for that. Measured with bench <c>-- startup</c> (docs/deployment.md has the table): under
/// <c>taskset -c 0</c>, a step of 8 → 64 + 4 took 33,000–34,000 ns for the first two seconds before, 50–65 × the
/// optimised ~520–670 ns; 975–1,075 ns with the loops optimised at once, 660–880 ns with the drivers too (the
/// generated methods still start at tier 0). Once warm, the interleaved runner measured 0.89–1.00 of the earlier
/// build's time at 256 bits and 0.96–1.02 at 128 for the loops (21 rounds), and the drivers 0.96–1.04 apart from
/// the bimodal 16 → 16 (21 rounds, and 16 alternating processes of <c>Run</c> at two shapes: 0.98 and 1.02). What
/// it gives up: the first call compiles more (16 → 16's first step took ~29 ms instead of ~12), these methods are
/// not precompiled by ReadyToRun (GruTiny's instantiations over a user's layer types would not be anyway), and
/// dynamic PGO does not profile them (they make no virtual calls or type checks it could devirtualise). The statics
/// they read (the aligned weights' addresses, <c>ContiguousChecked</c>) are mutable, so tier 1 had no constant to
/// fold from them either. Native AOT compiles everything ahead of time and ignores it. The listings
/// <c>bench -- jit-check</c> reads (tiering off) are this code.</para>
/// </remarks>
internal static class KernelRoot
{
    /// <summary>Loops over weights: roots of their own, optimised from the first call.</summary>
    public const MethodImplOptions Options = MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization;

    /// <summary>Between generated code and the loops: optimised from the first call, inlined where the JIT chooses.</summary>
    public const MethodImplOptions DriverOptions = MethodImplOptions.AggressiveOptimization;
}
