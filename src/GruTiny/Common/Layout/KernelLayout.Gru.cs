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
    public static int GruLength(int inputSize, int hiddenSize, bool linearBeforeReset, GruWeightType weights = GruWeightType.Float32)
    {
        int sectionsLength = 0;
        for (int section = 0; section < GruSectionCount(linearBeforeReset); section++)
            sectionsLength += GruSectionBlockLength(section, inputSize, hiddenSize, linearBeforeReset, weights);
        return GruBlocks(hiddenSize) * sectionsLength;
    }

    /// <summary>Sections of a GRU layer: the input projection, then the recurrence (two parts when <c>linear_before_reset</c> is false).</summary>
    public static int GruSectionCount(bool linearBeforeReset) => linearBeforeReset ? 2 : 3;

    /// <summary>Floats of bias at the head of a block of a GRU section: [r z n] (24), b_hn (8), none (r and z of <c>linear_before_reset</c> false).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int GruSectionBiasFloats(int section, bool linearBeforeReset) => section switch
    {
        0 => GateBlock,
        1 => linearBeforeReset ? GruBlock : 0,
        _ => GruBlock,
    };

    /// <summary>Weights of one column of a block of a GRU section (one per gate row of the block): 24, 24 or 16, 8.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int GruSectionRows(int section, bool linearBeforeReset) => section switch
    {
        0 => GateBlock,
        1 => linearBeforeReset ? GateBlock : 2 * GruBlock,
        _ => GruBlock,
    };

    /// <summary>
    /// Floats before a block's first column: its biases, then, for int8, one scale per row of the block (in the same
    /// order as the biases: gate by gate, lane by lane).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int GruSectionHeaderFloats(int section, bool linearBeforeReset, GruWeightType weights) =>
        GruSectionBiasFloats(section, linearBeforeReset) + (weights == GruWeightType.Int8 ? GruSectionRows(section, linearBeforeReset) : 0);

    /// <summary>
    /// The one definition of a GRU section's block length in floats (the kernels read it, the packer writes it):
    /// 0, the input projection: bias [r z n] and W_i[r z n] per input; 1, the recurrence: b_hn and W_h[r z n]
    /// per hidden unit (<c>linear_before_reset</c>), or only W_h[r z] per hidden unit; 2, b_hn and W_hn per
    /// hidden unit (<c>linear_before_reset</c> false only). Quantised weights take 1 (int8) or 2 (float16) bytes
    /// each, and int8 adds a scale per row to the header; every length stays a whole number of floats.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int GruSectionBlockLength(int section, int inputSize, int hiddenSize, bool linearBeforeReset, GruWeightType weights = GruWeightType.Float32) =>
        GruSectionHeaderFloats(section, linearBeforeReset, weights)
        + ColumnFloats(weights, GruSectionRows(section, linearBeforeReset) * (section == 0 ? inputSize : hiddenSize));

    /// <summary>Floats that <paramref name="count"/> weights of type <paramref name="weights"/> take (a multiple of 4 for int8, of 2 for float16).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int ColumnFloats(GruWeightType weights, int count) => weights switch
    {
        GruWeightType.Int8 => count / 4,
        GruWeightType.Float16 => count / 2,
        _ => count,
    };

    /// <summary>The block lengths of a GRU layer's sections, in order (for <see cref="Chunk"/>).</summary>
    public static int[] GruSectionBlockLengths(int inputSize, int hiddenSize, bool linearBeforeReset, GruWeightType weights = GruWeightType.Float32)
    {
        var lengths = new int[GruSectionCount(linearBeforeReset)];
        for (int section = 0; section < lengths.Length; section++)
            lengths[section] = GruSectionBlockLength(section, inputSize, hiddenSize, linearBeforeReset, weights);
        return lengths;
    }

    /// <summary>Packs a GRU layer given in PyTorch's layout (row-major [3H][in] and [3H][H], gates r, z, n): the words of its floats (<see cref="PackedWriter"/>).</summary>
    public static uint[] PackGru(
        int inputSize, int hiddenSize, bool linearBeforeReset,
        float[] weightIh, float[] weightHh, float[]? biasIh, float[]? biasHh, GruWeightType weights = GruWeightType.Float32)
    {
        int h = hiddenSize, blocks = GruBlocks(h);
        var packed = new PackedWriter(GruLength(inputSize, h, linearBeforeReset, weights), weights);
        var ih = new QuantizedMatrix(weightIh, 3 * h, inputSize, weights);
        var hh = new QuantizedMatrix(weightHh, 3 * h, h, weights);

        float Bi(int row) => biasIh is null ? 0f : biasIh[row];
        float Bh(int row) => biasHh is null ? 0f : biasHh[row];

        // One column of a block: the weights of input k for the rows of the given gates, lane by lane (zero in padding lanes).
        void Column(QuantizedMatrix m, int b, int k, int firstGate, int gates)
        {
            for (int gate = firstGate; gate < firstGate + gates; gate++)
                for (int lane = 0; lane < GruBlock; lane++)
                {
                    int unit = b * GruBlock + lane;
                    packed.Weight(m, unit < h ? gate * h + unit : -1, k);
                }
        }

        // The int8 scales of the block's rows of the given gates, in the same order.
        void Scales(QuantizedMatrix m, int b, int firstGate, int gates)
        {
            if (weights != GruWeightType.Int8) return;
            for (int gate = firstGate; gate < firstGate + gates; gate++)
                for (int lane = 0; lane < GruBlock; lane++)
                {
                    int unit = b * GruBlock + lane;
                    packed.Float(unit < h ? m.Scale(gate * h + unit) : 0f);
                }
        }

        // Input projection.
        for (int b = 0; b < blocks; b++)
        {
            for (int gate = 0; gate < 3; gate++)
            {
                for (int lane = 0; lane < GruBlock; lane++)
                {
                    int unit = b * GruBlock + lane;
                    int row = gate * h + unit;
                    packed.Float(unit >= h ? 0f : gate == 2 ? Bi(row) : Bi(row) + Bh(row));
                }
            }

            Scales(ih, b, 0, 3);
            for (int k = 0; k < inputSize; k++) Column(ih, b, k, 0, 3);
        }

        float Bhn(int unit) => unit < h ? Bh(2 * h + unit) : 0f;

        if (linearBeforeReset)
        {
            for (int b = 0; b < blocks; b++)
            {
                for (int lane = 0; lane < GruBlock; lane++) packed.Float(Bhn(b * GruBlock + lane));
                Scales(hh, b, 0, 3);
                for (int k = 0; k < h; k++) Column(hh, b, k, 0, 3);
            }
        }
        else
        {
            for (int b = 0; b < blocks; b++)
            {
                Scales(hh, b, 0, 2);
                for (int k = 0; k < h; k++) Column(hh, b, k, 0, 2);
            }

            for (int b = 0; b < blocks; b++)
            {
                for (int lane = 0; lane < GruBlock; lane++) packed.Float(Bhn(b * GruBlock + lane));
                Scales(hh, b, 2, 1);
                for (int k = 0; k < h; k++) Column(hh, b, k, 2, 1);
            }
        }

        return packed.Finish("GRU");
    }
}
