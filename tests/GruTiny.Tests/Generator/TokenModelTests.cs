using System;
using System.Linq;
using GruTiny.Model;
using Microsoft.CodeAnalysis;
using Xunit;
using static GruTiny.Tests.Generator.GeneratorHarness;

namespace GruTiny.Tests.Generator;

/// <summary>
/// A model whose first layer is an embedding, compiled in memory: the token API agrees with the float API, the
/// interpreter and the float64 reference; out-of-range tokens throw before any state changes; no allocation.
/// </summary>
[Collection(AllocationCollection.Name)]
public sealed class TokenModelTests
{
    // V = 7 tokens of dimension 3 (over 2 literal rows would need more: the chunking is covered by the large case).
    private static readonly string Json = BuildJson(vocabulary: 7, dimension: 3, hidden: 4);

    private static string BuildJson(int vocabulary, int dimension, int hidden)
    {
        var random = new Random(5);
        string Row(int n) => "[" + string.Join(",", Enumerable.Range(0, n).Select(_ => (random.NextDouble() - 0.5).ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]";
        string Matrix(int rows, int cols) => "[" + string.Join(",", Enumerable.Range(0, rows).Select(_ => Row(cols))) + "]";
        return $$"""
            {"format":"grutiny/1","input_size":{{vocabulary}},"layers":[
             {"type":"embedding","weight":{{Matrix(vocabulary, dimension)}}},
             {"type":"gru","hidden_size":{{hidden}},"linear_before_reset":true,"weight_ih":{{Matrix(3 * hidden, dimension)}},"weight_hh":{{Matrix(3 * hidden, hidden)}},"bias_hh":{{Row(3 * hidden)}}},
             {"type":"dense","activation":"softmax","weight":{{Matrix(vocabulary, hidden)}},"bias":{{Row(vocabulary)}}}]}
            """;
    }

    private static IGruTokenModel Compile(string json, string type = "Tokens")
    {
        GeneratorResult result = Generate($$"""
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/t.gru.json")]
            public partial struct {{type}};
            """, ModelFile("models/t.gru.json", json));
        Assert.Empty(result.Diagnostics);
        return (IGruTokenModel)CreateModel(CompileAndLoad(result.Output, collectible: false), type);
    }

    [Fact]
    public void Token_api_float_api_interpreter_and_reference_agree()
    {
        IGruTokenModel model = Compile(Json);
        GruNetwork network = GruNetwork.Load(Json);
        var reference = new ReferenceModel(ModelDescriptionReader.TryRead(Json, 2_000_000, out _)!);
        Assert.Equal((7, 1, 7, 4), (model.VocabularySize, model.InputSize, model.OutputSize, model.StateSize));

        int[] tokens = [3, 0, 6, 6, 1, 5, 2, 4, 0];
        var viaRun = new float[tokens.Length * 7];
        model.Run(tokens, viaRun);
        IGruTokenModel stepped = Compile(Json, "Stepped");
        var y = new float[7];
        var z = new float[7];
        for (int t = 0; t < tokens.Length; t++)
        {
            stepped.Step(tokens[t], y);
            network.Step(tokens[t], z);
            double[] r = reference.Step([tokens[t]]);
            Assert.Equal(viaRun.AsSpan(t * 7, 7).ToArray(), y);
            for (int j = 0; j < 7; j++)
            {
                Assert.True(Math.Abs(y[j] - r[j]) <= 1e-5 * Math.Max(1, Math.Abs(r[j])), $"step {t}: {y[j]} vs reference {r[j]}");
                Assert.True(Math.Abs(z[j] - r[j]) <= 1e-5 * Math.Max(1, Math.Abs(r[j])), $"step {t}: interpreter {z[j]} vs reference {r[j]}");
            }
        }

        // The float API takes the token id.
        model.Reset();
        var viaFloats = new float[viaRun.Length];
        model.Run(tokens.Select(t => (float)t).ToArray(), viaFloats);
        Assert.Equal(viaRun, viaFloats);

        var last = new float[7];
        model.Reset();
        model.RunFinal(tokens, last);
        Assert.Equal(viaRun.AsSpan(viaRun.Length - 7).ToArray(), last);
    }

    [Fact]
    public void A_deeper_cho_token_model_agrees_over_runs_longer_than_a_chunk()
    {
        // Embedding, a linear_before_reset=false GRU, two dense layers (the embedded rows sit after the dense
        // buffers in the work memory), and 300 tokens: several chunks of Run.
        var random = new Random(9);
        string Row(int n) => "[" + string.Join(",", Enumerable.Range(0, n).Select(_ => (random.NextDouble() - 0.5).ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]";
        string Matrix(int rows, int cols) => "[" + string.Join(",", Enumerable.Range(0, rows).Select(_ => Row(cols))) + "]";
        string json = $$"""
            {"format":"grutiny/1","input_size":11,"layers":[
             {"type":"embedding","weight":{{Matrix(11, 5)}}},
             {"type":"gru","hidden_size":6,"linear_before_reset":false,"weight_ih":{{Matrix(18, 5)}},"weight_hh":{{Matrix(18, 6)}},"bias_ih":{{Row(18)}}},
             {"type":"dense","activation":"relu","weight":{{Matrix(9, 6)}}},
             {"type":"dense","activation":"tanh","weight":{{Matrix(4, 9)}},"bias":{{Row(4)}}}]}
            """;
        IGruTokenModel model = Compile(json, "Deep");
        GruNetwork network = GruNetwork.Load(json);
        int[] tokens = Enumerable.Range(0, 300).Select(i => (i * 7 + i / 13) % 11).ToArray();
        float[] a = new float[300 * 4], b = new float[300 * 4];
        model.Run(tokens, a);
        network.Run(tokens, b);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-5 * Math.Max(1, Math.Abs(b[i])), $"value {i}: {a[i]} vs {b[i]}");
        Assert.Throws<ArgumentException>(() => model.Run(tokens.AsSpan(0, 4), System.Runtime.InteropServices.MemoryMarshal.Cast<int, float>(tokens.AsSpan(0, 16))));
    }

    [Fact]
    public void A_token_models_self_check_holds_token_ids()
    {
        var reference = new ReferenceModel(ModelDescriptionReader.TryRead(Json, 2_000_000, out _)!);
        int[] ids = [3, 0, 6];
        string outputs = string.Join(",", ids.Select(t => "[" + string.Join(",", reference.Step([t]).Select(v => ((float)v).ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "]"));
        string json = Json.TrimEnd().TrimEnd('}') + ",\"self_check\":{\"sequences\":[{\"inputs\":[[3],[0],[6]],\"outputs\":[" + outputs + "]}]}}";
        GeneratorResult result = Generate("""
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/t.gru.json")]
            public partial struct Checked;
            """, ModelFile("models/t.gru.json", json));
        Assert.Equal("GRUT042", Assert.Single(result.Diagnostics).Id);
        Assert.InRange(GruNetwork.Load(json).SelfCheckWorstError!.Value, 0, 1e-6);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(7)]
    [InlineData(int.MaxValue)]
    public void An_out_of_range_token_throws_before_any_state_changes(int bad)
    {
        IGruTokenModel model = Compile(Json);
        var output = new float[7];
        model.Step(2, output);
        float[] before = new float[4], after = new float[4];
        model.CopyStateTo(before);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Step(bad, output));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Run([1, 2, bad, 3], new float[4 * 7]));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.RunFinal([1, bad], output));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Step([(float)bad], output));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Step([2.5f], output));
        model.CopyStateTo(after);
        Assert.Equal(before, after);
    }

    [Fact]
    public void A_vocabulary_larger_than_one_literal_is_looked_up_across_chunks_without_allocating()
    {
        // 2,100 rows of dimension 16: 33,600 floats, three string literals of whole rows.
        string json = BuildJson(vocabulary: 2100, dimension: 16, hidden: 3);
        IGruTokenModel model = Compile(json, "Large");
        GruNetwork network = GruNetwork.Load(json);
        var y = new float[2100];
        var z = new float[2100];
        foreach (int token in new[] { 0, 999, 1000, 1999, 2000, 2099, 1234 })
        {
            model.Step(token, y);
            network.Step(token, z);
            for (int j = 0; j < y.Length; j++) Assert.True(Math.Abs(y[j] - z[j]) <= 1e-5 * Math.Max(1, Math.Abs(z[j])), $"token {token} output {j}");
        }

        int[] tokens = [5, 1500, 2099];
        var meter = AllocationMeter.Start();
        for (int i = 0; i < 2000; i++) model.Step(i % 2100, y);
        for (int i = 0; i < 200; i++) model.RunFinal(tokens, y);
        meter.Stop().AssertNone();
    }
}
