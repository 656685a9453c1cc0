using System;
using GruTiny.Kernels;

namespace GruTiny.Model;

/// <summary>
/// The model's equations computed the plainest way, in float64, straight from PyTorch's tensor layout.
/// The oracle the fast kernels are tested against (and cheap enough to run at build time on a few vectors).
/// </summary>
internal sealed class ReferenceModel
{
    private readonly ModelDescription _model;
    private readonly double[][] _hidden;

    public ReferenceModel(ModelDescription model)
    {
        _model = model;
        _hidden = new double[model.Layers.Length][];
        for (int i = 0; i < model.Layers.Length; i++)
            if (model.Layers[i] is GruLayerDescription gru) _hidden[i] = new double[gru.HiddenSize];
    }

    /// <summary>Sets every hidden state back to zero.</summary>
    public void Reset()
    {
        foreach (double[] h in _hidden)
            if (h is not null) Array.Clear(h, 0, h.Length);
    }

    /// <summary>The hidden states of the GRU layers, concatenated in layer order.</summary>
    public double[] State()
    {
        var state = new double[_model.StateSize];
        int at = 0;
        foreach (double[] h in _hidden)
        {
            if (h is null) continue;
            Array.Copy(h, 0, state, at, h.Length);
            at += h.Length;
        }

        return state;
    }

    /// <summary>Advances one step and returns the model's output.</summary>
    public double[] Step(float[] input)
    {
        double[] x = new double[input.Length];
        for (int i = 0; i < input.Length; i++) x[i] = input[i];
        if (_model.Embedding is { } embedding)
        {
            // A token model's input is the token id; the embedding is a row lookup.
            int token = (int)input[0];
            x = new double[embedding.Dimension];
            for (int j = 0; j < x.Length; j++) x[j] = embedding.Weight[token * embedding.Dimension + j];
        }
        if (_model.InputNormalization is { } inNorm)
            for (int i = 0; i < x.Length; i++) x[i] = (x[i] - inNorm.Mean[i]) / inNorm.Std[i];
        for (int l = 0; l < _model.Layers.Length; l++)
        {
            x = _model.Layers[l] switch
            {
                EmbeddingLayerDescription => x,
                GruLayerDescription gru => _hidden[l] = GruStep(gru, x, _hidden[l]),
                DenseLayerDescription dense => Dense(dense, x),
                _ => throw new InvalidOperationException("Unknown layer."),
            };
        }

        if (_model.OutputNormalization is { } outNorm)
            for (int j = 0; j < x.Length; j++) x[j] = x[j] * outNorm.Std[j] + outNorm.Mean[j];
        return (double[])x.Clone();
    }

    private static double[] GruStep(GruLayerDescription layer, double[] x, double[] h)
    {
        int n = layer.HiddenSize, input = layer.InputSize;
        var next = new double[n];
        var rh = new double[n];
        var r = new double[n];
        var z = new double[n];
        var xn = new double[n];
        var hn = new double[n];
        for (int j = 0; j < n; j++)
        {
            double ir = Bias(layer.BiasIh, j), iz = Bias(layer.BiasIh, n + j), inn = Bias(layer.BiasIh, 2 * n + j);
            for (int k = 0; k < input; k++)
            {
                ir += layer.WeightIh[j * input + k] * x[k];
                iz += layer.WeightIh[(n + j) * input + k] * x[k];
                inn += layer.WeightIh[(2 * n + j) * input + k] * x[k];
            }

            double hr = Bias(layer.BiasHh, j), hz = Bias(layer.BiasHh, n + j);
            for (int k = 0; k < n; k++)
            {
                hr += layer.WeightHh[j * n + k] * h[k];
                hz += layer.WeightHh[(n + j) * n + k] * h[k];
            }

            r[j] = Sigmoid(ir + hr);
            z[j] = Sigmoid(iz + hz);
            xn[j] = inn;
            rh[j] = r[j] * h[j];
        }

        for (int j = 0; j < n; j++)
        {
            // linear_before_reset: r ⊙ (W_hn h + b_hn); otherwise W_hn (r ⊙ h) + b_hn.
            double[] source = layer.LinearBeforeReset ? h : rh;
            double acc = Bias(layer.BiasHh, 2 * n + j);
            for (int k = 0; k < n; k++) acc += layer.WeightHh[(2 * n + j) * n + k] * source[k];
            hn[j] = layer.LinearBeforeReset ? r[j] * acc : acc;
            double candidate = Math.Tanh(xn[j] + hn[j]);
            next[j] = (1 - z[j]) * candidate + z[j] * h[j];
        }

        return next;
    }

    private static double[] Dense(DenseLayerDescription layer, double[] x)
    {
        var y = new double[layer.OutputSize];
        for (int o = 0; o < y.Length; o++)
        {
            double acc = Bias(layer.Bias, o);
            for (int k = 0; k < layer.InputSize; k++) acc += layer.Weight[o * layer.InputSize + k] * x[k];
            y[o] = layer.Activation switch
            {
                DenseActivation.Relu => acc > 0 || double.IsNaN(acc) ? acc : 0,
                DenseActivation.Sigmoid => Sigmoid(acc),
                DenseActivation.Tanh => Math.Tanh(acc),
                _ => acc,
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

    private static double Bias(float[]? bias, int index) => bias is null ? 0 : bias[index];

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));
}
