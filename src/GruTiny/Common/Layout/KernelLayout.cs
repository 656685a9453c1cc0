using System;

namespace GruTiny.Model;

/// <summary>
/// The order in which weights are laid out for the kernels. Shared source: the generator packs weights with
/// it at build time, the kernels read that layout, and the tests pack random weights with it at run time.
/// </summary>
/// <remarks>
/// <para>Hidden units are processed in blocks of <see cref="GruBlock"/> = 8: one <c>Vector256&lt;float&gt;</c> on
/// x64 with AVX2, two <c>Vector128&lt;float&gt;</c> elsewhere (ARM64 NEON, SSE), over the same layout. Every
/// hidden size is padded to a multiple of 8 with zero weights, so kernels never need scalar tails; padded state
/// lanes stay exactly zero. Dense layers use blocks of <see cref="Lanes"/> = 4 outputs (one <c>Vector128</c>).</para>
/// <para>Within a block, weights are stored column by column ("panel" order): for each input k the block's
/// rows of the r, z and n gates follow each other. A matrix-vector product is then a sum of weight columns
/// scaled by broadcast inputs, which needs no horizontal sums, and the three gates of a block share one pass
/// over the input.</para>
/// <para>Each kind's layout is in a file of its own: KernelLayout.Gru.cs, KernelLayout.Dense.cs.</para>
/// <para>Gru layer = input projection section, then recurrence section.
/// Input projection, per block b: bias [r z n] (24 floats) then for each input k: W_i[r z n] (24 floats).
/// The r and z biases are b_i + b_h (both variants add them outside the reset), n gets b_in only.
/// Recurrence, <c>linear_before_reset</c> true, per block: b_hn (8) then for each hidden k: W_h[r z n] (24).
/// Recurrence, <c>linear_before_reset</c> false: first, per block, for each hidden k: W_h[r z] (16); then, per
/// block, b_hn (8) and for each hidden k: W_hn (8), because W_hn multiplies r ⊙ h, which needs every r first.</para>
/// <para>Dense layer, per block of 4 outputs: bias (4) then for each input k: W (4).</para>
/// </remarks>
internal static partial class KernelLayout
{
    /// <summary>
    /// The most floats in one chunk of embedded weights: 64,000 bytes. The runtime puts a string literal of
    /// at most 64 KB on its frozen (never collected, never counted) heap; a larger one is allocated on the GC
    /// heap at first use, which would break the promise that nothing is allocated from the very first call.
    /// </summary>
    public const int MaxChunkFloats = 16_000;

    /// <summary>Whole blocks per chunk for blocks of <paramref name="blockLength"/> floats (at least one).</summary>
    public static int BlocksPerChunk(int blockLength) => Math.Max(1, MaxChunkFloats / blockLength);

    /// <summary>Chunks that <paramref name="blocks"/> blocks of <paramref name="blockLength"/> floats take.</summary>
    public static int ChunkCount(int blocks, int blockLength)
    {
        int perChunk = BlocksPerChunk(blockLength);
        return (blocks + perChunk - 1) / perChunk;
    }

    /// <summary>
    /// Cuts a packed layer (sections of <paramref name="blocks"/> blocks each, back to back) into chunks of
    /// whole blocks, no chunk spanning two sections, each at most <see cref="MaxChunkFloats"/> floats unless a
    /// single block is larger. Kernels find block b of a section in chunk
    /// firstChunk(section) + b / BlocksPerChunk, at offset (b % BlocksPerChunk) · blockLength.
    /// </summary>
    public static T[][] Chunk<T>(T[] packed, int blocks, int[] sectionBlockLengths)
    {
        var chunks = new System.Collections.Generic.List<T[]>();
        int at = 0;
        foreach (int blockLength in sectionBlockLengths)
        {
            int perChunk = BlocksPerChunk(blockLength);
            for (int first = 0; first < blocks; first += perChunk)
            {
                int length = Math.Min(perChunk, blocks - first) * blockLength;
                var chunk = new T[length];
                Array.Copy(packed, at, chunk, 0, length);
                chunks.Add(chunk);
                at += length;
            }
        }

        if (at != packed.Length) throw new InvalidOperationException("Chunking length mismatch.");
        return chunks.ToArray();
    }

    /// <summary>
    /// Where each chunk of <see cref="Chunk{T}"/> lies in a layer's one aligned copy (Kernels/AlignedWeights.cs): the
    /// chunks of a section back to back, so that block b of a section is at the section's start + b · blockLength
    /// however many chunks the section takes, and each section from a 64-byte boundary, as each chunk's own copy
    /// started before. <paramref name="length"/>: the floats of the copy.
    /// </summary>
    public static int[] ChunkOffsets(int blocks, int[] sectionBlockLengths, out int length)
    {
        var offsets = new System.Collections.Generic.List<int>();
        int at = 0;
        foreach (int blockLength in sectionBlockLengths)
        {
            at = (at + SectionAlignmentFloats - 1) / SectionAlignmentFloats * SectionAlignmentFloats;
            int perChunk = BlocksPerChunk(blockLength);
            for (int first = 0; first < blocks; first += perChunk)
            {
                offsets.Add(at);
                at += Math.Min(perChunk, blocks - first) * blockLength;
            }
        }

        length = at;
        return offsets.ToArray();
    }

    /// <summary>Floats in 64 bytes: where each section of a layer's aligned copy starts (<see cref="ChunkOffsets"/>).</summary>
    private const int SectionAlignmentFloats = 16;

    /// <summary>Packed words as the floats the kernels read (for the library and tests, never the generator: see <see cref="PackedWriter"/>).</summary>
    public static float[] Floats(uint[] words)
    {
        var floats = new float[words.Length];
        System.Buffer.BlockCopy(words, 0, floats, 0, 4 * words.Length);
        return floats;
    }
}
