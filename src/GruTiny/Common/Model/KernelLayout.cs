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
/// <para>Gru layer = input projection section, then recurrence section.
/// Input projection, per block b: bias [r z n] (24 floats) then for each input k: W_i[r z n] (24 floats).
/// The r and z biases are b_i + b_h (both variants add them outside the reset), n gets b_in only.
/// Recurrence, <c>linear_before_reset</c> true, per block: b_hn (8) then for each hidden k: W_h[r z n] (24).
/// Recurrence, <c>linear_before_reset</c> false: first, per block, for each hidden k: W_h[r z] (16); then, per
/// block, b_hn (8) and for each hidden k: W_hn (8), because W_hn multiplies r ⊙ h, which needs every r first.</para>
/// <para>Dense layer, per block of 4 outputs: bias (4) then for each input k: W (4).</para>
/// </remarks>
internal static class KernelLayout
{
    /// <summary>Floats per <c>Vector128&lt;float&gt;</c>: the block width of dense layers.</summary>
    public const int Lanes = 4;

    /// <summary>Hidden units per block of a GRU layer: one <c>Vector256&lt;float&gt;</c>, or two <c>Vector128&lt;float&gt;</c>.</summary>
    public const int GruBlock = 8;

    /// <summary>Floats of the per-step gate buffer per GRU block: r, z and the input part of n.</summary>
    public const int GateBlock = 3 * GruBlock;

    /// <summary><paramref name="size"/> dense outputs rounded up to whole blocks of <see cref="Lanes"/>.</summary>
    public static int Padded(int size) => (size + Lanes - 1) / Lanes * Lanes;

    /// <summary><paramref name="hiddenSize"/> rounded up to whole blocks of <see cref="GruBlock"/>: the width of a GRU layer's state.</summary>
    public static int PaddedHidden(int hiddenSize) => (hiddenSize + GruBlock - 1) / GruBlock * GruBlock;

    /// <summary>Blocks of a GRU layer: one per 8 hidden units.</summary>
    public static int GruBlocks(int hiddenSize) => PaddedHidden(hiddenSize) / GruBlock;

    /// <summary>Floats of a packed GRU layer: every section has one block per 8 hidden units.</summary>
    public static int GruLength(int inputSize, int hiddenSize, bool linearBeforeReset)
    {
        int sectionsLength = 0;
        for (int section = 0; section < GruSectionCount(linearBeforeReset); section++)
            sectionsLength += GruSectionBlockLength(section, inputSize, hiddenSize, linearBeforeReset);
        return GruBlocks(hiddenSize) * sectionsLength;
    }

    /// <summary>Floats of a packed dense layer: one block per 4 outputs.</summary>
    public static int DenseLength(int inputSize, int outputSize) => Padded(outputSize) / Lanes * DenseBlockLength(inputSize);

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

    /// <summary>Sections of a GRU layer: the input projection, then the recurrence (two parts when <c>linear_before_reset</c> is false).</summary>
    public static int GruSectionCount(bool linearBeforeReset) => linearBeforeReset ? 2 : 3;

    /// <summary>
    /// The one definition of a GRU section's block length (the kernels read it, the packer writes it):
    /// 0, the input projection: bias [r z n] and W_i[r z n] per input; 1, the recurrence: b_hn and W_h[r z n]
    /// per hidden unit (<c>linear_before_reset</c>), or only W_h[r z] per hidden unit; 2, b_hn and W_hn per
    /// hidden unit (<c>linear_before_reset</c> false only).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int GruSectionBlockLength(int section, int inputSize, int hiddenSize, bool linearBeforeReset) => section switch
    {
        0 => GateBlock * (inputSize + 1),
        1 => linearBeforeReset ? GruBlock + GateBlock * hiddenSize : 2 * GruBlock * hiddenSize,
        _ => GruBlock + GruBlock * hiddenSize,
    };

    /// <summary>The block lengths of a GRU layer's sections, in order (for <see cref="Chunk"/>).</summary>
    public static int[] GruSectionBlockLengths(int inputSize, int hiddenSize, bool linearBeforeReset)
    {
        var lengths = new int[GruSectionCount(linearBeforeReset)];
        for (int section = 0; section < lengths.Length; section++)
            lengths[section] = GruSectionBlockLength(section, inputSize, hiddenSize, linearBeforeReset);
        return lengths;
    }

    /// <summary>The block length of a dense layer's one section (one block per 4 outputs).</summary>
    public static int DenseBlockLength(int inputSize) => Lanes * (inputSize + 1);

