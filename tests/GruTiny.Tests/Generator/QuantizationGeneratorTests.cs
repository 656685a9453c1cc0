using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using GruTiny.Model;
using Microsoft.CodeAnalysis;
using Xunit;
using static GruTiny.Tests.Generator.GeneratorHarness;

namespace GruTiny.Tests.Generator;

/// <summary>
/// Choosing a weight type at build time: the attribute, the AdditionalFiles item's GruTinyWeights metadata and which
/// wins, GRUT060–GRUT066, the report of the quantised model's deviation from the self-check, and the compiled model
/// computing with exactly the interpreter's dequantised weights.
/// </summary>
public sealed class QuantizationGeneratorTests
{
    // A model whose file carries self-check data from PyTorch (a learned h0, a dense head).
    private static string SelfCheckedJson => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Models", "layered", "h0_in3_h10_linear2.gru.json"));

    private static string Source(string weights = "") =>
        $"namespace Sample {{ /// <summary>M.</summary>\n[GruTiny.GruModel(\"models/m.gru.json\"{weights})] public partial class M; }}";

    [Fact]
    public void The_attribute_chooses_int8_and_the_build_reports_its_deviation_from_the_self_check()
    {
        GeneratorResult result = Generate(Source(", Weights = GruTiny.GruWeightType.Int8"), ModelFile("models/m.gru.json", SelfCheckedJson));
        Assert.Equal(["GRUT042", "GRUT064"], result.Diagnostics.Select(d => d.Id).Order());
        string report = result.Diagnostics.Single(d => d.Id == "GRUT064").GetMessage();
        Assert.Contains("int8 weights: worst deviation from the self-check outputs", report);
        Assert.Contains("int8 weights", result.SingleSource);
        Assert.Contains("public static global::GruTiny.GruWeightType WeightType => global::GruTiny.GruWeightType.Int8;", result.SingleSource);

        // The deviation reported is the interpreter's, which computes with the same dequantised weights.
        GruNetwork network = GruNetwork.Load(SelfCheckedJson, new GruNetworkLoadOptions { Weights = GruWeightType.Int8 });
        Assert.Contains(network.QuantizedDeviation!.Value.ToString("E2", System.Globalization.CultureInfo.InvariantCulture), report);

        // And the compiled model computes it: against the float64 reference over the dequantised weights.
        IGruModel model = CreateModel(CompileAndLoad(result.Output), "Sample.M");
        var reference = new ReferenceModel(WeightQuantizer.Dequantized(ModelDescriptionReader.TryRead(SelfCheckedJson, 2_000_000, out _)!, GruWeightType.Int8));
        var random = new Random(3);
        var y = new float[model.OutputSize];
        for (int t = 0; t < 30; t++)
        {
            float[] x = Enumerable.Range(0, model.InputSize).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
            model.Step(x, y);
            double[] expected = reference.Step(x);
            for (int j = 0; j < y.Length; j++) Assert.True(Math.Abs(y[j] - expected[j]) <= 1e-5 * Math.Max(1, Math.Abs(expected[j])), $"step {t} output {j}");
        }
    }

    [Fact]
    public void Item_metadata_chooses_the_type_when_the_attribute_does_not()
    {
        GeneratorResult result = Generate(Source(), ModelFile("models/m.gru.json", SelfCheckedJson, new() { ["GruTinyWeights"] = "float16" }));
        Assert.Contains("float16 weights: worst deviation", result.Diagnostics.Single(d => d.Id == "GRUT064").GetMessage());
        Assert.Contains("GruWeightType.Float16;", result.SingleSource);
    }

    [Fact]
    public void The_attribute_wins_over_different_item_metadata_with_a_warning()
    {
        GeneratorResult result = Generate(Source(", Weights = GruTiny.GruWeightType.Float32"), ModelFile("models/m.gru.json", SelfCheckedJson, new() { ["GruTinyWeights"] = "int8" }));
        Diagnostic warning = result.Diagnostics.Single(d => d.Id == "GRUT061");
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Contains("sets Weights = Float32, the AdditionalFiles item's GruTinyWeights metadata says int8; the attribute wins (float32 weights)", warning.GetMessage());
        Assert.DoesNotContain("WeightType", result.SingleSource);
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "GRUT064");

