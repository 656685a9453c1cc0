using System;

namespace GruTiny.Kernels;

/// <summary>y = x · scale + shift per feature (a multiplication then an addition, never fused: the interpreter computes
/// the same bits), over rows; a handful of values per step, so a plain loop.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
public static class AffineKernel
{
    /// <summary>Maps <paramref name="steps"/> rows of Size values; in place when both are the same rows.</summary>
    public static void Forward<TAffine>(ReadOnlySpan<float> inputs, int inputStride, Span<float> outputs, int outputStride, int steps)
        where TAffine : IAffineLayer
    {
        int size = TAffine.Size;
        if (steps <= 0) return;
        RowChecks.Check(size, inputs, inputStride, outputs, outputStride, steps);
        ReadOnlySpan<float> scale = TAffine.Scale, shift = TAffine.Shift;
        RowChecks.CheckVector(scale, size, optional: false, "Scale");
        RowChecks.CheckVector(shift, size, optional: false, "Shift");

        for (int s = 0; s < steps; s++)
        {
            ReadOnlySpan<float> x = inputs.Slice(s * inputStride, size);
            Span<float> y = outputs.Slice(s * outputStride, size);
            for (int j = 0; j < size; j++)
            {
                float scaled = x[j] * scale[j];
                y[j] = scaled + shift[j];
            }
        }
    }
}
