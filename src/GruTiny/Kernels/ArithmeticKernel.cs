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
            for (int j = 0; j < size; j++)
            {
                float c = values.Length == 1 ? values[0] : values[j];
                y[j] = op switch
                {
                    ArithmeticOperator.Add => x[j] + c,
                    ArithmeticOperator.Subtract => x[j] - c,
                    ArithmeticOperator.SubtractFrom => c - x[j],
                    ArithmeticOperator.Multiply => x[j] * c,
                    ArithmeticOperator.Divide => x[j] / c,
                    _ => throw new ArgumentOutOfRangeException(nameof(op)),
                };
            }
        }
    }
}
