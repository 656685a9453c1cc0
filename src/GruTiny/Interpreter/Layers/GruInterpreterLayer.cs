using System;
using System.Numerics.Tensors;
using GruTiny.Model;

namespace GruTiny.Interpreter.Layers;

/// <summary>
/// A GRU layer with TensorPrimitives, straight from PyTorch's tensor layout (gates r, z, n); a reverse layer runs
/// its sequence from the last step back, and a bidirectional one has its reverse half as a layer of its own.
/// </summary>
internal sealed class GruInterpreterLayer : InterpreterLayer
{
    private readonly GruLayerDescription _layer;
    private readonly float[] _hidden, _gi, _gh, _scratch;
    private readonly GruInterpreterLayer? _backward;

    public GruInterpreterLayer(GruLayerDescription layer)
        : base(layer.OutputSize)
    {
        _layer = layer;
        _backward = layer.Backward is null ? null : new GruInterpreterLayer(layer.Backward);
        int n = layer.HiddenSize;
        _hidden = new float[n];
        _gi = new float[3 * n];
        _gh = new float[3 * n];
        _scratch = new float[n];
        Reset();
    }

    public override int StateSize => _layer.Direction == GruDirection.Forward ? _hidden.Length : 0; // a whole-sequence layer keeps nothing

    // A new network and Reset start from the model's initial state (zeros unless it gives one).
    public override void Reset()
    {
        if (_layer.InitialState is { } h0) h0.CopyTo(_hidden, 0);
        else _hidden.AsSpan().Clear();
    }

    public override void CopyStateTo(Span<float> state) => _hidden.CopyTo(state);

    public override void SetState(ReadOnlySpan<float> state) => state.CopyTo(_hidden);

    public override void Step(ReadOnlySpan<float> x)
    {
        if (_layer.Direction != GruDirection.Forward)
            throw new InvalidOperationException("A reverse or bidirectional GRU layer reads the whole sequence.");
        Cell(x, Output);
    }

    public override void Sequence(ReadOnlySpan<float> xs, int inStride, int inWidth, Span<float> ys, int outStride, int steps)
    {
        int n = _layer.HiddenSize;
        if (_layer.Direction == GruDirection.Forward)
        {
            base.Sequence(xs, inStride, inWidth, ys, outStride, steps);
            return;
        }

        if (_layer.Direction == GruDirection.Bidirectional)
        {
            Reset();
            for (int t = 0; t < steps; t++) Cell(xs.Slice(t * inStride, _layer.InputSize), ys.Slice(t * outStride, n));
        }

        GruInterpreterLayer reverse = _backward ?? this;
        int column = _backward is null ? 0 : n;
        reverse.Reset();
        for (int t = steps - 1; t >= 0; t--) reverse.Cell(xs.Slice(t * inStride, _layer.InputSize), ys.Slice(t * outStride + column, n));
    }

    // One step of this direction's weights from its hidden state: the new state into next and the hidden state.
    private void Cell(ReadOnlySpan<float> x, Span<float> next)
    {
        GruLayerDescription layer = _layer;
        int n = layer.HiddenSize;
        ReadOnlySpan<float> h = _hidden;
        Span<float> gi = _gi, gh = _gh, tmp = _scratch;
        MatVec(layer.WeightIh, layer.BiasIh, x, gi);

        // r and z: σ(W_i x + b_i + W_h h + b_h).
        MatVec(layer.WeightHh.AsSpan(0, 2 * n * n), layer.BiasHh is null ? null : layer.BiasHh.AsSpan(0, 2 * n), h, gh.Slice(0, 2 * n));
        TensorPrimitives.Add(gi.Slice(0, 2 * n), gh.Slice(0, 2 * n), gi.Slice(0, 2 * n));
        Clip(gi.Slice(0, 2 * n));
        TensorPrimitives.Sigmoid(gi.Slice(0, 2 * n), gi.Slice(0, 2 * n));
        Span<float> r = gi.Slice(0, n), z = gi.Slice(n, n), inX = gi.Slice(2 * n, n), hn = gh.Slice(2 * n, n);

        ReadOnlySpan<float> whn = layer.WeightHh.AsSpan(2 * n * n, n * n);
        ReadOnlySpan<float> bhn = layer.BiasHh is null ? default : layer.BiasHh.AsSpan(2 * n, n);
        if (layer.LinearBeforeReset)
        {
            MatVec(whn, bhn, h, hn);                          // W_hn h + b_hn
            TensorPrimitives.Multiply(r, hn, hn);             // r ⊙ (W_hn h + b_hn)
        }
        else
        {
            TensorPrimitives.Multiply(r, h, tmp);             // r ⊙ h
            MatVec(whn, bhn, tmp, hn);                        // W_hn (r ⊙ h) + b_hn
        }

        TensorPrimitives.Add(inX, hn, tmp);
        Clip(tmp);
        TensorPrimitives.Tanh(tmp, tmp);                      // n
        TensorPrimitives.Subtract(h, tmp, next);              // h − n
        TensorPrimitives.MultiplyAdd(next, z, tmp, next);     // n + z (h − n) = (1 − z) n + z h
        next.CopyTo(_hidden);
    }

    // ONNX's clip: each activation's input clamped to [−clip, clip].
    private void Clip(Span<float> x)
    {
        if (_layer.Clip is { } c) TensorPrimitives.Clamp(x, -c, c, x);
    }
}
