using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GruTiny.Kernels.Simd;

namespace GruTiny.Kernels;

/// <summary>
/// An activation over rows of values (an activation layer, or a dense layer's activation that
/// <see cref="DenseLayerKernel"/> does not apply itself). Four values at a time with <see cref="Vector128"/>; the
/// scalar path beside it is the oracle the tests hold it to.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
public static class ActivationKernel
{
    /// <summary>outputs[s] = f(inputs[s]) for <paramref name="steps"/> rows of Size values; in place when both are the same rows.</summary>
    public static void Forward<TAct>(ReadOnlySpan<float> inputs, int inputStride, Span<float> outputs, int outputStride, int steps)
        where TAct : IActivationLayer
    {
        int size = TAct.Size;
        if (steps <= 0) return;
        RowChecks.Check(size, inputs, inputStride, outputs, outputStride, steps);
        if (TAct.Kind == ActivationKind.Prelu) RowChecks.CheckVector(TAct.Slopes, size, optional: false, "Slopes");

        for (int s = 0; s < steps; s++)
        {
            ReadOnlySpan<float> x = inputs.Slice(s * inputStride, size);
            Span<float> y = outputs.Slice(s * outputStride, size);
            if (TAct.Kind is ActivationKind.Softmax or ActivationKind.LogSoftmax)
            {
                x.CopyTo(y);
                RowFunctions.Softmax(y, log: TAct.Kind == ActivationKind.LogSoftmax);
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                RowVector<TAct>(x, y);
            }
            else
            {
                for (int j = 0; j < size; j++) y[j] = Scalar<TAct>(x[j], j);
            }
        }
    }

    private static void RowVector<TAct>(ReadOnlySpan<float> x, Span<float> y) where TAct : IActivationLayer
    {
        int size = TAct.Size;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int j = 0;
        for (; j + 4 <= size; j += 4)
            Vector<TAct>(Vector128.LoadUnsafe(ref xr, (nuint)j), j).StoreUnsafe(ref yr, (nuint)j);
        if (j == size) return;

        // The last one to three values go through the same vector code, so every position computes the same way.
        Span<float> tail = stackalloc float[4];
        tail.Clear();
        x.Slice(j).CopyTo(tail);
        Vector128<float> result = Vector<TAct>(Vector128.Create((ReadOnlySpan<float>)tail), j);
        for (int lane = 0; j + lane < size; lane++) Unsafe.Add(ref yr, j + lane) = result.GetElement(lane);
    }

