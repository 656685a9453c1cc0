using System;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace GruTiny.Bench;

/// <summary>
/// The baseline: the GRU a user would write by hand in plain C# — jagged arrays in PyTorch's layout, scalar
/// loops, <see cref="MathF"/> for the activations, buffers allocated once.
/// </summary>
public sealed class ScalarGru
{
    private readonly Layer[] _grus;
    private readonly (float[][] W, float[] B)? _dense;
    private readonly float[][] _h;
    private readonly float[] _gi, _gh;

    private sealed record Layer(int In, int H, float[][] Wih, float[][] Whh, float[] Bih, float[] Bhh);

    public ScalarGru(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        var layers = doc.RootElement.GetProperty("layers").EnumerateArray().ToArray();
        _grus = layers.Where(l => l.GetProperty("type").GetString() == "gru").Select(l => new Layer(
            l.GetProperty("weight_ih")[0].GetArrayLength(), l.GetProperty("hidden_size").GetInt32(),
            Matrix(l.GetProperty("weight_ih")), Matrix(l.GetProperty("weight_hh")),
            Vector(l.GetProperty("bias_ih")), Vector(l.GetProperty("bias_hh")))).ToArray();
        JsonElement? dense = layers.Cast<JsonElement?>().FirstOrDefault(l => l!.Value.GetProperty("type").GetString() == "dense");
        if (dense is { } d) _dense = (Matrix(d.GetProperty("weight")), Vector(d.GetProperty("bias")));
        _h = _grus.Select(g => new float[g.H]).ToArray();
        int widest = _grus.Max(g => g.H);
        _gi = new float[3 * widest];
        _gh = new float[3 * widest];
        OutputSize = _dense?.B.Length ?? _grus[^1].H;
    }

    public int OutputSize { get; }

    public void Step(ReadOnlySpan<float> input, Span<float> output)
    {
        ReadOnlySpan<float> x = input;
        for (int l = 0; l < _grus.Length; l++)
        {
            Layer g = _grus[l];
            float[] h = _h[l];
            for (int r = 0; r < 3 * g.H; r++)
            {
                float a = g.Bih[r], b = g.Bhh[r];
                for (int i = 0; i < g.In; i++) a += g.Wih[r][i] * x[i];
                for (int i = 0; i < g.H; i++) b += g.Whh[r][i] * h[i];
                _gi[r] = a;
                _gh[r] = b;
            }

            for (int j = 0; j < g.H; j++)
            {
                float reset = Sigmoid(_gi[j] + _gh[j]);
                float update = Sigmoid(_gi[g.H + j] + _gh[g.H + j]);
                float candidate = MathF.Tanh(_gi[2 * g.H + j] + reset * _gh[2 * g.H + j]);
                h[j] = (1 - update) * candidate + update * h[j];
            }

            x = h;
        }

        if (_dense is { } d)
        {
            for (int o = 0; o < d.B.Length; o++)
            {
                float s = d.B[o];
                for (int i = 0; i < x.Length; i++) s += d.W[o][i] * x[i];
                output[o] = s;
            }
        }
        else
        {
            x.CopyTo(output);
        }
    }

    private static float Sigmoid(float v) => 1 / (1 + MathF.Exp(-v));

    private static float[][] Matrix(JsonElement e) => e.EnumerateArray().Select(Vector).ToArray();

    private static float[] Vector(JsonElement e) => e.EnumerateArray().Select(v => v.GetSingle()).ToArray();
}
