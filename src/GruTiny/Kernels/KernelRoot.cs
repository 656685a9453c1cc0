using System.Runtime.CompilerServices;

namespace GruTiny.Kernels;

/// <summary>
/// How the kernels are compiled: <c>[MethodImpl(KernelRoot.Options)]</c> on the GRU and dense layers' vector loops
/// over weights (and on the per-block lookup of weights in several chunks they call),
/// <c>[MethodImpl(KernelRoot.StepPathOptions)]</c> on every other kernel method of the per-step path: each layer
/// kind's <c>Forward</c>, the GRU's projection, recurrence and single-step drivers, the dense layer's block loop,
/// the scalar fallbacks, softmax, the activation, normalisation and arithmetic rows, embedding rows and token
/// checks. The generated methods are not: see the remarks.
/// </summary>
/// <remarks>
/// <para><c>NoInlining</c> (vector loops only): each loop is a root of its own, so it has a method's inlining budget
/// and limit of tracked locals to itself (<see cref="GruLayerKernel"/>'s remarks say what inlining them into one
/// another cost). The other methods may be inlined where the JIT chooses; tier 1 inlined the same drivers with and
/// without <c>AggressiveOptimization</c> (generated <c>Step</c> of 8 → 64 + 4, <c>DOTNET_JitDisasm</c>).</para>
/// <para><c>AggressiveOptimization</c>: compiled optimised on the first call instead of going through tiered
/// compilation. A method starts unoptimised (tier 0; with a loop, then on-stack replacement) and is recompiled
/// optimised in the background once its calls stop being new; when the process may use one CPU the runtime waits
/// ten times longer for that. Measured with bench <c>-- startup</c> (docs/deployment.md has the table): under
/// <c>taskset -c 0</c>, a step of 8 → 64 + 4 took 33,000–34,000 ns for the first two seconds with everything
/// tiered, 50–65 × the optimised time; 975–1,075 ns with the vector loops optimised at once; 660–880 ns with the
/// drivers too. Once warm, the interleaved runner measured 0.89–1.00 of the earlier build's time at 256 bits and
/// 0.96–1.02 at 128 for the loops (21 rounds), and 0.81–1.04 for the drivers (16 → 16 at 0.81 and 0.91, a shape
/// whose <c>Step</c> is bimodal from process to process; <c>Run</c>'s 1.11 and 1.12 measured 1.02 and 0.98 in 16
/// alternating processes). What it gives up: the first call compiles more (16 → 16's first step took ~29 ms instead
/// of ~12); these methods are not precompiled by ReadyToRun (GruTiny's instantiations over a user's layer types
/// would not be anyway); dynamic PGO does not profile them (no block counts or devirtualisation from profile data:
/// the warm ratios above show no loss from it). The statics they read (the aligned weights' addresses,
/// <c>ContiguousChecked</c>) are mutable, so tier 1 had no constant to fold from them either. Native AOT compiles
/// everything ahead of time and ignores it. The listings <c>bench -- jit-check</c> reads (tiering off) are this
/// code.</para>
/// <para>Generated <c>Step</c>, <c>Run</c> and <c>RunFinal</c> are left to tiered compilation: marked the same way,
/// 16 → 16's first two seconds on one CPU took 86–143 ns a step instead of 200–230, but once warm its step took
/// 1.07–1.13 of the time (alternating processes and the interleaved runner), because without profile data the JIT
/// no longer inlined <c>__GruTiny_Advance</c> and the single-step driver into <c>Step</c> as tier 1 does
/// (<c>DOTNET_JitDisasm</c>). Not tried: forcing those two inlines.</para>
/// </remarks>
internal static class KernelRoot
{
    /// <summary>Loops over weights: roots of their own, optimised from the first call.</summary>
    public const MethodImplOptions Options = MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization;

    /// <summary>The rest of the per-step path: optimised from the first call, inlined where the JIT chooses.</summary>
    public const MethodImplOptions StepPathOptions = MethodImplOptions.AggressiveOptimization;
}
