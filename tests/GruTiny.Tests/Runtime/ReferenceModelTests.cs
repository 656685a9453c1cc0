using System;
using System.Globalization;
using System.Linq;
using GruTiny.Model;
using Xunit;

namespace GruTiny.Tests.Runtime;

/// <summary>The float64 reference itself, where no PyTorch case covers it.</summary>
public sealed class ReferenceModelTests
{
    [Fact]
    public void Output_normalisation_after_a_last_gru_layer_leaves_its_hidden_state_alone()
    {
        // The last layer's output is its new hidden state: denormalising it in place (as the reference once
        // did) changed the state of every later step, and so the build-time self-check of such a model.
        var random = new Random(3);
        string Values(int n) => "[" + string.Join(",", Enumerable.Range(0, n).Select(_ => ((float)(random.NextDouble() - 0.5)).ToString("R", CultureInfo.InvariantCulture))) + "]";
        string Matrix(int rows, int columns) => "[" + string.Join(",", Enumerable.Range(0, rows).Select(_ => Values(columns))) + "]";
        string json = $$$"""
            {"format":"grutiny/1","input_size":2,
             "layers":[{"type":"gru","hidden_size":3,"linear_before_reset":true,"weight_ih":{{{Matrix(9, 2)}}},"weight_hh":{{{Matrix(9, 3)}}},"bias_ih":{{{Values(9)}}},"bias_hh":{{{Values(9)}}}}],
             "output_normalization":{"mean":[10,-20,30],"std":[2,3,4]}}
            """;
        ModelDescription model = ModelDescriptionReader.TryRead(json, ModelDescriptionReader.DefaultMaxParameters, out ModelFormatError? error)!;
        Assert.Null(error);
        var reference = new ReferenceModel(model);
        GruNetwork interpreter = GruNetwork.Load(json);
        var output = new float[3];
        for (int t = 0; t < 6; t++)
        {
            float[] input = [MathF.Sin(t), MathF.Cos(2 * t)];
            double[] expected = reference.Step(input);
            interpreter.Step(input, output);
            for (int j = 0; j < 3; j++)
                Assert.True(Math.Abs(output[j] - expected[j]) <= 1e-5 * Math.Max(1, Math.Abs(expected[j])), $"step {t} output {j}: {output[j]} vs {expected[j]}");
            // The state the reference reports is the raw hidden state, each value within (−1, 1).
            Assert.All(reference.State(), h => Assert.InRange(h, -1, 1));
        }
    }
}
