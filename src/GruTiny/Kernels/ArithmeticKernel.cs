using System;

namespace GruTiny.Kernels;

/// <summary>
/// One step of an arithmetic layer over rows: y = x ∘ c per feature, with c one value or one per feature, in float32
/// exactly as the operator says (never fused or folded), so that it gives the bits an ONNX runtime gives. A handful of
/// values per step: a plain loop.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
public static class ArithmeticKernel
{
    /// <summary>Applies <paramref name="op"/> with <paramref name="values"/> to <paramref name="steps"/> rows of <paramref name="size"/> values; in place when both are the same rows.</summary>
    public static void Forward(ReadOnlySpan<float> inputs, int inputStride, Span<float> outputs, int outputStride, int steps, int size, ArithmeticOperator op, ReadOnlySpan<float> values)
    {
        if (steps <= 0) return;
        RowChecks.Check(size, inputs, inputStride, outputs, outputStride, steps);
        if (values.Length != 1) RowChecks.CheckVector(values, size, optional: false, nameof(values));
        for (int s = 0; s < steps; s++)
        {
            ReadOnlySpan<float> x = inputs.Slice(s * inputStride, size);
            Span<float> y = outputs.Slice(s * outputStride, size);
            int step = values.Length == 1 ? 0 : 1; // one constant for all features, or one each
            switch (op)
            {
                case ArithmeticOperator.Add: for (int j = 0; j < size; j++) y[j] = x[j] + values[j * step]; break;
                case ArithmeticOperator.Subtract: for (int j = 0; j < size; j++) y[j] = x[j] - values[j * step]; break;
                case ArithmeticOperator.SubtractFrom: for (int j = 0; j < size; j++) y[j] = values[j * step] - x[j]; break;
                case ArithmeticOperator.Multiply: for (int j = 0; j < size; j++) y[j] = x[j] * values[j * step]; break;
                case ArithmeticOperator.Divide: for (int j = 0; j < size; j++) y[j] = x[j] / values[j * step]; break;
                default: throw new ArgumentOutOfRangeException(nameof(op));
            }
        }
    }
}
