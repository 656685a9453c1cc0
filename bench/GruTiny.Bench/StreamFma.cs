using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace GruTiny.Bench;

/// <summary>
/// Multiply-add throughput when every multiply-add reads one weight from memory, as the GRU kernels do: a
/// buffer of <see cref="Kilobytes"/> KB is read front to back, a <see cref="Vector256{T}"/> at a time, into 12
/// independent accumulators (no calls, no gate functions). <see cref="Misalignment"/> 0 is 64-byte aligned, as
/// the kernels' weights are (Kernels/AlignedWeights.cs); 4 is where a string literal's floats lie (4 mod 8).
/// Below the 48 KB L1 data cache aligned reads approach <see cref="PeakFma"/>; above it the L2 → L1 bandwidth
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
    public float Pass() => Stream256(ref _buffer[_start], _groups);

    /// <summary>One pass over <paramref name="groups"/> × 96 floats, 12 <see cref="Vector256{T}"/> multiply-adds a group.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static float Stream256(ref float w, int groups)
    {
        Vector256<float> x = Vector256.Create(0.5f);
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default,
            c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (int g = 0; g < groups; g++)
        {
            c0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w, 0), x, c0);
            c1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w, 8), x, c1);
            c2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w, 16), x, c2);
            c3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w, 24), x, c3);
            c4 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w, 32), x, c4);
            c5 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w, 40), x, c5);
            c6 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w, 48), x, c6);
            c7 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w, 56), x, c7);
            c8 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w, 64), x, c8);
            c9 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w, 72), x, c9);
            c10 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w, 80), x, c10);
            c11 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref w, 88), x, c11);
            w = ref Unsafe.Add(ref w, 96);
        }

        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    /// <summary>The same with <see cref="Vector128{T}"/>: one pass over <paramref name="groups"/> × 48 floats.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static float Stream128(ref float w, int groups)
    {
        Vector128<float> x = Vector128.Create(0.5f);
        Vector128<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default,
            c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (int g = 0; g < groups; g++)
        {
            c0 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w, 0), x, c0);
            c1 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w, 4), x, c1);
            c2 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w, 8), x, c2);
            c3 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w, 12), x, c3);
            c4 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w, 16), x, c4);
            c5 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w, 20), x, c5);
            c6 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w, 24), x, c6);
            c7 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w, 28), x, c7);
            c8 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w, 32), x, c8);
            c9 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w, 36), x, c9);
            c10 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w, 40), x, c10);
            c11 = Vector128.MultiplyAddEstimate(Vector128.LoadUnsafe(ref w, 44), x, c11);
            w = ref Unsafe.Add(ref w, 48);
        }

        return Vector128.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
