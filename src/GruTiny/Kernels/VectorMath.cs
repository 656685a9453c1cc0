using System;
using System.Runtime.CompilerServices;
using GruTiny.Kernels.Simd;

namespace GruTiny.Kernels;

/// <summary>
/// The element-wise functions of the kernels, written once for every vector width (<see cref="ISimd{TVector}"/>).
/// </summary>
/// <remarks>
/// Built from IEEE operations only (add, multiply, divide, min/max, integer shifts), all of them in SSE2 on
/// x64: no reciprocal or rsqrt estimate instructions, whose precision differs between x64 and ARM64. Everything
/// is aggressively inlined so that vector accumulators that are live around these calls are never spilled.
/// NaN inputs give NaN outputs.
/// </remarks>
internal static class VectorMath<TSimd, TVector>
    where TSimd : struct, ISimd<TVector>
    where TVector : struct
{
    // tanh's P (p0 = 1) and Q (q0 = 1) in x², from tools/fit_tanh.py.
    private const float P1 = 0.13680846989154816f, P2 = 0.0038694958202540874f, P3 = 2.803105780913029e-05f, P4 = 3.064189613155577e-08f, P5 = -1.2245759961615477e-11f;
    private const float Q1 = 0.47014179825782776f, Q2 = 0.02725011296570301f, Q3 = 0.00039406915311701596f, Q4 = 1.2890170637547271e-06f;

    /// <summary>
    /// tanh x = x·P(x²)/Q(x²) on x clamped to [−9, 9] (beyond which tanh x rounds to ±1 in float), P of degree 5 and
    /// Q of degree 4 in x² (tools/fit_tanh.py fits them), the result clamped to [−1, 1]: within 3e-7 of tanh
    /// everywhere, relative to its value near 0 (tested), exactly ±1 far out, never beyond, NaN for NaN.
    /// </summary>
    /// <remarks>
    /// One division, nine multiply-adds and two multiplies. With fused multiply-adds P and Q are evaluated side by
    /// side by Estrin's scheme, three and two multiply-adds deep after x² and x⁴ instead of Horner's five and four,
    /// which measured 0.96–0.98 of the time of a step of the latency-bound shapes (8 → 64 + 4, 1 → 32 × 2 + 1) at both
    /// widths. Without them (x64 without FMA) it is Horner's: there Estrin's order rounded the fraction one float
    /// below 1 at |x| = 9, so tanh never reached ±1 and saturated states drifted (1.2e-5 from the interpreter's in
    /// 200 steps of a reference model). It replaced an exp-based form (a
    /// Cody–Waite exp, a division, and an odd polynomial below |x| = 0.625 where 1 − 2/(e^2x + 1) cancels, both
    /// computed for every lane), which cost about three times the instructions and twice the latency of a gate
    /// on the critical path of a step. The last clamp: between |x| ≈ 8.3 and 9 the fraction rounds one float
    /// above 1.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Tanh(TVector x)
    {
        TVector one = TSimd.Create(1f), minusOne = TSimd.Create(-1f);
        x = TSimd.Clamp(x, TSimd.Create(-9f), TSimd.Create(9f));
        TVector t = TSimd.Multiply(x, x), p, q;
        // Tested as the intrinsics themselves, which the JIT folds while importing: the branch not taken is never
        // imported, and its calls never count against the inlining budget of the kernel that inlines this (tested as
        // a property of TSimd it did, and the 128-bit recurrence's last gates became calls: 1.5-1.7x the time).
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported)
        {
            // Estrin's scheme: P = (p0 + p1 t) + t²((p2 + p3 t) + t²(p4 + p5 t)), Q = (q0 + q1 t) + t²((q2 + q3 t) + t² q4).
            TVector t2 = TSimd.Multiply(t, t);
            p = TSimd.MultiplyAdd(TSimd.Create(P5), t, TSimd.Create(P4));
            p = TSimd.MultiplyAdd(p, t2, TSimd.MultiplyAdd(TSimd.Create(P3), t, TSimd.Create(P2)));
            p = TSimd.MultiplyAdd(p, t2, TSimd.MultiplyAdd(TSimd.Create(P1), t, one));
            q = TSimd.MultiplyAdd(TSimd.Create(Q4), t2, TSimd.MultiplyAdd(TSimd.Create(Q3), t, TSimd.Create(Q2)));
            q = TSimd.MultiplyAdd(q, t2, TSimd.MultiplyAdd(TSimd.Create(Q1), t, one));
        }
        else
        {
            // Horner's: multiplied and added apart, Estrin's order left the fraction one float below 1 at |x| = 9.
            p = TSimd.Create(P5);
            p = TSimd.MultiplyAdd(p, t, TSimd.Create(P4));
            p = TSimd.MultiplyAdd(p, t, TSimd.Create(P3));
            p = TSimd.MultiplyAdd(p, t, TSimd.Create(P2));
            p = TSimd.MultiplyAdd(p, t, TSimd.Create(P1));
            p = TSimd.MultiplyAdd(p, t, one);
            q = TSimd.Create(Q4);
            q = TSimd.MultiplyAdd(q, t, TSimd.Create(Q3));
            q = TSimd.MultiplyAdd(q, t, TSimd.Create(Q2));
            q = TSimd.MultiplyAdd(q, t, TSimd.Create(Q1));
            q = TSimd.MultiplyAdd(q, t, one);
        }

        return TSimd.Clamp(TSimd.Divide(TSimd.Multiply(x, p), q), minusOne, one);
    }

    /// <summary>
    /// The sigmoid of a GRU gate: ½ + ½ tanh(x/2), within 2e-7 of 1 / (1 + e^−x) (tested), in [0, 1], exactly 0
    /// below −18 and 1 above 18.
    /// </summary>
    /// <remarks>
    /// Accurate in absolute terms only: near 0 its relative error grows (about 20% at x = −15, where the sigmoid is
    /// 3e-7). A gate only scales values of magnitude up to about 1, so that is all it needs, and it costs half the
    /// instructions of <see cref="Sigmoid"/>. A dense layer's sigmoid may be a probability whose small values
    /// matter, so it takes <see cref="Sigmoid"/>.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector GateSigmoid(TVector x)
    {
        TVector half = TSimd.Create(0.5f);
        return TSimd.MultiplyAdd(Tanh(TSimd.Multiply(x, half)), half, half);
    }

    /// <summary>1 / (1 + e^−x), accurate relative to its value (within ~4 ulp, tested) down to where it underflows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Sigmoid(TVector x)
    {
        TVector one = TSimd.Create(1f);
        return TSimd.Divide(one, TSimd.Add(one, Exp(TSimd.Subtract(default, x))));
    }

    /// <summary>e^x, within ~2 ulp over the range where e^x is a normal float; saturates outside it.</summary>
    /// <remarks>Cody–Waite range reduction x = n·ln2 + r and Cephes' degree-6 polynomial for e^r.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Exp(TVector x)
    {
        x = TSimd.Clamp(x, TSimd.Create(-87f), TSimd.Create(88f));
        // n = x·log2 e rounded to the nearest integer by adding and removing 1.5·2^23 (exact for |x·log2 e| < 2^22).
        // Not Floor: without SSE4.1 (a Native AOT build at the default x64 instruction set) Floor is a call per
        // lane, and those calls made the compiler keep every accumulator of the kernels on the stack.
        TVector shifter = TSimd.Create(12582912f);
        TVector n = TSimd.Subtract(TSimd.MultiplyAdd(x, TSimd.Create(1.44269504088896341f), shifter), shifter);
        TVector r = TSimd.MultiplyAdd(n, TSimd.Create(-0.693359375f), x);
        r = TSimd.MultiplyAdd(n, TSimd.Create(2.12194440e-4f), r);

        TVector p = TSimd.Create(1.9875691500e-4f);
        p = TSimd.MultiplyAdd(p, r, TSimd.Create(1.3981999507e-3f));
        p = TSimd.MultiplyAdd(p, r, TSimd.Create(8.3334519073e-3f));
        p = TSimd.MultiplyAdd(p, r, TSimd.Create(4.1665795894e-2f));
        p = TSimd.MultiplyAdd(p, r, TSimd.Create(1.6666665459e-1f));
        p = TSimd.MultiplyAdd(p, r, TSimd.Create(5.0000001201e-1f));
        p = TSimd.Add(TSimd.MultiplyAdd(p, TSimd.Multiply(r, r), r), TSimd.Create(1f));
        return TSimd.Multiply(p, TSimd.Pow2(n));
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

    /// <summary>erf x in float64 (the reference's series), rounded: the scalar path's exact GELU.</summary>
    public static float Erf(float x) => (float)GruTiny.Model.Reference.Erf.Of(x);
}
