using System;

namespace GruTiny.Kernels;

/// <summary>The activations that mix the values of a row: softmax and log_softmax.</summary>
internal static class RowFunctions
{
    /// <summary>
    /// Softmax (or its logarithm) over one row in place, shifted by the row's maximum so that exp never overflows:
    /// e^(x − max) / Σ, or x − max − log Σ. NaN anywhere gives NaN everywhere.
    /// </summary>
    public static void Softmax(Span<float> row, bool log)
    {
        float max = float.NegativeInfinity;
        bool nan = false;
        foreach (float v in row)
        {
            if (v > max) max = v;
            nan |= float.IsNaN(v);
        }

        if (nan)
        {
            row.Fill(float.NaN);
            return;
        }

        float sum = 0f;
        if (log)
        {
            foreach (float v in row) sum += MathF.Exp(v - max);
            // (x − max) − log Σ rather than x − (max + log Σ): the difference to the maximum is exact, and stays so.
            float logSum = MathF.Log(sum);
            for (int i = 0; i < row.Length; i++) row[i] = (row[i] - max) - logSum;
            return;
        }

        for (int i = 0; i < row.Length; i++)
        {
            float e = MathF.Exp(row[i] - max);
            row[i] = e;
            sum += e;
        }

        for (int i = 0; i < row.Length; i++)
            row[i] /= sum;
    }
}
