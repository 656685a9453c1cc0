using System;
using GruTiny.Kernels;

namespace GruTiny.Model.Reference;

/// <summary>A dense layer and its activation in float64.</summary>
internal sealed class DenseReference(DenseLayerDescription layer) : ReferenceLayer
{
    public override double[] Step(double[] x)
    {
        var y = new double[layer.OutputSize];
        for (int o = 0; o < y.Length; o++)
        {
            double acc = Bias(layer.Bias, o);
            for (int k = 0; k < layer.InputSize; k++) acc += layer.Weight[o * layer.InputSize + k] * x[k];
            y[o] = layer.Activation switch
            {
                DenseActivation.Linear or DenseActivation.Softmax => acc, // softmax over the whole row, below
                DenseActivation.Relu => acc > 0 || double.IsNaN(acc) ? acc : 0,
                DenseActivation.Sigmoid => Sigmoid(acc),
                DenseActivation.Tanh => Math.Tanh(acc),
                _ => throw new InvalidOperationException($"The float64 reference has no dense activation {layer.Activation}."),
            };
        }

        if (layer.Activation == DenseActivation.Softmax)
        {
            double max = double.NegativeInfinity, sum = 0;
            foreach (double v in y) max = Math.Max(max, v);
            for (int o = 0; o < y.Length; o++) sum += y[o] = Math.Exp(y[o] - max);
            for (int o = 0; o < y.Length; o++) y[o] /= sum;
        }

        return y;
    }
}
