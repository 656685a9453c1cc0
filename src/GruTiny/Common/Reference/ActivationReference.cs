using System;
using GruTiny.Kernels;

namespace GruTiny.Model.Reference;

/// <summary>The activations in float64, straight from their definitions (docs/model-format.md).</summary>
internal static class ActivationReference
{
    /// <summary>Applies <paramref name="f"/> to <paramref name="y"/> in place.</summary>
    public static void Apply(ActivationFunction f, double[] y)
    {
        switch (f.Kind)
        {
            case ActivationKind.Softmax:
            case ActivationKind.LogSoftmax:
                double max = double.NegativeInfinity, sum = 0;
                foreach (double v in y) max = Math.Max(max, v);
                foreach (double v in y) sum += Math.Exp(v - max);
                for (int o = 0; o < y.Length; o++)
                    y[o] = f.Kind == ActivationKind.Softmax ? Math.Exp(y[o] - max) / sum : y[o] - max - Math.Log(sum);
                return;
        }

        for (int o = 0; o < y.Length; o++) y[o] = Element(f, y[o], o);
    }

    private static double Element(ActivationFunction f, double x, int index)
    {
        switch (f.Kind)
        {
            case ActivationKind.Linear: return x;
            case ActivationKind.Relu: return x > 0 || double.IsNaN(x) ? x : 0;
            case ActivationKind.Sigmoid: return 1 / (1 + Math.Exp(-x));
            case ActivationKind.Tanh: return Math.Tanh(x);
            case ActivationKind.LeakyRelu: return x >= 0 || double.IsNaN(x) ? x : f.Alpha * x;
            case ActivationKind.Prelu: return x >= 0 || double.IsNaN(x) ? x : f.Slope(index) * x;
            case ActivationKind.Elu: return x > 0 || double.IsNaN(x) ? x : f.Alpha * (Math.Exp(x) - 1);
            case ActivationKind.Gelu: return 0.5 * x * (1 + Erf.Of(x / Math.Sqrt(2)));
            case ActivationKind.GeluTanh: return 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
            case ActivationKind.Hardtanh: return double.IsNaN(x) ? x : Math.Min(Math.Max(x, f.Alpha), f.Beta);
            case ActivationKind.Hardsigmoid:
                double h = (double)f.Alpha * x + f.Beta;
                return double.IsNaN(h) ? h : Math.Min(Math.Max(h, 0), 1);
            case ActivationKind.Silu: return x / (1 + Math.Exp(-x));
            case ActivationKind.Softsign: return x / (1 + Math.Abs(x));
            default: throw new InvalidOperationException($"The float64 reference has no activation {f.Kind}.");
        }
    }
}