    /// <summary>
    /// Cuts a packed layer (sections of <paramref name="blocks"/> blocks each, back to back) into chunks of
    /// whole blocks, no chunk spanning two sections, each at most <see cref="MaxChunkFloats"/> floats unless a
    /// single block is larger. Kernels find block b of a section in chunk
    /// firstChunk(section) + b / BlocksPerChunk, at offset (b % BlocksPerChunk) · blockLength.
    /// </summary>
    public static float[][] Chunk(float[] packed, int blocks, int[] sectionBlockLengths)
    {
        var chunks = new System.Collections.Generic.List<float[]>();
        int at = 0;
        foreach (int blockLength in sectionBlockLengths)
        {
            int perChunk = BlocksPerChunk(blockLength);
            for (int first = 0; first < blocks; first += perChunk)
            {
                int length = Math.Min(perChunk, blocks - first) * blockLength;
                var chunk = new float[length];
                Array.Copy(packed, at, chunk, 0, length);
                chunks.Add(chunk);
                at += length;
            }
        }

        if (at != packed.Length) throw new InvalidOperationException("Chunking length mismatch.");
        return chunks.ToArray();
    }

    /// <summary>Packs a GRU layer given in PyTorch's layout (row-major [3H][in] and [3H][H], gates r, z, n).</summary>
    public static float[] PackGru(
        int inputSize, int hiddenSize, bool linearBeforeReset,
        float[] weightIh, float[] weightHh, float[]? biasIh, float[]? biasHh)
    {
        int h = hiddenSize, blocks = GruBlocks(h);
        var packed = new float[GruLength(inputSize, h, linearBeforeReset)];
        int at = 0;

        float Bi(int row) => biasIh is null ? 0f : biasIh[row];
        float Bh(int row) => biasHh is null ? 0f : biasHh[row];

        // Input projection.
        for (int b = 0; b < blocks; b++)
        {
            for (int gate = 0; gate < 3; gate++)
            {
                for (int lane = 0; lane < GruBlock; lane++)
                {
                    int unit = b * GruBlock + lane;
                    if (unit >= h) { at++; continue; }
                    int row = gate * h + unit;
                    packed[at++] = gate == 2 ? Bi(row) : Bi(row) + Bh(row);
                }
            }

            for (int k = 0; k < inputSize; k++)
            {
                for (int gate = 0; gate < 3; gate++)
                {
                    for (int lane = 0; lane < GruBlock; lane++)
                    {
                        int unit = b * GruBlock + lane;
                        packed[at++] = unit < h ? weightIh[(gate * h + unit) * inputSize + k] : 0f;
                    }
                }
            }
        }

        float Wh(int gate, int unit, int k) => unit < h ? weightHh[(gate * h + unit) * h + k] : 0f;
        float Bhn(int unit) => unit < h ? Bh(2 * h + unit) : 0f;

        if (linearBeforeReset)
        {
            for (int b = 0; b < blocks; b++)
            {
                for (int lane = 0; lane < GruBlock; lane++) packed[at++] = Bhn(b * GruBlock + lane);
                for (int k = 0; k < h; k++)
                    for (int gate = 0; gate < 3; gate++)
                        for (int lane = 0; lane < GruBlock; lane++) packed[at++] = Wh(gate, b * GruBlock + lane, k);
            }
        }
        else
        {
            for (int b = 0; b < blocks; b++)
                for (int k = 0; k < h; k++)
                    for (int gate = 0; gate < 2; gate++)
                        for (int lane = 0; lane < GruBlock; lane++) packed[at++] = Wh(gate, b * GruBlock + lane, k);

            for (int b = 0; b < blocks; b++)
            {
                for (int lane = 0; lane < GruBlock; lane++) packed[at++] = Bhn(b * GruBlock + lane);
                for (int k = 0; k < h; k++)
                    for (int lane = 0; lane < GruBlock; lane++) packed[at++] = Wh(2, b * GruBlock + lane, k);
            }
        }

        if (at != packed.Length) throw new InvalidOperationException("GRU packing length mismatch.");
        return packed;
    }

    /// <summary>Packs a dense layer given in PyTorch's layout (row-major [out][in]).</summary>
    public static float[] PackDense(int inputSize, int outputSize, float[] weight, float[]? bias)
    {
        int blocks = Padded(outputSize) / Lanes;
        var packed = new float[DenseLength(inputSize, outputSize)];
        int at = 0;
        for (int b = 0; b < blocks; b++)
        {
            for (int lane = 0; lane < Lanes; lane++)
            {
                int row = b * Lanes + lane;
                packed[at++] = row < outputSize && bias is not null ? bias[row] : 0f;
            }

            for (int k = 0; k < inputSize; k++)
            {
                for (int lane = 0; lane < Lanes; lane++)
                {
                    int row = b * Lanes + lane;
                    packed[at++] = row < outputSize ? weight[row * inputSize + k] : 0f;
                }
            }
        }

        if (at != packed.Length) throw new InvalidOperationException("Dense packing length mismatch.");
        return packed;
    }
}
