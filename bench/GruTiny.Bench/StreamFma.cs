using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using GruTiny.Kernels.Simd;

namespace GruTiny.Bench;

/// <summary>
/// Multiply-add throughput when every multiply-add reads one weight from memory, as the GRU kernels do: a
/// buffer of <see cref="Kilobytes"/> KB is read front to back, a <see cref="Vector256{T}"/> at a time, into 12
/// independent accumulators (no calls, no gate functions). <see cref="Misalignment"/> 0 is 64-byte aligned, as
/// the kernels' weights are (Kernels/AlignedWeights.cs); 4 is where a string literal's floats lie (4 mod 8).
/// Below the L1 data cache (32 KB on RESULTS.md's Zen 4 core, 48 KB on its Zen 5 core) aligned reads approach <see cref="PeakFma"/>; above it the L2 → L1 bandwidth
/// decides. 12 KB and 49 KB are the recurrent weights of a hidden size of 32 and 64 (8→64+4 reads 57 KB per
/// step in all). GMAC/s = Kilobytes × 256 / ns.
/// </summary>
public class StreamFma
{
    private float[] _buffer = [];
    private int _start;
    private int _groups;

    [Params(12, 24, 40, 49, 57, 96)]
    public int Kilobytes { get; set; }

    [Params(0, 4)]
    public int Misalignment { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _groups = Kilobytes * 256 / 96; // whole groups of 12 vectors
        _buffer = GC.AllocateArray<float>(_groups * 96 + 32, pinned: true);
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(_buffer, 0);
        _start = (int)((64 - address % 64) % 64 + Misalignment) / sizeof(float);
        var random = new Random(1);
        for (int i = 0; i < _buffer.Length; i++) _buffer[i] = (float)random.NextDouble() * 1e-3f;
    }

    /// <summary>One pass over the buffer.</summary>
    [Benchmark]
    public float Pass() => Vector256.Sum(Stream<Simd256, Vector256<float>>(ref _buffer[_start], _groups));

    /// <summary>One pass over <paramref name="groups"/> × 12 vectors of floats, one multiply-add per vector read, 12 chains.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static TVector Stream<TSimd, TVector>(ref float w, int groups) where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        nuint n = (nuint)TSimd.Count;
        TVector x = TSimd.Create(0.5f);
        TVector c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default,
            c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (int g = 0; g < groups; g++)
        {
            c0 = TSimd.MultiplyAdd(TSimd.Load(ref w, 0), x, c0);
            c1 = TSimd.MultiplyAdd(TSimd.Load(ref w, n), x, c1);
            c2 = TSimd.MultiplyAdd(TSimd.Load(ref w, 2 * n), x, c2);
            c3 = TSimd.MultiplyAdd(TSimd.Load(ref w, 3 * n), x, c3);
            c4 = TSimd.MultiplyAdd(TSimd.Load(ref w, 4 * n), x, c4);
            c5 = TSimd.MultiplyAdd(TSimd.Load(ref w, 5 * n), x, c5);
            c6 = TSimd.MultiplyAdd(TSimd.Load(ref w, 6 * n), x, c6);
            c7 = TSimd.MultiplyAdd(TSimd.Load(ref w, 7 * n), x, c7);
            c8 = TSimd.MultiplyAdd(TSimd.Load(ref w, 8 * n), x, c8);
            c9 = TSimd.MultiplyAdd(TSimd.Load(ref w, 9 * n), x, c9);
            c10 = TSimd.MultiplyAdd(TSimd.Load(ref w, 10 * n), x, c10);
            c11 = TSimd.MultiplyAdd(TSimd.Load(ref w, 11 * n), x, c11);
            w = ref Unsafe.Add(ref w, 12 * n);
        }

        return TSimd.Add(TSimd.Add(TSimd.Add(TSimd.Add(c0, c1), TSimd.Add(c2, c3)), TSimd.Add(TSimd.Add(c4, c5), TSimd.Add(c6, c7))),
            TSimd.Add(TSimd.Add(c8, c9), TSimd.Add(c10, c11)));
    }

    /// <summary>
    /// <see cref="Stream{TSimd, TVector}"/> back to front: the same multiply-adds over the same vectors, the last
    /// one read first, so that a pass after a forward one starts on what the forward one read last (what the
    /// kernels' alternating sweeps aim at: GruTiny.Kernels.StripOrder).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static TVector StreamBackward<TSimd, TVector>(ref float w, int groups) where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        nuint n = (nuint)TSimd.Count;
        TVector x = TSimd.Create(0.5f);
        TVector c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default,
            c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        w = ref Unsafe.Add(ref w, (nint)groups * 12 * (nint)n); // one past the end: never before the buffer
        for (int g = 0; g < groups; g++)
        {
            w = ref Unsafe.Subtract(ref w, 12 * n);
            c11 = TSimd.MultiplyAdd(TSimd.Load(ref w, 11 * n), x, c11);
            c10 = TSimd.MultiplyAdd(TSimd.Load(ref w, 10 * n), x, c10);
            c9 = TSimd.MultiplyAdd(TSimd.Load(ref w, 9 * n), x, c9);
            c8 = TSimd.MultiplyAdd(TSimd.Load(ref w, 8 * n), x, c8);
            c7 = TSimd.MultiplyAdd(TSimd.Load(ref w, 7 * n), x, c7);
            c6 = TSimd.MultiplyAdd(TSimd.Load(ref w, 6 * n), x, c6);
            c5 = TSimd.MultiplyAdd(TSimd.Load(ref w, 5 * n), x, c5);
            c4 = TSimd.MultiplyAdd(TSimd.Load(ref w, 4 * n), x, c4);
            c3 = TSimd.MultiplyAdd(TSimd.Load(ref w, 3 * n), x, c3);
            c2 = TSimd.MultiplyAdd(TSimd.Load(ref w, 2 * n), x, c2);
            c1 = TSimd.MultiplyAdd(TSimd.Load(ref w, n), x, c1);
            c0 = TSimd.MultiplyAdd(TSimd.Load(ref w, 0), x, c0);
        }

        return TSimd.Add(TSimd.Add(TSimd.Add(TSimd.Add(c0, c1), TSimd.Add(c2, c3)), TSimd.Add(TSimd.Add(c4, c5), TSimd.Add(c6, c7))),
            TSimd.Add(TSimd.Add(c8, c9), TSimd.Add(c10, c11)));
    }
}
