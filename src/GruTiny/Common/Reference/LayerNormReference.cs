using System;

namespace GruTiny.Model.Reference;

/// <summary>Layer normalisation in float64: the mean and the biased variance over the step's features.</summary>
internal sealed class LayerNormReference(LayerNormLayerDescription layer) : ReferenceLayer
{
    public override double[] Step(double[] x)
    {
        double mean = 0, variance = 0;
        foreach (double v in x) mean += v;
        mean /= x.Length;
        foreach (double v in x) variance += (v - mean) * (v - mean);
        variance /= x.Length;
        double inverse = 1 / Math.Sqrt(variance + layer.Epsilon);
        var y = new double[x.Length];
        for (int j = 0; j < y.Length; j++)
            y[j] = (x[j] - mean) * inverse * (layer.Weight is null ? 1.0 : layer.Weight[j]) + Bias(layer.Bias, j);
        return y;
    }
}
