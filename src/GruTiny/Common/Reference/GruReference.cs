using System;

namespace GruTiny.Model.Reference;

/// <summary>
/// A GRU layer in float64: r, z, n as PyTorch's <c>nn.GRU</c> (linear_before_reset) or the Cho 2014 form, with ONNX's
/// clip (each activation's input clamped to [−clip, clip]), the initial state the model gives, and ONNX's
/// directions (forward, reverse, bidirectional).
/// </summary>
internal sealed class GruReference : ReferenceLayer
{
    private readonly GruLayerDescription layer;
    private double[] _hidden;

    public GruReference(GruLayerDescription layer)
    {
        this.layer = layer;
        _hidden = FullState(layer);
    }

    /// <summary>Every direction's state (h_n: forward, then reverse).</summary>
    public override int StateSize => layer.StateSize;

    public override void Reset() => _hidden = FullState(layer);

    // Every direction's initial state, as h_n orders them (forward, then reverse).
    private static double[] FullState(GruLayerDescription layer)
    {
        double[] forward = InitialState(layer);
        if (layer.Backward is null) return forward;
        var both = new double[2 * layer.HiddenSize];
        forward.CopyTo(both, 0);
        InitialState(layer.Backward).CopyTo(both, layer.HiddenSize);
        return both;
    }

    public override void CopyState(double[] state, int at) => Array.Copy(_hidden, 0, state, at, _hidden.Length);

    public override double[] Step(double[] x)
    {
        if (layer.Direction != GruDirection.Forward)
            throw new InvalidOperationException("A reverse or bidirectional GRU layer reads the whole sequence: call Sequence.");
        _hidden = Cell(layer, x, _hidden);
        return _hidden;
    }

    /// <summary>
    /// The layer over a whole sequence: forward from the current state; reverse from the initial state, last step
    /// first; bidirectional both, each output [forward, reverse]. The state becomes h_n.
    /// </summary>
    public override double[][] Sequence(double[][] xs)
    {
        if (layer.Direction == GruDirection.Forward) return base.Sequence(xs);
        GruLayerDescription forward = layer, reverse = layer.Backward ?? layer;
        int n = layer.HiddenSize, steps = xs.Length;
        var ys = new double[steps][];
        for (int t = 0; t < steps; t++) ys[t] = new double[layer.OutputSize];
        double[] hf = InitialState(forward), hr = InitialState(reverse);
        if (layer.Direction == GruDirection.Bidirectional)
        {
            for (int t = 0; t < steps; t++)
            {
                hf = Cell(forward, xs[t], hf);
                Array.Copy(hf, 0, ys[t], 0, n);
            }
        }

        int at = layer.Direction == GruDirection.Bidirectional ? n : 0;
        for (int t = steps - 1; t >= 0; t--)
        {
            hr = Cell(reverse, xs[t], hr);
            Array.Copy(hr, 0, ys[t], at, n);
        }

        _hidden = new double[layer.StateSize];
        if (layer.Direction == GruDirection.Bidirectional) Array.Copy(hf, _hidden, n);
        Array.Copy(hr, 0, _hidden, at, n);
        return ys;
    }

    // h0 of every direction (zeros where the model gives none).
    private static double[] InitialState(GruLayerDescription layer)
    {
        var h = new double[layer.HiddenSize];
        if (layer.InitialState is { } h0)
            for (int j = 0; j < h0.Length; j++) h[j] = h0[j];
        return h;
    }

    private static double Clip(GruLayerDescription layer, double x) => layer.Clip is { } c ? Math.Max(-c, Math.Min(c, x)) : x;

    // One step of one direction's weights: h' from x and h (new array).
    private static double[] Cell(GruLayerDescription layer, double[] x, double[] h)
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

            r[j] = Sigmoid(Clip(layer, ir + hr));
            z[j] = Sigmoid(Clip(layer, iz + hz));
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
            double candidate = Math.Tanh(Clip(layer, xn[j] + hn[j]));
            next[j] = (1 - z[j]) * candidate + z[j] * h[j];
        }

        return next;
    }
}
