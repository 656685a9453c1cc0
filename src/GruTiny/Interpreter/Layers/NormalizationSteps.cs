using System;
using GruTiny.Model;

namespace GruTiny.Interpreter.Layers;

/// <summary>input_normalization and output_normalization (fields of grutiny/1, not layers) for the interpreter.</summary>
internal static class NormalizationSteps
{
    /// <summary>x' = (x − mean) / std into <paramref name="normalized"/>.</summary>
    public static void Normalize(Normalization norm, ReadOnlySpan<float> input, Span<float> normalized)
    {
        for (int j = 0; j < normalized.Length; j++) normalized[j] = (input[j] - norm.Mean[j]) / norm.Std[j];
    }

    /// <summary>y = y' · std + mean, in place.</summary>
    public static void Denormalize(Normalization norm, Span<float> y)
    {
        for (int j = 0; j < y.Length; j++) y[j] = y[j] * norm.Std[j] + norm.Mean[j];
    }
}
