using System;
using GruTiny.Model.Reference;

namespace GruTiny.Model;

/// <summary>
/// The model's equations computed the plainest way, in float64, straight from PyTorch's tensor layout.
/// The oracle the fast kernels are tested against (and cheap enough to run at build time on a few vectors).
/// Each layer kind's equations are a <see cref="ReferenceLayer"/> of their own (Common/Reference/).
/// </summary>
internal sealed class ReferenceModel
{
    private readonly ModelDescription _model;
    private readonly ReferenceLayer[] _layers;

    public ReferenceModel(ModelDescription model)
    {
        _model = model;
        _layers = new ReferenceLayer[model.Layers.Length];
        for (int i = 0; i < _layers.Length; i++) _layers[i] = ReferenceLayers.For(model.Layers[i]);
    }

    /// <summary>Sets every hidden state back to zero.</summary>
    public void Reset()
    {
        foreach (ReferenceLayer layer in _layers) layer.Reset();
    }

    /// <summary>The hidden states of the stateful layers, concatenated in layer order.</summary>
    public double[] State()
    {
        var state = new double[_model.StateSize];
        int at = 0;
        foreach (ReferenceLayer layer in _layers)
        {
            layer.CopyState(state, at);
            at += layer.StateSize;
        }

        return state;
    }

    /// <summary>
    /// A whole sequence ([steps × input] values) from the initial state, layer by layer: every step's output (new
    /// arrays). For a model that <see cref="ModelDescription.Streams"/>, the same as Reset and a Step per row.
    /// </summary>
    public double[][] Run(float[] inputs, int steps)
    {
        Reset();
        int width = inputs.Length / Math.Max(1, steps);
        var xs = new double[steps][];
        for (int t = 0; t < steps; t++)
        {
            xs[t] = new double[width];
            for (int i = 0; i < width; i++) xs[t][i] = inputs[t * width + i];
            if (_model.InputNormalization is { } inNorm)
                for (int i = 0; i < width; i++) xs[t][i] = (xs[t][i] - inNorm.Mean[i]) / inNorm.Std[i];
        }

        foreach (ReferenceLayer layer in _layers) xs = layer.Sequence(xs);
        if (_model.OutputNormalization is { } outNorm)
            foreach (double[] y in xs)
                for (int j = 0; j < y.Length; j++) y[j] = y[j] * outNorm.Std[j] + outNorm.Mean[j];
        return xs;
    }

    /// <summary>Advances one step and returns the model's output (a new array).</summary>
    public double[] Step(float[] input)
    {
        double[] x = new double[input.Length];
        for (int i = 0; i < input.Length; i++) x[i] = input[i];
        if (_model.InputNormalization is { } inNorm)
            for (int i = 0; i < x.Length; i++) x[i] = (x[i] - inNorm.Mean[i]) / inNorm.Std[i];
        foreach (ReferenceLayer layer in _layers) x = layer.Step(x);

        // A copy: a GRU's output is its new hidden state, which the output normalisation must not change.
        double[] y = (double[])x.Clone();
        if (_model.OutputNormalization is { } outNorm)
            for (int j = 0; j < y.Length; j++) y[j] = y[j] * outNorm.Std[j] + outNorm.Mean[j];
        return y;
    }
}
