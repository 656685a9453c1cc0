using System;
using GruTiny.Model;

namespace GruTiny.Interpreter.Layers;

/// <summary>Layer normalisation, with float64 sums as the kernel has them.</summary>
internal sealed class LayerNormInterpreterLayer(LayerNormLayerDescription layer) : InterpreterLayer(layer.OutputSize)
{
    public override void Step(ReadOnlySpan<float> x)
    {
        double mean = 0, squares = 0;
        foreach (float v in x) mean += v;
        mean /= x.Length;
        foreach (float v in x) squares += (v - mean) * (v - mean);
        double inverse = 1 / Math.Sqrt(squares / x.Length + layer.Epsilon);
        Span<float> y = Output;
        for (int j = 0; j < y.Length; j++)
            y[j] = (float)((x[j] - mean) * inverse) * (layer.Weight?[j] ?? 1f) + (layer.Bias?[j] ?? 0f);
    }
}