    // f of four values at positions j … j + 3 (prelu reads their slopes; past the row's end it reads slope 0).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Vector<TAct>(Vector128<float> v, int j) where TAct : IActivationLayer
    {
        Vector128<float> zero = Vector128<float>.Zero, one = Vector128.Create(1f), half = Vector128.Create(0.5f);
        switch (TAct.Kind)
        {
            case ActivationKind.Relu: return Vector128.Max(v, zero);
            case ActivationKind.Sigmoid: return VectorMath<Simd128, Vector128<float>>.Sigmoid(v);
            case ActivationKind.Tanh: return VectorMath<Simd128, Vector128<float>>.Tanh(v);
            case ActivationKind.LeakyRelu:
                return Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(v, zero), v, v * Vector128.Create(TAct.Alpha));
            case ActivationKind.Prelu:
                return Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(v, zero), v, v * Slopes<TAct>(j));
            case ActivationKind.Elu:
                Vector128<float> below = Vector128.Create(TAct.Alpha) * (VectorMath<Simd128, Vector128<float>>.Exp(v) - one);
                return Vector128.ConditionalSelect(Vector128.GreaterThan(v, zero), v, below);
            case ActivationKind.Gelu:
                return half * v * TwicePhi(v);
            case ActivationKind.GeluTanh:
                Vector128<float> inner = Vector128.Create(0.7978845608028654f) * (v + Vector128.Create(0.044715f) * v * v * v);
                return half * v * (one + VectorMath<Simd128, Vector128<float>>.Tanh(inner));
            case ActivationKind.Hardtanh:
                return Simd128.Clamp(v, Vector128.Create(TAct.Alpha), Vector128.Create(TAct.Beta));
            case ActivationKind.Hardsigmoid:
                return Simd128.Clamp(Vector128.Create(TAct.Alpha) * v + Vector128.Create(TAct.Beta), zero, one);
            case ActivationKind.Silu:
                return v * VectorMath<Simd128, Vector128<float>>.Sigmoid(v);
            case ActivationKind.Softsign:
                return v / (one + Vector128.Abs(v));
            default:
                return v;
        }
    }

    // 2·Φ(x) = 1 + erf(x/√2) by Abramowitz and Stegun 7.1.26 (|error of erf| ≤ 1.5e-7): with a = |x|/√2 and
    // t = 1/(1 + p·a), q = t·P(t)·e^(−a²) = 1 − erf a, and 2·Φ(x) is 2 − q for x ≥ 0 and q below, so the left tail,
    // where GELU is small, is computed without cancelling 1 against erf.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> TwicePhi(Vector128<float> x)
    {
        Vector128<float> a = Vector128.Abs(x) * Vector128.Create(0.70710678118654752f);
        Vector128<float> t = Vector128.Create(1f) / (Vector128.Create(1f) + Vector128.Create(0.3275911f) * a);
        Vector128<float> p = Vector128.Create(1.061405429f);
        p = p * t + Vector128.Create(-1.453152027f);
        p = p * t + Vector128.Create(1.421413741f);
        p = p * t + Vector128.Create(-0.284496736f);
        p = p * t + Vector128.Create(0.254829592f);
        Vector128<float> q = p * t * VectorMath<Simd128, Vector128<float>>.Exp(Vector128<float>.Zero - a * a);
        return Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(x, Vector128<float>.Zero), Vector128.Create(2f) - q, q);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Slopes<TAct>(int j) where TAct : IActivationLayer
    {
        ReadOnlySpan<float> slopes = TAct.Slopes;
        return j + 4 <= slopes.Length
            ? Vector128.Create(slopes.Slice(j, 4))
            : Vector128.Create(At(slopes, j), At(slopes, j + 1), At(slopes, j + 2), At(slopes, j + 3));

        static float At(ReadOnlySpan<float> s, int i) => i < s.Length ? s[i] : 0f;
    }

    /// <summary>The scalar oracle: f of the value at position <paramref name="j"/> of a row.</summary>
    internal static float Scalar<TAct>(float x, int j) where TAct : IActivationLayer => TAct.Kind switch
    {
        ActivationKind.Relu => x > 0f || float.IsNaN(x) ? x : 0f,
        ActivationKind.Sigmoid => ScalarMath.Sigmoid(x),
        ActivationKind.Tanh => ScalarMath.Tanh(x),
        ActivationKind.LeakyRelu => x >= 0f || float.IsNaN(x) ? x : TAct.Alpha * x,
        ActivationKind.Prelu => x >= 0f || float.IsNaN(x) ? x : TAct.Slopes[j] * x,
        ActivationKind.Elu => x > 0f || float.IsNaN(x) ? x : TAct.Alpha * (MathF.Exp(x) - 1f),
        ActivationKind.Gelu => 0.5f * x * (1f + ScalarMath.Erf(x * 0.70710678118654752f)),
        ActivationKind.GeluTanh => 0.5f * x * (1f + MathF.Tanh(0.7978845608028654f * (x + 0.044715f * x * x * x))),
        ActivationKind.Hardtanh => float.IsNaN(x) ? x : Math.Min(Math.Max(x, TAct.Alpha), TAct.Beta),
        ActivationKind.Hardsigmoid => Hardsigmoid(TAct.Alpha * x + TAct.Beta),
        ActivationKind.Silu => x * ScalarMath.Sigmoid(x),
        ActivationKind.Softsign => x / (1f + Math.Abs(x)),
        _ => x,
    };

    private static float Hardsigmoid(float h) => float.IsNaN(h) ? h : Math.Min(Math.Max(h, 0f), 1f);
}
