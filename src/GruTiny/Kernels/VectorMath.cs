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

    /// <summary>1 / (1 + e^−x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Sigmoid(TVector x)
    {
        TVector one = TSimd.Create(1f);
        return TSimd.Divide(one, TSimd.Add(one, Exp(TSimd.Subtract(default, x))));
    }

    /// <summary>tanh x: an odd polynomial below |x| = 0.625 (where 1 − 2/(e^2x + 1) would cancel), that formula above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Tanh(TVector x)
    {
        TVector one = TSimd.Create(1f);
        TVector ax = TSimd.Abs(x);
        TVector large = TSimd.Subtract(one, TSimd.Divide(TSimd.Create(2f), TSimd.Add(Exp(TSimd.Add(ax, ax)), one)));

        TVector x2 = TSimd.Multiply(x, x);
        TVector p = TSimd.Create(-5.70498872745e-3f);
        p = TSimd.MultiplyAdd(p, x2, TSimd.Create(2.06390887954e-2f));
        p = TSimd.MultiplyAdd(p, x2, TSimd.Create(-5.37397155531e-2f));
        p = TSimd.MultiplyAdd(p, x2, TSimd.Create(1.33314422036e-1f));
        p = TSimd.MultiplyAdd(p, x2, TSimd.Create(-3.33332819422e-1f));
        TVector small = TSimd.MultiplyAdd(TSimd.Multiply(p, x2), x, x);

        return TSimd.SelectWhereLess(ax, TSimd.Create(0.625f), small, TSimd.WithSignOf(large, x));
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
