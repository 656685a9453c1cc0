using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GruTiny.Kernels;

/// <summary>
/// The element-wise functions of the kernels, on <see cref="Vector128{T}"/> and on scalars.
/// </summary>
/// <remarks>
/// Built from IEEE operations only (add, multiply, divide, floor, integer shifts): no reciprocal or rsqrt
/// estimate instructions, whose precision differs between x64 and ARM64. Everything is aggressively inlined so
/// that vector accumulators that are live around these calls are never spilled. NaN inputs give NaN outputs.
/// </remarks>
internal static class VectorMath
{
    /// <summary>a × b + c, fused where the hardware has FMA (x64 with FMA, ARM64), otherwise multiply then add.</summary>
    /// <remarks>
    /// <c>Vector128.FusedMultiplyAdd</c> would fall back to a software emulation ~45× slower on x64 without FMA
    /// (e.g. a Native AOT build without an instruction-set option); the estimate never does.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        Vector128.MultiplyAddEstimate(a, b, c);

    /// <summary>e^x, within ~2 ulp over the range where e^x is a normal float; saturates outside it.</summary>
    /// <remarks>Cody–Waite range reduction x = n·ln2 + r and Cephes' degree-6 polynomial for e^r.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        x = Vector128.Min(Vector128.Max(x, Vector128.Create(-87f)), Vector128.Create(88f));
        Vector128<float> n = Vector128.Floor(x * Vector128.Create(1.44269504088896341f) + Vector128.Create(0.5f));
        Vector128<float> r = x - n * Vector128.Create(0.693359375f);
        r -= n * Vector128.Create(-2.12194440e-4f);

        Vector128<float> p = Vector128.Create(1.9875691500e-4f);
        p = p * r + Vector128.Create(1.3981999507e-3f);
        p = p * r + Vector128.Create(8.3334519073e-3f);
        p = p * r + Vector128.Create(4.1665795894e-2f);
        p = p * r + Vector128.Create(1.6666665459e-1f);
        p = p * r + Vector128.Create(5.0000001201e-1f);
        p = p * (r * r) + r + Vector128<float>.One;

        Vector128<int> exponent = (Vector128.ConvertToInt32(n) + Vector128.Create(127)) << 23;
        return p * exponent.AsSingle();
    }

    /// <summary>1 / (1 + e^−x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x) =>
        Vector128<float>.One / (Vector128<float>.One + Exp(-x));

    /// <summary>tanh x: an odd polynomial below |x| = 0.625 (where 1 − 2/(e^2x + 1) would cancel), that formula above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x)
    {
        Vector128<float> ax = Vector128.Abs(x);
        Vector128<float> large = Vector128<float>.One -
            Vector128.Create(2f) / (Exp(ax + ax) + Vector128<float>.One);
        large |= x & Vector128.Create(-0f); // copy the sign of x

        Vector128<float> x2 = x * x;
        Vector128<float> p = Vector128.Create(-5.70498872745e-3f);
        p = p * x2 + Vector128.Create(2.06390887954e-2f);
        p = p * x2 + Vector128.Create(-5.37397155531e-2f);
        p = p * x2 + Vector128.Create(1.33314422036e-1f);
        p = p * x2 + Vector128.Create(-3.33332819422e-1f);
        Vector128<float> small = p * x2 * x + x;

        return Vector128.ConditionalSelect(Vector128.LessThan(ax, Vector128.Create(0.625f)), small, large);
    }

    /// <summary>Scalar 1 / (1 + e^−x), for the path without hardware vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));

    /// <summary>Scalar tanh, for the path without hardware vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => MathF.Tanh(x);
}
