using System;
using System.Runtime.CompilerServices;
using GruTiny.Kernels.Simd;

namespace GruTiny.Kernels;

/// <summary>
/// The element-wise functions of the kernels, written once for every vector width (<see cref="ISimd{TVector}"/>).
/// </summary>
/// <remarks>
/// Built from IEEE operations only (add, multiply, divide, min/max), all of them in SSE2 on
/// x64: no reciprocal or rsqrt estimate instructions, whose precision differs between x64 and ARM64. Everything
/// is aggressively inlined so that vector accumulators that are live around these calls are never spilled.
/// NaN inputs give NaN outputs.
/// </remarks>
internal static class VectorMath<TSimd, TVector>
    where TSimd : struct, ISimd<TVector>
    where TVector : struct
{
    /// <summary>
    /// tanh x = x·P(x²)/Q(x²) on x clamped to [−9, 9] (beyond which tanh x rounds to ±1 in float), P of degree 5 and
    /// Q of degree 4 in x² (tools/fit_tanh.py fits them): within 3e-7 of tanh everywhere (tested), exactly ±1 far
    /// out, NaN for NaN.
    /// </summary>
    /// <remarks>
    /// One division and nine multiply-adds in two independent chains (P and Q): it replaced an exp-based form (a
    /// Cody–Waite exp, a division, and an odd polynomial below |x| = 0.625 where 1 − 2/(e^2x + 1) cancels, both
    /// computed for every lane), which cost about three times the instructions and twice the latency of a gate
    /// on the critical path of a step.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Tanh(TVector x)
    {
        x = TSimd.Clamp(x, TSimd.Create(-9f), TSimd.Create(9f));
        TVector t = TSimd.Multiply(x, x);
        TVector p = TSimd.Create(-1.2245759961615477e-11f);
        p = TSimd.MultiplyAdd(p, t, TSimd.Create(3.064189613155577e-08f));
        p = TSimd.MultiplyAdd(p, t, TSimd.Create(2.803105780913029e-05f));
        p = TSimd.MultiplyAdd(p, t, TSimd.Create(0.0038694958202540874f));
        p = TSimd.MultiplyAdd(p, t, TSimd.Create(0.13680846989154816f));
        p = TSimd.MultiplyAdd(p, t, TSimd.Create(1f));
        TVector q = TSimd.Create(1.2890170637547271e-06f);
        q = TSimd.MultiplyAdd(q, t, TSimd.Create(0.00039406915311701596f));
        q = TSimd.MultiplyAdd(q, t, TSimd.Create(0.02725011296570301f));
        q = TSimd.MultiplyAdd(q, t, TSimd.Create(0.47014179825782776f));
        q = TSimd.MultiplyAdd(q, t, TSimd.Create(1f));
        return TSimd.Divide(TSimd.Multiply(x, p), q);
    }

    /// <summary>1 / (1 + e^−x) = ½ + ½ tanh(x/2): within 1.5e-7 (tested); exactly 0 below −18 and 1 above 18.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Sigmoid(TVector x)
    {
        TVector half = TSimd.Create(0.5f);
        return TSimd.MultiplyAdd(Tanh(TSimd.Multiply(x, half)), half, half);
    }
}

/// <summary>The scalar forms, for the path without hardware vectors.</summary>
internal static class ScalarMath
{
    /// <summary>1 / (1 + e^−x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>tanh x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => MathF.Tanh(x);
}
