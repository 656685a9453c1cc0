using System;

namespace GruTiny.Kernels;

/// <summary>
/// Layer normalisation over each row: y = (x − mean) / √(var + eps) · weight + bias with the biased variance. Mean,
/// variance and (x − mean) / √(var + eps) are computed in float64 (two passes), so a row with a large offset and a
/// small spread keeps its digits; the affine map is float32. A row has at most a few hundred values: plain loops.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
public static class LayerNormKernel
{
    /// <summary>Normalises <paramref name="steps"/> rows of Size values; in place when both are the same rows.</summary>
    public static void Forward<TNorm>(ReadOnlySpan<float> inputs, int inputStride, Span<float> outputs, int outputStride, int steps)
        where TNorm : ILayerNormLayer
    {
        int size = TNorm.Size;
        if (steps <= 0) return;
        RowChecks.Check(size, inputs, inputStride, outputs, outputStride, steps);
        ReadOnlySpan<float> weight = TNorm.Weight, bias = TNorm.Bias;
        RowChecks.CheckVector(weight, size, optional: true, "Weight");
        RowChecks.CheckVector(bias, size, optional: true, "Bias");

        for (int s = 0; s < steps; s++)
        {
            ReadOnlySpan<float> x = inputs.Slice(s * inputStride, size);
            Span<float> y = outputs.Slice(s * outputStride, size);
            double sum = 0;
            for (int j = 0; j < size; j++) sum += x[j];
            double mean = sum / size, squares = 0;
            for (int j = 0; j < size; j++)
            {
                double d = x[j] - mean;
                squares += d * d;
            }

            // x − mean in float64 too: rounding the mean to float first costs an ulp of the offset (5e-6 relative at
            // x ≈ 300 with a spread of 1, measured), not of the result.
            double inverse = 1 / Math.Sqrt(squares / size + TNorm.Epsilon);
            for (int j = 0; j < size; j++)
            {
                float v = (float)((x[j] - mean) * inverse);
                if (!weight.IsEmpty) v *= weight[j];
                if (!bias.IsEmpty) v += bias[j];
                y[j] = v;
            }
        }
    }
}
