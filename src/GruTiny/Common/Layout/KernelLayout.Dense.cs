using System;

namespace GruTiny.Model;

/// <summary>The weight layout of a dense layer: blocks of 4 outputs, bias then one column per input (see KernelLayout).</summary>
internal static partial class KernelLayout
{
    /// <summary>Floats per <c>Vector128&lt;float&gt;</c>: the block width of dense layers.</summary>
    public const int Lanes = 4;

    /// <summary><paramref name="size"/> dense outputs rounded up to whole blocks of <see cref="Lanes"/>.</summary>
    public static int Padded(int size) => (size + Lanes - 1) / Lanes * Lanes;

    /// <summary>Floats of a packed dense layer: one block per 4 outputs.</summary>
    public static int DenseLength(int inputSize, int outputSize, GruWeightType weights = GruWeightType.Float32) =>
        Padded(outputSize) / Lanes * DenseBlockLength(inputSize, weights);

    /// <summary>Floats before a dense block's first column: its 4 biases, then, for int8, its 4 rows' scales.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int DenseHeaderFloats(GruWeightType weights) => weights == GruWeightType.Int8 ? 2 * Lanes : Lanes;

    /// <summary>The block length in floats of a dense layer's one section (one block per 4 outputs).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static int DenseBlockLength(int inputSize, GruWeightType weights = GruWeightType.Float32) =>
        DenseHeaderFloats(weights) + ColumnFloats(weights, Lanes * inputSize);

    /// <summary>Packs a dense layer given in PyTorch's layout (row-major [out][in]): the words of its floats (<see cref="PackedWriter"/>).</summary>
    public static uint[] PackDense(int inputSize, int outputSize, float[] weight, float[]? bias, GruWeightType weights = GruWeightType.Float32)
    {
        int blocks = Padded(outputSize) / Lanes;
        var packed = new PackedWriter(DenseLength(inputSize, outputSize, weights), weights);
        var matrix = new QuantizedMatrix(weight, outputSize, inputSize, weights);
        for (int b = 0; b < blocks; b++)
        {
            for (int lane = 0; lane < Lanes; lane++)
            {
                int row = b * Lanes + lane;
                packed.Float(row < outputSize && bias is not null ? bias[row] : 0f);
            }

            if (weights == GruWeightType.Int8)
                for (int lane = 0; lane < Lanes; lane++)
                    packed.Float(b * Lanes + lane < outputSize ? matrix.Scale(b * Lanes + lane) : 0f);

            for (int k = 0; k < inputSize; k++)
            {
                for (int lane = 0; lane < Lanes; lane++)
                {
                    int row = b * Lanes + lane;
                    packed.Weight(matrix, row < outputSize ? row : -1, k);
                }
            }
        }

        return packed.Finish("Dense");
    }

    /// <summary>
    /// Floats of one stored embedding row of <paramref name="dimension"/> values: float32, the values; int8, its
    /// scale and then the values as bytes (padded to whole floats); float16, the values as halves (padded).
    /// </summary>
    public static int EmbeddingRowFloats(int dimension, GruWeightType weights) => weights switch
    {
        GruWeightType.Int8 => 1 + (dimension + 3) / 4,
        GruWeightType.Float16 => (dimension + 1) / 2,
        _ => dimension,
    };

    /// <summary>Packs an embedding table [<paramref name="rows"/> × <paramref name="dimension"/>] row by row (<see cref="EmbeddingRowFloats"/>); int8 has one scale per row.</summary>
    public static uint[] PackEmbedding(float[] weight, int rows, int dimension, GruWeightType weights)
    {
        int rowFloats = EmbeddingRowFloats(dimension, weights);
        var packed = new PackedWriter(rows * rowFloats, weights);
        var matrix = new QuantizedMatrix(weight, rows, dimension, weights);
        int padding = rowFloats * 4 - (weights == GruWeightType.Int8 ? 4 : 0) - WeightQuantizer.BytesPerWeight(weights) * dimension; // bytes after a row's values
        for (int r = 0; r < rows; r++)
        {
            if (weights == GruWeightType.Int8) packed.Float(matrix.Scale(r));
            for (int k = 0; k < dimension; k++) packed.Weight(matrix, r, k);
            packed.Padding(padding);
        }

        return packed.Finish("Embedding");
    }
}
