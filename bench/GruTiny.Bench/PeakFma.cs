using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace GruTiny.Bench;

/// <summary>
/// The core's Vector128 multiply-add throughput: 12 independent accumulators (more than the FMA latency ×
/// ports), no calls in the loop. One invocation is 1,000,000 × 12 × 4 = 48 million multiply-adds; the report's
/// time per operation gives GMAC/s = 4 × 12 / ns.
/// </summary>
public class PeakFma
{
    private const int Iterations = 1_000_000;

    [Benchmark(OperationsPerInvoke = Iterations)]
    public float Vector128MultiplyAdd() => Loop(Vector128.Create(0.999f), Vector128.Create(0.001f));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Loop(Vector128<float> a, Vector128<float> b)
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
}
