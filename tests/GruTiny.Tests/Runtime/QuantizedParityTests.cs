using System;
using System.IO;
using System.Linq;
using GruTiny.Model;
using GruTiny.Model.Onnx;
using GruTiny.ReferenceModels;
using Xunit;

namespace GruTiny.Tests.Runtime;

/// <summary>
/// Models compiled with int8 and float16 weights (QuantizedModels.cs) and GruNetwork loaded with the same weight type,
/// against the float64 reference over the dequantised weights: a quantised model is the float model whose weights are
/// the dequantised values, so it must match that reference as closely as any model matches its own (1e-5 relative).
/// The quantisation must also change the outputs measurably, and the models must be much nearer the dequantised
/// reference than the float one, or the comparison would prove nothing (float16 moves outputs by less than the
/// tolerance).
/// </summary>
public sealed class QuantizedParityTests
{
    public static TheoryData<string> Cases => new(ReferenceModelCatalog.QuantizedNames);

    [Fact]
    public void Both_quantised_types_of_every_quantised_case_are_compiled()
    {
        string[] names = ReferenceModelCatalog.QuantizedNames;
        Assert.True(names.Length >= 20);
        foreach (string name in names.Select(n => n[..n.IndexOf(':')]).Distinct())
        {
            Assert.Contains(name + ":int8", names);
            Assert.Contains(name + ":float16", names);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Generated_and_interpreted_models_match_the_reference_over_dequantised_weights(string key)
    {
        (string name, GruWeightType type) = Parse(key);
        ReferenceCase reference = ReferenceCase.Load(name);
        ModelDescription model = Read(name);
        ModelDescription quantized = WeightQuantizer.Dequantized(model, type);
        double[] expected = ReferenceOutputs(quantized, reference);
        double[] unquantized = ReferenceOutputs(model, reference);

        // Quantisation changes the outputs measurably: int8 by more than the tolerance, float16 by less.
        double effect = Distance(unquantized, expected);
        Assert.True(effect > (type == GruWeightType.Int8 ? 1 : 0.05), $"{key}: quantisation moved the outputs by only {effect:F2} × the tolerance");

        ReferenceModelCatalog.VisitQuantized(key, new StreamingCheck(key, reference, expected, unquantized), new SequenceCheck(key, reference, expected, unquantized));

        GruNetwork network = GruNetwork.LoadFile(ReferenceCase.ModelPath(name), new GruNetworkLoadOptions { Weights = type });
        Assert.Equal(type, network.WeightType);
        var outputs = new float[expected.Length];
        network.Run(reference.Inputs, outputs);
        AssertNear(expected, outputs, unquantized, key + " GruNetwork");
    }

    // The largest |a − b| in units of the tolerance at a.
    private static double Distance(double[] a, double[] b) => a.Zip(b, (x, y) => Math.Abs(x - y) / ReferenceCase.Tolerance(x)).Max();

    [Fact]
    public void GruNetwork_reports_the_deviation_from_the_self_check_and_enforces_its_tolerance()
    {
        string path = ReferenceCase.ModelPath("h0_in3_h10_linear2"); // carries self-check data from PyTorch
        GruNetwork float32 = GruNetwork.LoadFile(path);
        Assert.Null(float32.QuantizedDeviation);
        GruNetwork int8 = GruNetwork.LoadFile(path, new GruNetworkLoadOptions { Weights = GruWeightType.Int8 });
        double deviation = int8.QuantizedDeviation!.Value;
        Assert.True(deviation > float32.SelfCheckWorstError!.Value, $"int8 deviation {deviation:E2}");

        var strict = new GruNetworkLoadOptions { Weights = GruWeightType.Int8, QuantizedTolerance = deviation / 2 };
        GruModelFormatException error = Assert.Throws<GruModelFormatException>(() => GruNetwork.LoadFile(path, strict));
        Assert.Equal("GRUT065", error.DiagnosticId);
        Assert.Contains("int8 weights: worst deviation", error.Message);

        GruNetwork.LoadFile(path, new GruNetworkLoadOptions { Weights = GruWeightType.Int8, QuantizedTolerance = deviation * 2 });
        Assert.Throws<ArgumentOutOfRangeException>(() => GruNetwork.LoadFile(path, new GruNetworkLoadOptions { Weights = (GruWeightType)3 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => GruNetwork.LoadFile(path, new GruNetworkLoadOptions { QuantizedTolerance = 0 }));
    }

    [Fact]
    public void GruNetwork_refuses_float16_for_a_weight_beyond_its_range()
    {
        string json = """
            {"format": "grutiny/1", "input_size": 1, "layers": [
              {"type": "gru", "hidden_size": 1, "linear_before_reset": true, "weight_ih": [[1], [70000], [1]], "weight_hh": [[1], [1], [1]]}]}
            """;
        Assert.Equal(1, GruNetwork.Load(json, new GruNetworkLoadOptions { Weights = GruWeightType.Int8 }).OutputSize);
        GruModelFormatException error = Assert.Throws<GruModelFormatException>(() => GruNetwork.Load(json, new GruNetworkLoadOptions { Weights = GruWeightType.Float16 }));
        Assert.Equal("GRUT062", error.DiagnosticId);
        Assert.Contains("layers[0].weight_ih[1][0] is 70000", error.Message);
    }

    private static (string Name, GruWeightType Type) Parse(string key) =>
        (key[..key.IndexOf(':')], WeightQuantizer.Parse(key[(key.IndexOf(':') + 1)..]) ?? throw new ArgumentException(key));

    internal static ModelDescription Read(string name)
    {
        string path = ReferenceCase.ModelPath(name);
        ModelFormatError? error;
        ModelDescription? model = path.EndsWith(".onnx", StringComparison.Ordinal)
            ? OnnxModelReader.TryRead(File.ReadAllBytes(path), 2_000_000, out error)
            : ModelDescriptionReader.TryRead(File.ReadAllText(path), 2_000_000, out error);
        return model ?? throw new InvalidOperationException(error!.Message);
    }

    // Every step's outputs of the float64 reference: step by step for a streaming model, row t of the whole sequence otherwise.
    private static double[] ReferenceOutputs(ModelDescription model, ReferenceCase reference)
    {
        var oracle = new ReferenceModel(model);
        int inSize = reference.InputSize, outSize = reference.OutputSize;
        if (!model.Streams) return oracle.Run(reference.Inputs, reference.Steps).SelectMany(row => row.Take(outSize)).ToArray();
        var outputs = new double[reference.Steps * outSize];
        for (int t = 0; t < reference.Steps; t++)
            oracle.Step(reference.Inputs.AsSpan(t * inSize, inSize).ToArray()).AsSpan(0, outSize).CopyTo(outputs.AsSpan(t * outSize));
        return outputs;
    }

    // Within the tolerance of the dequantised reference, and at most half as far from it as from the float reference.
    private static void AssertNear(double[] expected, float[] actual, double[] unquantized, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < actual.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= ReferenceCase.Tolerance(expected[i]), $"{what}, value {i}: {actual[i]:R} against {expected[i]:R}");
        double[] values = Array.ConvertAll(actual, v => (double)v);
        double toQuantized = Distance(expected, values), toFloat = Distance(unquantized, values);
        Assert.True(toQuantized < toFloat / 2, $"{what}: {toQuantized:F3} × the tolerance from the dequantised reference, {toFloat:F3} from the float one");
    }

    private sealed class StreamingCheck(string key, ReferenceCase reference, double[] expected, double[] unquantized) : IModelVisitor
    {
        public void Visit<T>(string name) where T : IGruModel, IRunFinal, new()
        {
            int inSize = reference.InputSize, outSize = reference.OutputSize;
            T model = new();
            var stepped = new float[expected.Length];
            for (int t = 0; t < reference.Steps; t++)
                model.Step(reference.Inputs.AsSpan(t * inSize, inSize), stepped.AsSpan(t * outSize, outSize));
            AssertNear(expected, stepped, unquantized, key + " Step");

            T runner = new();
            var ran = new float[expected.Length];
            runner.Run(reference.Inputs, ran);
            Assert.Equal(stepped, ran); // Run ≡ Step, bit for bit, for every weight type
        }
    }

    private sealed class SequenceCheck(string key, ReferenceCase reference, double[] expected, double[] unquantized) : ISequenceModelVisitor
    {
        public void Visit<T>(string name) where T : IGruSequenceModel, new()
        {
            T model = new();
            var outputs = new float[expected.Length];
            model.Run(reference.Inputs, outputs);
            AssertNear(expected, outputs, unquantized, key + " Run");
        }
    }
}
