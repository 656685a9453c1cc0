using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GruTiny.Kernels;

/// <summary>
/// The weights of a quantised layer (int8, float16), read where the literal is: no aligned copy.
/// </summary>
/// <remarks>
/// <para>Float32 layers read a 64-byte-aligned copy (<see cref="AlignedWeights"/>): their kernels load 32 bytes at a time,
/// and half of those loads would straddle two cache lines in the literal, whose characters start 12 bytes into the
/// string. A quantised layer's columns are loaded 4 to 16 bytes at a time, so few of its loads straddle a line, and
/// the copy would cost what quantising saves: in a Native AOT program the literal's pages are pages of the binary,
/// and reading them in place keeps one copy of the weights resident, the pages themselves, instead of the copy plus
/// the first page of every literal, which the loader writes (bench/RESULTS.md, "Weight types").</para>
/// <para>A literal of at most 64 KB is on the runtime's frozen heap, never moved or collected; the span is over the
/// string either way, and the kernels hold it by reference, so even a literal the GC owns (a collectible assembly)
/// stays correct.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)] // for generated code only
public static class LiteralWeights
{
    /// <summary>The <paramref name="length"/> floats' worth of packed data in <paramref name="literal"/> (two UTF-16 units each, little-endian).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<float> Span(string literal, int length)
    {
        if (!BitConverter.IsLittleEndian) GruThrowHelper.ThrowBigEndian();
        ReadOnlySpan<float> floats = MemoryMarshal.Cast<char, float>(literal.AsSpan());
        if (floats.Length != length) ThrowLength(floats.Length, length);
        return floats;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(int actual, int expected) =>
        throw new ArgumentException($"The weight literal holds {actual} floats, not {expected}.", "literal");
}
