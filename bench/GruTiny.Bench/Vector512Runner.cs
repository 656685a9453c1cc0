using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using GruTiny.Kernels.Simd;

namespace GruTiny.Bench;

/// <summary>
/// <c>-- vector512 [rounds]</c>: whether <see cref="Vector512{T}"/> raises either ceiling the <see cref="Vector256{T}"/>
/// kernels are bound by on this core, measured before building a path. The two loops, at both widths,
/// interleaved round by round in one process: <see cref="PeakFma"/>'s multiply-adds in registers, and
/// <see cref="StreamFma"/>'s one multiply-add per weight read over buffers of 16 KB (in L1) and of the float32 weights
/// the benchmark shapes read per step (8 → 64 + 4, 64 → 64 and 16 → 128 + 16 from L2; 32 → 256 × 2 + 1 from L3). Prints
/// GMAC/s at each width and the median of the per-round ratios of throughput, 512 / 256 (above 1: 512 bits faster).
/// These are the two ceilings of the kernels, not the kernels: what wider vectors would save in the rest of a step
/// (fewer instructions for the gate functions and the loops) is not measured here.
/// </summary>
internal static class Vector512Runner
{
    public static int Run(int rounds)
    {
        if (rounds < 1)
        {
            Console.Error.WriteLine("vector512: rounds must be at least 1.");
            return 2;
        }

        if (!Avx512F.IsSupported)
        {
            Console.Error.WriteLine("vector512: this CPU (or DOTNET_EnableAVX512F=0) has no AVX-512: nothing to compare.");
            return 1;
        }

        Console.WriteLine($"vector512: {rounds} rounds; {Cpu()}; Vector512.IsHardwareAccelerated = {Vector512.IsHardwareAccelerated} (the JIT's default choice on this CPU)");
        Console.WriteLine("| loop | Vector256 GMAC/s | Vector512 GMAC/s | GMAC/s 512 / 256 (quartiles) |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        Report("multiply-adds in registers (PeakFma)", rounds, Peak256, 12.0 * PeakFma.Iterations * 8, Peak512, 12.0 * PeakFma.Iterations * 16);
        // KB: L1; then MAC/step × 4 bytes of 8 → 64 + 4, 64 → 64, 16 → 128 + 16 and 32 → 256 × 2 + 1 (RESULTS.md).
        foreach (int kilobytes in new[] { 16, 55, 96, 224, 2401 })
        {
            int floats = kilobytes * 1024 / sizeof(float) / 192 * 192; // whole groups of 12 Vector512s (24 Vector256s)
            unsafe
            {
                float* weights = (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
                try
                {
                    for (int i = 0; i < floats; i++) weights[i] = 1e-3f * (i % 13);
                    nint at = (nint)weights;
                    Report($"{kilobytes} KB, one multiply-add per float read (StreamFma)", rounds,
                        () => Stream256((float*)at, floats), floats, () => Stream512((float*)at, floats), floats);
                }
                finally
                {
                    NativeMemory.AlignedFree(weights);
                }
            }
        }

        return 0;
    }

    // The CPU's family and model as CPUID leaf 1 gives them (AMD family 25 is Zen 3 and Zen 4, 26 Zen 5).
    private static string Cpu()
    {
        if (!X86Base.IsSupported) return "not x86";
        int eax = X86Base.CpuId(1, 0).Eax;
        int family = (eax >> 8) & 0xF, model = (eax >> 4) & 0xF;
        if (family == 0xF) family += (eax >> 20) & 0xFF;
        if (family >= 6) model += ((eax >> 16) & 0xF) << 4;
        return $"CPU family {family}, model {model}";
    }

    private static float Peak256() => PeakFma.Loop256(Vector256.Create(0.999f), Vector256.Create(0.001f));

    private static float Peak512() => PeakFma.Loop512(Vector512.Create(0.999f), Vector512.Create(0.001f));

    private static unsafe float Stream256(float* weights, int floats) =>
        Vector256.Sum(StreamFma.Stream<Simd256, Vector256<float>>(ref *weights, floats / 96));

    // StreamFma.Stream's loop at 512 bits (no ISimd for Vector512: no kernel uses it).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe float Stream512(float* w, int floats)
    {
        Vector512<float> x = Vector512.Create(0.5f);
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default,
            c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (float* end = w + floats; w < end; w += 192)
        {
            c0 = Vector512.FusedMultiplyAdd(Vector512.Load(w), x, c0); c1 = Vector512.FusedMultiplyAdd(Vector512.Load(w + 16), x, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Load(w + 32), x, c2); c3 = Vector512.FusedMultiplyAdd(Vector512.Load(w + 48), x, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Load(w + 64), x, c4); c5 = Vector512.FusedMultiplyAdd(Vector512.Load(w + 80), x, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Load(w + 96), x, c6); c7 = Vector512.FusedMultiplyAdd(Vector512.Load(w + 112), x, c7);
            c8 = Vector512.FusedMultiplyAdd(Vector512.Load(w + 128), x, c8); c9 = Vector512.FusedMultiplyAdd(Vector512.Load(w + 144), x, c9);
            c10 = Vector512.FusedMultiplyAdd(Vector512.Load(w + 160), x, c10); c11 = Vector512.FusedMultiplyAdd(Vector512.Load(w + 176), x, c11);
        }

        return Vector512.Sum(((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11)));
    }

    // Each round times both widths for ≥ 5 ms each, in alternating order; the ratio is per round. macs: multiply-adds
    // of one call (a float32 lane each).
    private static void Report(string loop, int rounds, Func<float> wide256, double macs256, Func<float> wide512, double macs512)
    {
        long calls256 = Calibrate(wide256), calls512 = Calibrate(wide512);
        var gmacs256 = new double[rounds];
        var gmacs512 = new double[rounds];
        for (int r = 0; r < rounds; r++)
        {
            if (r % 2 == 0) { gmacs256[r] = macs256 / Time(wide256, calls256); gmacs512[r] = macs512 / Time(wide512, calls512); }
            else { gmacs512[r] = macs512 / Time(wide512, calls512); gmacs256[r] = macs256 / Time(wide256, calls256); }
        }

        double[] ratios = gmacs512.Zip(gmacs256, (a, b) => a / b).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {loop} | {Median(gmacs256):F1} | {Median(gmacs512):F1} | **{Median(ratios):F2}** ({ratios[rounds / 4]:F2}–{ratios[3 * rounds / 4]:F2}) |"));
    }

    private static long Calibrate(Func<float> call)
    {
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 300) call();
        long calls = 1;
        while (Time(call, calls) * calls < 5e6) calls *= 2; // Time is per call
        return calls;
    }

    private static double Time(Func<float> call, long calls)
    {
        float sink = 0;
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < calls; i++) sink += call();
        double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls;
        GC.KeepAlive(sink);
        return ns;
    }

    private static double Median(double[] values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
