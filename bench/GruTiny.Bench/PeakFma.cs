using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace GruTiny.Bench;

/// <summary>
/// The core's multiply-add throughput with Vector128 (what ARM64 NEON and the portable path use) and with
/// Vector256 (what the kernels use on x64 with AVX2): 12 independent accumulators (more than the FMA latency ×
/// ports), no calls in the loop. One invocation is 1,000,000 × 12 vectors; the report's time per operation
/// gives GMAC/s = 12 × lanes / ns (48 / ns for Vector128, 96 / ns for Vector256, 192 / ns for Vector512, which no
/// kernel uses: <see cref="Vector512Runner"/>; without AVX-512 it measures .NET's software fallback).
/// </summary>
public class PeakFma
{
    internal const int Iterations = 1_000_000;

    [Benchmark(OperationsPerInvoke = Iterations)]
    public float Vector128MultiplyAdd() => Loop128(Vector128.Create(0.999f), Vector128.Create(0.001f));

    [Benchmark(OperationsPerInvoke = Iterations)]
    public float Vector256MultiplyAdd() => Loop256(Vector256.Create(0.999f), Vector256.Create(0.001f));

    /// <summary>Vector512 (AVX-512), which no kernel uses: Vector512Runner compares it with Vector256.</summary>
    [Benchmark(OperationsPerInvoke = Iterations)]
    public float Vector512MultiplyAdd() => Loop512(Vector512.Create(0.999f), Vector512.Create(0.001f));

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static float Loop128(Vector128<float> a, Vector128<float> b)
    {
        Vector128<float> c0 = Vector128.Create(0.1f), c1 = c0 + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b,
            c6 = c5 + b, c7 = c6 + b, c8 = c7 + b, c9 = c8 + b, c10 = c9 + b, c11 = c10 + b;
        for (int i = 0; i < Iterations; i++)
        {
            c0 = Vector128.MultiplyAddEstimate(c0, a, b); c1 = Vector128.MultiplyAddEstimate(c1, a, b);
            c2 = Vector128.MultiplyAddEstimate(c2, a, b); c3 = Vector128.MultiplyAddEstimate(c3, a, b);
            c4 = Vector128.MultiplyAddEstimate(c4, a, b); c5 = Vector128.MultiplyAddEstimate(c5, a, b);
            c6 = Vector128.MultiplyAddEstimate(c6, a, b); c7 = Vector128.MultiplyAddEstimate(c7, a, b);
            c8 = Vector128.MultiplyAddEstimate(c8, a, b); c9 = Vector128.MultiplyAddEstimate(c9, a, b);
            c10 = Vector128.MultiplyAddEstimate(c10, a, b); c11 = Vector128.MultiplyAddEstimate(c11, a, b);
        }

        return Vector128.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static float Loop256(Vector256<float> a, Vector256<float> b)
    {
        Vector256<float> c0 = Vector256.Create(0.1f), c1 = c0 + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b,
            c6 = c5 + b, c7 = c6 + b, c8 = c7 + b, c9 = c8 + b, c10 = c9 + b, c11 = c10 + b;
        for (int i = 0; i < Iterations; i++)
        {
            c0 = Vector256.MultiplyAddEstimate(c0, a, b); c1 = Vector256.MultiplyAddEstimate(c1, a, b);
            c2 = Vector256.MultiplyAddEstimate(c2, a, b); c3 = Vector256.MultiplyAddEstimate(c3, a, b);
            c4 = Vector256.MultiplyAddEstimate(c4, a, b); c5 = Vector256.MultiplyAddEstimate(c5, a, b);
            c6 = Vector256.MultiplyAddEstimate(c6, a, b); c7 = Vector256.MultiplyAddEstimate(c7, a, b);
            c8 = Vector256.MultiplyAddEstimate(c8, a, b); c9 = Vector256.MultiplyAddEstimate(c9, a, b);
            c10 = Vector256.MultiplyAddEstimate(c10, a, b); c11 = Vector256.MultiplyAddEstimate(c11, a, b);
        }

        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static float Loop512(Vector512<float> a, Vector512<float> b)
    {
        Vector512<float> c0 = Vector512.Create(0.1f), c1 = c0 + b, c2 = c1 + b, c3 = c2 + b, c4 = c3 + b, c5 = c4 + b,
            c6 = c5 + b, c7 = c6 + b, c8 = c7 + b, c9 = c8 + b, c10 = c9 + b, c11 = c10 + b;
        for (int i = 0; i < Iterations; i++)
        {
            c0 = Vector512.MultiplyAddEstimate(c0, a, b); c1 = Vector512.MultiplyAddEstimate(c1, a, b);
            c2 = Vector512.MultiplyAddEstimate(c2, a, b); c3 = Vector512.MultiplyAddEstimate(c3, a, b);
            c4 = Vector512.MultiplyAddEstimate(c4, a, b); c5 = Vector512.MultiplyAddEstimate(c5, a, b);
            c6 = Vector512.MultiplyAddEstimate(c6, a, b); c7 = Vector512.MultiplyAddEstimate(c7, a, b);
            c8 = Vector512.MultiplyAddEstimate(c8, a, b); c9 = Vector512.MultiplyAddEstimate(c9, a, b);
            c10 = Vector512.MultiplyAddEstimate(c10, a, b); c11 = Vector512.MultiplyAddEstimate(c11, a, b);
        }

        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
