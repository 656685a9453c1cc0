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
    public static int DenseLength(int inputSize, int outputSize) => Padded(outputSize) / Lanes * DenseBlockLength(inputSize);

    /// <summary>The block length of a dense layer's one section (one block per 4 outputs).</summary>
    public static int DenseBlockLength(int inputSize) => Lanes * (inputSize + 1);

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
