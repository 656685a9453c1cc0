using System;

namespace GruTiny.Model;

/// <summary>The weight layout of a GRU layer: blocks of 8 hidden units, the input-projection and recurrence sections (see KernelLayout).</summary>
internal static partial class KernelLayout
{
    /// <summary>Hidden units per block of a GRU layer: one <c>Vector256&lt;float&gt;</c>, or two <c>Vector128&lt;float&gt;</c>.</summary>
    public const int GruBlock = 8;

    /// <summary>Floats of the per-step gate buffer per GRU block: r, z and the input part of n.</summary>
    public const int GateBlock = 3 * GruBlock;

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
}
