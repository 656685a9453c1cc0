using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace GruTiny.Kernels;

/// <summary>
/// Copies of the generated weight literals in 64-byte-aligned native memory, made once per process at first
/// use, which is where the kernels read the weights from.
/// </summary>
/// <remarks>
/// <para>Generated code stores weights in string literals because they compile fast, but a string's characters
/// start 12 bytes into the object, so the floats are only 4-byte aligned and half of the 32-byte loads of the
/// kernels straddle two cache lines. Measured on the benchmark machine (bench/GruTiny.Bench/StreamFma.cs, 12
/// accumulators reading every weight once): 39 GMAC/s misaligned against 58 GMAC/s aligned, from L1.</para>
/// <para>The copy is native memory that the GC never sees or moves, and it is never freed: nothing per step.
/// The address lives in a plain static field of the generated layer, not in a static initialiser: a type with
/// a static constructor makes Native AOT check for initialisation at every access and allocate on the first
/// one.</para>
/// <para>Once a literal is copied, its own pages hold the weights a second time. On Linux the copy asks the
/// kernel to take them out of resident memory, chunk by chunk (<see cref="ResidentPages"/>), so that a Native
/// AOT program, whose literals are pages of its binary file, keeps about one copy of the weights resident
/// (docs/deployment.md, bench/memory.sh).</para>
/// </remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
public static unsafe class AlignedWeights
{
    /// <summary>Alignment of every copy: a cache line, and a whole <c>Vector512</c>.</summary>
    public const int Alignment = 64;

    /// <summary>
    /// The <paramref name="length"/> floats of <paramref name="literal"/> (two UTF-16 units per float,
    /// little-endian), from the aligned copy whose address <paramref name="slot"/> holds; the first call makes
    /// the copy and stores its address there. Safe to call from several threads at once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<float> Span(ref nint slot, string literal, int length)
    {
        nint address = Volatile.Read(ref slot);
        if (address == 0) address = CopyOnce(ref slot, literal, length);
        return new ReadOnlySpan<float>((void*)address, length);
    }

