using System;
using System.Runtime.InteropServices;

namespace GruTiny.Kernels;

/// <summary>
/// Copies of the generated weight literals in 64-byte-aligned native memory, made once per process, which is
/// where the kernels read the weights from.
/// </summary>
/// <remarks>
/// <para>Generated code stores weights in string literals because they compile fast, but a string's characters
/// start 12 bytes into the object, so the floats are only 4-byte aligned and half of the 32-byte loads of the
/// kernels straddle two cache lines. Measured on the benchmark machine (bench/GruTiny.Bench/StreamFma.cs, 12
/// accumulators reading every weight once): 39 GMAC/s misaligned against 58 GMAC/s aligned, from L1.</para>
/// <para>Each chunk is copied when the generated layer type is initialised (its static fields), so the copy is
/// native memory that the GC never sees or moves; it is never freed, like the literal it copies. It costs one
/// more copy of the weights in memory (4 bytes per parameter) and nothing per step.</para>
/// </remarks>
public static unsafe class AlignedWeights
{
    /// <summary>Alignment of every copy: a cache line, and a whole <c>Vector512</c>.</summary>
    public const int Alignment = 64;

    /// <summary>Copies the floats a weight literal holds (two UTF-16 units per float, little-endian).</summary>
    /// <returns>The address of the copy, for <see cref="Span"/>.</returns>
    public static nint Copy(string literal)
    {
        ArgumentNullException.ThrowIfNull(literal);
        if (!BitConverter.IsLittleEndian) GruThrowHelper.ThrowBigEndian();
        ReadOnlySpan<float> source = MemoryMarshal.Cast<char, float>(literal.AsSpan());
        void* copy = NativeMemory.AlignedAlloc((nuint)Math.Max(1, source.Length) * sizeof(float), Alignment);
        source.CopyTo(new Span<float>(copy, source.Length));
        return (nint)copy;
    }

    /// <summary>The <paramref name="length"/> floats at <paramref name="address"/>, from <see cref="Copy"/>.</summary>
    public static ReadOnlySpan<float> Span(nint address, int length) => new((void*)address, length);
}
