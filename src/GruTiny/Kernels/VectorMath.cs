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
    /// One division, nine multiply-adds and two multiplies (three with FMA: x⁴). With fused multiply-adds P and Q are
    /// evaluated side by side by Estrin's scheme, three and two multiply-adds deep after x² and x⁴ instead of Horner's five and four,
    /// which measured 0.96–0.98 of the time of a step of the latency-bound shapes (8 → 64 + 4, 1 → 32 × 2 + 1) at both
    /// widths. (x·P as P's last multiply-add, on x·x⁴ and x·(p0 + p1 x²), is 3 cycles shorter before the division
    /// but one multiply more: 0.96–1.04 of the time, no clear gain, not kept; bench/RESULTS.md, "Per change".)
    /// Without them (x64 without FMA) it is Horner's: there Estrin's order
    /// rounded the fraction one float below 1 at |x| = 9, so tanh never reached ±1 and saturated states drifted
    /// (1.2e-5 from the interpreter's in 200 steps of a reference model). It replaced an exp-based form (a
    /// Cody–Waite exp, a division, and an odd polynomial below |x| = 0.625 where 1 − 2/(e^2x + 1) cancels, both
    /// computed for every lane), which cost about three times the instructions and twice the latency of a gate
    /// on the critical path of a step. The last clamp: between |x| ≈ 8.3 and 9 the fraction rounds one float
    /// above 1.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Tanh(TVector x) => TanhOf(x, half: false);

    /// <summary>
    /// tanh(x/2), for a GRU's combine where the JIT has 16 vector registers (GruLayerKernel says why only there):
    /// <see cref="Tanh"/> with its coefficients scaled by powers of two (the bound 18, p_i/(2·4^i), q_i/4^i) instead of
    /// x halved first, so the same float results (scaling by a power of two commutes with rounding where nothing is
    /// subnormal, and subnormal terms are too small to change what they are added to) one multiply sooner.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector TanhOfHalf(TVector x) => TanhOf(x, half: true);

    // `half` is a constant at every call site, so each instantiation keeps one set of constants.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector TanhOf(TVector x, bool half)
    {
        TVector one = TSimd.Create(1f), minusOne = TSimd.Create(-1f);
        TVector p0 = half ? TSimd.Create(0.5f) : one;
        x = half ? TSimd.Clamp(x, TSimd.Create(-18f), TSimd.Create(18f)) : TSimd.Clamp(x, TSimd.Create(-9f), TSimd.Create(9f));
        TVector t = TSimd.Multiply(x, x), p, q;
        // Tested as the intrinsics themselves, which the JIT folds while importing: the branch not taken is never
        // imported, and its calls never count against the inlining budget of the kernel that inlines this (tested as
        // a property of TSimd it did, and the 128-bit recurrence's last gates became calls: 1.5-1.7x the time).
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported)
        {
            // Estrin's scheme: P = (p0 + p1 t) + t²((p2 + p3 t) + t²(p4 + p5 t)), Q = (q0 + q1 t) + t²((q2 + q3 t) + t² q4).
            TVector t2 = TSimd.Multiply(t, t);
            p = TSimd.MultiplyAdd(C(P5, P5H, half), t, C(P4, P4H, half));
            p = TSimd.MultiplyAdd(p, t2, TSimd.MultiplyAdd(C(P3, P3H, half), t, C(P2, P2H, half)));
            p = TSimd.Multiply(x, TSimd.MultiplyAdd(p, t2, TSimd.MultiplyAdd(C(P1, P1H, half), t, p0)));
            q = TSimd.MultiplyAdd(C(Q4, Q4H, half), t2, TSimd.MultiplyAdd(C(Q3, Q3H, half), t, C(Q2, Q2H, half)));
            q = TSimd.MultiplyAdd(q, t2, TSimd.MultiplyAdd(C(Q1, Q1H, half), t, one));
        }
        else
        {
            // Horner's: multiplied and added apart, Estrin's order left the fraction one float below 1 at |x| = 9.
            p = C(P5, P5H, half);
            p = TSimd.MultiplyAdd(p, t, C(P4, P4H, half));
            p = TSimd.MultiplyAdd(p, t, C(P3, P3H, half));
            p = TSimd.MultiplyAdd(p, t, C(P2, P2H, half));
            p = TSimd.MultiplyAdd(p, t, C(P1, P1H, half));
            p = TSimd.Multiply(x, TSimd.MultiplyAdd(p, t, p0));
            q = C(Q4, Q4H, half);
            q = TSimd.MultiplyAdd(q, t, C(Q3, Q3H, half));
            q = TSimd.MultiplyAdd(q, t, C(Q2, Q2H, half));
            q = TSimd.MultiplyAdd(q, t, C(Q1, Q1H, half));
            q = TSimd.MultiplyAdd(q, t, one);
        }

        return TSimd.Clamp(TSimd.Divide(p, q), minusOne, one); // p is x·P
    }

    // tanh(x/2)'s coefficients: x/2 in t = x² is t/4, and x/2 times P halves P.
    private const float P1H = P1 / 8f, P2H = P2 / 32f, P3H = P3 / 128f, P4H = P4 / 512f, P5H = P5 / 2048f;
    private const float Q1H = Q1 / 4f, Q2H = Q2 / 16f, Q3H = Q3 / 64f, Q4H = Q4 / 256f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector C(float whole, float forHalf, bool half) => TSimd.Create(half ? forHalf : whole);

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