    /// <summary>
    /// The <paramref name="length"/> floats of <paramref name="literal"/>, one chunk of a GRU layer, from their place
    /// at <paramref name="offset"/> in the layer's one aligned copy of <paramref name="layerLength"/> floats, whose
    /// address <paramref name="layer"/> holds; <paramref name="slot"/> holds the chunk's address once it is copied.
    /// The first call for a chunk allocates the layer's copy if no chunk has yet, and copies the chunk into it.
    /// Safe to call from several threads at once.
    /// </summary>
    /// <remarks>
    /// One copy per layer, with the chunks of each section back to back (KernelLayout.ChunkOffsets), lets the
    /// kernels find every block of a section as an offset from its start (<see cref="IGruLayer.ContiguousSections"/>):
    /// looking up the chunk of each block took 3–9% of a step of the benchmark's 16 → 128 + 16 and
    /// 32 → 256 × 2 + 1 (bench/RESULTS.md, "Per change"). The chunks are copied one at a time, under
    /// <see cref="ResidentPages.Enter"/>, so that no two threads ever write the same floats of the shared copy. The
    /// copy's first 64 bytes hold its length, which every later chunk's call must agree with: a chunk is never
    /// written past the end of the copy.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ReadOnlySpan<float> Span(ref nint slot, ref nint layer, int layerLength, int offset, string literal, int length)
    {
        nint address = Volatile.Read(ref slot);
        if (address == 0) address = CopyIntoLayer(ref slot, ref layer, layerLength, offset, literal, length);
        return new ReadOnlySpan<float>((void*)address, length);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static nint CopyIntoLayer(ref nint slot, ref nint layer, int layerLength, int offset, string literal, int length)
    {
        ReadOnlySpan<float> source = LiteralFloats(literal, length);
        if (offset < 0 || layerLength < 0 || offset > layerLength - length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"A chunk of {length} floats at {offset} does not fit in a layer of {layerLength} floats.");

        // The copy: its length in the first of Alignment bytes, then the layer's floats from the next boundary.
        nint block = Volatile.Read(ref layer);
        if (block == 0)
        {
            void* made = NativeMemory.AlignedAlloc((nuint)Alignment + (nuint)layerLength * sizeof(float), Alignment);
            *(int*)made = layerLength;
            block = Interlocked.CompareExchange(ref layer, (nint)made, 0);
            if (block == 0) block = (nint)made;
            else NativeMemory.AlignedFree(made);
        }

        if (*(int*)block != layerLength)
            throw new ArgumentException($"The layer's copy holds {*(int*)block} floats, not {layerLength}.", nameof(layerLength));

        nint copy = block + Alignment + offset * sizeof(float);
        bool drops = ResidentPages.Drops(literal);
        ResidentPages.Enter();
        try
        {
            nint published = Volatile.Read(ref slot);
            if (published != 0) return published;
            CopyAndPublish(ref slot, source, copy, drops);
        }
        finally
        {
            ResidentPages.Exit();
        }

        // Only the thread that copied gets here (the others returned the published copy), and a literal that is not
        // dropped may still be read: its pages are reclaimed outside the lock.
        if (!drops) ResidentPages.PageOut(source);
        return copy;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static nint CopyOnce(ref nint slot, string literal, int length)
    {
        ReadOnlySpan<float> source = LiteralFloats(literal, length);
        void* copy = NativeMemory.AlignedAlloc((nuint)Math.Max(1, length) * sizeof(float), Alignment);
        var destination = new Span<float>(copy, length);
        nint published;
        if (!ResidentPages.Drops(literal))
        {
            source.CopyTo(destination);

            // Two threads may both copy: the first to publish wins, the other frees its copy. Only the winner asks
            // for the literal's pages to be reclaimed.
            published = Interlocked.CompareExchange(ref slot, (nint)copy, 0);
            if (published == 0)
            {
                ResidentPages.PageOut(source);
                return (nint)copy;
            }

            NativeMemory.AlignedFree(copy);
            return published;
        }

        // A literal whose pages are dropped outright is never read again: its copies are made one at a time, and a
        // literal dropped before (the same model compiled into two types shares its literals) is copied from its
        // first copy.
        ResidentPages.Enter();
        try
        {
            published = Volatile.Read(ref slot);
            if (published != 0)
            {
                NativeMemory.AlignedFree(copy);
                return published;
            }

            CopyAndPublish(ref slot, source, (nint)copy, drops: true);
            return (nint)copy;
        }
        finally
        {
            ResidentPages.Exit();
        }
    }

    // The floats of a weight literal (two UTF-16 units each, little-endian), checked to be length of them.
    private static ReadOnlySpan<float> LiteralFloats(string literal, int length)
    {
        if (!BitConverter.IsLittleEndian) GruThrowHelper.ThrowBigEndian();
        ReadOnlySpan<float> source = MemoryMarshal.Cast<char, float>(literal.AsSpan());
        if (source.Length != length) throw new ArgumentException($"The weight literal holds {source.Length} floats, not {length}.", nameof(literal));
        return source;
    }

    // Under ResidentPages.Enter: copies source to copy and publishes it in slot. A literal whose pages are dropped
    // outright (drops) is copied from its earlier copy if it has one (the same model compiled into two types shares
    // its literals), else from itself, and then its pages are dropped: it is never read again.
    private static void CopyAndPublish(ref nint slot, ReadOnlySpan<float> source, nint copy, bool drops)
    {
        var destination = new Span<float>((void*)copy, source.Length);
        nint earlier = drops ? ResidentPages.EarlierCopy(source) : 0;
        if (earlier != 0) new ReadOnlySpan<float>((void*)earlier, source.Length).CopyTo(destination);
        else source.CopyTo(destination);
        Volatile.Write(ref slot, copy);
        if (drops && earlier == 0)
        {
            ResidentPages.PageOut(source);
            ResidentPages.Drop(source, copy);
        }
    }
}