        // The same type twice is no conflict.
        GeneratorResult same = Generate(Source(", Weights = GruTiny.GruWeightType.Int8"), ModelFile("models/m.gru.json", SelfCheckedJson, new() { ["GruTinyWeights"] = "INT8" }));
        Assert.DoesNotContain(same.Diagnostics, d => d.Id == "GRUT061");
    }

    [Fact]
    public void An_unknown_weight_type_is_an_error_naming_where_it_was_written()
    {
        GeneratorResult metadata = Generate(Source(), ModelFile("models/m.gru.json", TinyModelJson, new() { ["GruTinyWeights"] = "int4" }));
        Diagnostic error = Assert.Single(metadata.Diagnostics);
        Assert.Equal("GRUT060", error.Id);
        Assert.Contains("GruTinyWeights metadata is 'int4'; it must be float32, float16 or int8", error.GetMessage());

        GeneratorResult attribute = Generate(Source(", Weights = (GruTiny.GruWeightType)7"), ModelFile("models/m.gru.json", TinyModelJson));
        error = Assert.Single(attribute.Diagnostics);
        Assert.Equal("GRUT060", error.Id);
        Assert.Contains("sets Weights to 7, which is not a GruWeightType", error.GetMessage());
    }

    [Fact]
    public void Float16_refuses_a_weight_beyond_its_range_and_reports_weights_flushed_to_zero()
    {
        const string overflow = """
            {"format": "grutiny/1", "input_size": 1, "layers": [
              {"type": "gru", "hidden_size": 1, "linear_before_reset": true, "weight_ih": [[1], [70000], [1]], "weight_hh": [[1], [1], [1]]}]}
            """;
        Diagnostic error = Assert.Single(Generate(Source(", Weights = GruTiny.GruWeightType.Float16"), ModelFile("models/m.gru.json", overflow)).Diagnostics);
        Assert.Equal("GRUT062", error.Id);
        Assert.Contains("models/m.gru.json: layers[0].weight_ih[1][0] is 70000, which rounds past float16's largest value, 65504; keep float32 or int8 weights", error.GetMessage());
        Assert.Empty(Generate(Source(", Weights = GruTiny.GruWeightType.Int8"), ModelFile("models/m.gru.json", overflow)).Diagnostics);

        const string tiny = """
            {"format": "grutiny/1", "input_size": 1, "layers": [
              {"type": "gru", "hidden_size": 1, "linear_before_reset": true, "weight_ih": [[1], [1e-9], [1]], "weight_hh": [[1], [1], [-2e-8]]}]}
            """;
        GeneratorResult flushed = Generate(Source(", Weights = GruTiny.GruWeightType.Float16"), ModelFile("models/m.gru.json", tiny));
        Diagnostic warning = Assert.Single(flushed.Diagnostics);
        Assert.Equal(("GRUT063", DiagnosticSeverity.Warning), (warning.Id, warning.Severity));
        Assert.Contains("2 weights not zero become zero as float16", warning.GetMessage());
        Assert.Contains("the largest layers[0].weight_hh[2][0] = -2E-08", warning.GetMessage());
    }

    [Fact]
    public void GruTinyQuantizedTolerance_turns_a_larger_deviation_into_an_error()
    {
        double deviation = GruNetwork.Load(SelfCheckedJson, new GruNetworkLoadOptions { Weights = GruWeightType.Int8 }).QuantizedDeviation!.Value;
        string Tolerance(double factor) => (deviation * factor).ToString("R", System.Globalization.CultureInfo.InvariantCulture);

        GeneratorResult strict = Generate(CreateCompilation(Source(", Weights = GruTiny.GruWeightType.Int8")),
            new Dictionary<string, string> { ["build_property.GruTinyQuantizedTolerance"] = Tolerance(0.5) }, ModelFile("models/m.gru.json", SelfCheckedJson));
        Diagnostic error = strict.Diagnostics.Single(d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("GRUT065", error.Id);
        Assert.Contains("the quantised weights change this model's outputs more than allowed", error.GetMessage());

        GeneratorResult loose = Generate(CreateCompilation(Source(", Weights = GruTiny.GruWeightType.Int8")),
            new Dictionary<string, string> { ["build_property.GruTinyQuantizedTolerance"] = Tolerance(2) }, ModelFile("models/m.gru.json", SelfCheckedJson));
        Assert.DoesNotContain(loose.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);

        GeneratorResult invalid = Generate(CreateCompilation(Source(", Weights = GruTiny.GruWeightType.Int8")),
            new Dictionary<string, string> { ["build_property.GruTinyQuantizedTolerance"] = "a lot" }, ModelFile("models/m.gru.json", SelfCheckedJson));
        Assert.Equal("GRUT066", invalid.Diagnostics.Single(d => d.Severity == DiagnosticSeverity.Error).Id);
    }

    [Fact]
    public void An_invalid_GruTinyQuantizedTolerance_is_reported_for_every_model()
    {
        // Also for a float32 model without self-check data, where it would change nothing: a typo is never silent.
        GeneratorResult result = Generate(CreateCompilation(Source()),
            new Dictionary<string, string> { ["build_property.GruTinyQuantizedTolerance"] = "0,01" }, ModelFile("models/m.gru.json", TinyModelJson));
        Diagnostic error = Assert.Single(result.Diagnostics);
        Assert.Equal("GRUT066", error.Id);
        Assert.Contains("'0,01'", error.GetMessage());
    }

    [Fact]
    public void GRUT016_counts_a_block_in_the_weight_type_it_is_stored_as()
    {
        // 700 inputs: a GRU block of the input projection is 24 × 701 floats (16,824, over one 16,000-float literal) as
        // float32, and 48 + 24 × 700 / 4 = 4,248 floats as int8.
        string json = """{"format":"grutiny/1","input_size":700,"layers":[{"type":"gru","hidden_size":8,"linear_before_reset":true,"weight_ih":["""
            + string.Join(",", Enumerable.Range(0, 24).Select(r => "[" + string.Join(",", Enumerable.Range(0, 700).Select(c => (((r * 7 + c) % 11 - 5) * 0.01).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]"))
            + "],\"weight_hh\":[" + string.Join(",", Enumerable.Repeat("[" + string.Join(",", Enumerable.Repeat("0.1", 8)) + "]", 24)) + "]}]}";
        Diagnostic warning = Assert.Single(Generate(Source(), ModelFile("models/m.gru.json", json)).Diagnostics);
        Assert.Equal("GRUT016", warning.Id);
        Assert.Contains("blocks of 16824 floats", warning.GetMessage());
        Assert.Empty(Generate(Source(", Weights = GruTiny.GruWeightType.Int8"), ModelFile("models/m.gru.json", json)).Diagnostics);
    }

    [Fact]
    public void Two_types_of_one_file_compile_side_by_side()
    {
        const string source = """
            namespace Sample {
            /// <summary>A.</summary>
            [GruTiny.GruModel("models/m.gru.json", Weights = GruTiny.GruWeightType.Int8)] public partial struct A;
            /// <summary>B.</summary>
            [GruTiny.GruModel("models/m.gru.json", Weights = GruTiny.GruWeightType.Float16)] public partial struct B;
            /// <summary>C.</summary>
            [GruTiny.GruModel("models/m.gru.json")] public partial struct C; }
            """;
        GeneratorResult result = Generate(source, ModelFile("models/m.gru.json", SelfCheckedJson));
        Assert.Equal(["GRUT042", "GRUT042", "GRUT042", "GRUT064", "GRUT064"], result.Diagnostics.Select(d => d.Id).Order());
        Assembly assembly = CompileAndLoad(result.Output);
        var x = new float[] { 0.5f, -1f, 2f };
        float[] Step(string type)
        {
            IGruModel model = CreateModel(assembly, type);
            var y = new float[model.OutputSize];
            model.Step(x, y);
            return y;
        }

        float[] a = Step("Sample.A"), b = Step("Sample.B"), c = Step("Sample.C");
        Assert.NotEqual(a, c);
        Assert.NotEqual(b, c);

        // WeightBytes: the packed layers as stored (gru 3 → 10 and dense 10 → 2 here; the initial state is not among them).
        int Bytes(string type) => (int)assembly.GetType(type, throwOnError: true)!.GetField("WeightBytes")!.GetRawConstantValue()!;
        foreach ((string type, GruWeightType weights) in new[] { ("Sample.A", GruWeightType.Int8), ("Sample.B", GruWeightType.Float16), ("Sample.C", GruWeightType.Float32) })
            Assert.Equal(4 * (KernelLayout.GruLength(3, 10, true, weights) + KernelLayout.DenseLength(10, 2, weights)), Bytes(type));
        Assert.True(Bytes("Sample.A") < Bytes("Sample.B") && Bytes("Sample.B") < Bytes("Sample.C"));
    }
}
