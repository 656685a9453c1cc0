using System;

namespace GruTiny.Model.Reference;

/// <summary>
/// A GRU layer in float64: r, z, n as PyTorch's <c>nn.GRU</c> (linear_before_reset) or the Cho 2014 form, with ONNX's
/// clip (each activation's input clamped to [−clip, clip]) and the initial state the model gives.
/// </summary>
internal sealed class GruReference : ReferenceLayer
{
    private readonly GruLayerDescription layer;
    private double[] _hidden;

    public GruReference(GruLayerDescription layer)
    {
        this.layer = layer;
        _hidden = new double[layer.HiddenSize];
        Reset();
    }

    public override int StateSize => layer.HiddenSize;

    public override void Reset()
    {
        _hidden = new double[layer.HiddenSize];
        if (layer.InitialState is { } h0)
            for (int j = 0; j < h0.Length; j++) _hidden[j] = h0[j];
    }

    private double Clip(double x) => layer.Clip is { } c ? Math.Max(-c, Math.Min(c, x)) : x;

    public override void CopyState(double[] state, int at) => Array.Copy(_hidden, 0, state, at, _hidden.Length);

    public override double[] Step(double[] x)
    {
        double[] h = _hidden;
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

            r[j] = Sigmoid(Clip(ir + hr));
            z[j] = Sigmoid(Clip(iz + hz));
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
            double candidate = Math.Tanh(Clip(xn[j] + hn[j]));
            next[j] = (1 - z[j]) * candidate + z[j] * h[j];
        }

        _hidden = next;
        return next;
    }
}
