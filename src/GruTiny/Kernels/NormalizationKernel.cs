using System;

namespace GruTiny.Kernels;

/// <summary>
/// Input and output normalisation of generated models (<c>input_normalization</c>, <c>output_normalization</c>):
/// element-wise, a handful of values per step, so plain loops; the arithmetic is exactly the interpreter's
/// (a subtraction then a division; a multiplication then an addition, never fused).
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
public static class NormalizationKernel
{
    /// <summary>destination[r, j] = (source[r, j] − mean[j]) / std[j] for <paramref name="rows"/> rows of mean.Length values.</summary>
    public static void Normalize(ReadOnlySpan<float> source, ReadOnlySpan<float> mean, ReadOnlySpan<float> std, Span<float> destination, int rows)
    {
        int width = mean.Length;
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> x = source.Slice(r * width, width);
            Span<float> y = destination.Slice(r * width, width);
            for (int j = 0; j < width; j++) y[j] = (x[j] - mean[j]) / std[j];
        }
    }

    /// <summary>values[r, j] = values[r, j] · std[j] + mean[j] in place, for <paramref name="rows"/> rows of mean.Length values.</summary>
    public static void Denormalize(Span<float> values, ReadOnlySpan<float> mean, ReadOnlySpan<float> std, int rows)
    {
        int width = mean.Length;
        for (int r = 0; r < rows; r++)
        {
            Span<float> y = values.Slice(r * width, width);
            for (int j = 0; j < width; j++)
            {
                float scaled = y[j] * std[j];
                y[j] = scaled + mean[j];
            }
        }
    }
}
