using System;

namespace GruTiny.Model.Reference;

/// <summary>Batch normalisation (inference mode) in float64, unfolded: (x − mean) / √(var + eps) · weight + bias.</summary>
internal sealed class BatchNormReference(BatchNormLayerDescription layer) : ReferenceLayer
{
    public override double[] Step(double[] x)
    {
        var y = new double[x.Length];
        for (int j = 0; j < y.Length; j++)
        {
            double normalized = (x[j] - layer.RunningMean[j]) / Math.Sqrt((double)layer.RunningVar[j] + layer.Epsilon);
            y[j] = normalized * (layer.Weight is null ? 1.0 : layer.Weight[j]) + Bias(layer.Bias, j);
        }

        return y;
    }
}
