using System;
using System.IO;
using System.Linq;
using GruTiny.ReferenceModels;
using GruTiny.Tests.Generator;
using Xunit;

namespace GruTiny.Tests.Runtime;

/// <summary>
/// The run-time interpreter: the same reference parity as generated code, agreement with generated code,
/// zero allocation after loading, and the generator's diagnostics as exceptions.
/// </summary>
[Collection(AllocationCollection.Name)]
public sealed class InterpreterTests
{
    public static TheoryData<string> Cases => new(ReferenceCase.Names());

    [Theory]
    [MemberData(nameof(Cases))]
    public void Interpreter_matches_the_reference_through_Step_and_Run(string name)
    {
        ReferenceCase reference = ReferenceCase.Load(name);
        GruNetwork network = GruNetwork.LoadFile(ReferenceCase.ModelPath(name));
        int inSize = reference.InputSize, outSize = reference.OutputSize;
        var stepped = new float[reference.Steps * outSize];
        for (int t = 0; t < reference.Steps; t++)
            network.Step(reference.Inputs.AsSpan(t * inSize, inSize), stepped.AsSpan(t * outSize, outSize));
        AssertWithinTolerance(reference.Outputs, stepped, name + " Step");
        var state = new float[network.StateSize];
        network.CopyStateTo(state);
        AssertWithinTolerance(reference.FinalState, state, name + " final state");

        network.Reset();
        var ran = new float[stepped.Length];
        network.Run(reference.Inputs, ran);
        Assert.Equal(stepped, ran); // same code path: bitwise equal

        network.Reset();
        var last = new float[outSize];
        network.RunFinal(reference.Inputs, last);
        Assert.Equal(stepped.AsSpan(stepped.Length - outSize).ToArray(), last);

        // Continuing from a copied state continues the sequence.
        int half = reference.Steps / 2;
        network.Reset();
        network.Run(reference.Inputs.AsSpan(0, half * inSize), new float[half * outSize]);
        var middle = new float[network.StateSize];
        network.CopyStateTo(middle);
        GruNetwork second = GruNetwork.LoadFile(ReferenceCase.ModelPath(name));
        second.SetState(middle);
        var tail = new float[(reference.Steps - half) * outSize];
        second.Run(reference.Inputs.AsSpan(half * inSize), tail);
        Assert.Equal(stepped.AsSpan(half * outSize).ToArray(), tail);
    }

    [Fact]
    public void Softmax_of_large_logits_stays_finite_as_in_generated_code()
    {
        // Logits around ±500: e^x alone would overflow. Both the interpreter and the kernel shift by the maximum.
        const string json = """{"format":"grutiny/1","input_size":1,"layers":[{"type":"gru","hidden_size":1,"linear_before_reset":true,"weight_ih":[[0],[0],[10]],"weight_hh":[[0],[0],[0]]},{"type":"dense","activation":"softmax","weight":[[500],[-500],[499]]}]}""";
        GruNetwork network = GruNetwork.Load(json);
        var output = new float[3];
        network.Step([1f], output);
        Assert.All(output, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(1f, output.Sum(), 5);
        Assert.True(output[0] > output[2] && output[2] > output[1]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Interpreter_agrees_with_the_generated_code_on_random_inputs(string name) =>
        ReferenceModelCatalog.Visit(name, new AgreementCheck());

    private sealed class AgreementCheck : IModelVisitor
    {
        public void Visit<T>(string name) where T : IGruModel, IRunFinal, new()
        {
            GruNetwork network = GruNetwork.LoadFile(ReferenceCase.ModelPath(name));
            T generated = new();
            var random = new Random(name.Aggregate(17, (h, c) => h * 31 + c));
            const int steps = 200;
            var inputs = new float[steps * network.InputSize];
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = network.VocabularySize > 0
                    ? random.Next(network.VocabularySize)                               // token models take token ids
                    : (float)(random.NextDouble() * 2 - 1) * (i % 7 == 0 ? 30 : 3); // some large inputs saturate the gates
            }
            var a = new float[steps * network.OutputSize];
            var b = new float[a.Length];
            network.Run(inputs, a);
            generated.Run(inputs, b);
            AssertWithinTolerance(a.Select(v => (double)v).ToArray(), b, name + " generated vs interpreter");

            var sa = new float[network.StateSize];
            var sb = new float[network.StateSize];
            network.CopyStateTo(sa);
            generated.CopyStateTo(sb);
            AssertWithinTolerance(sa.Select(v => (double)v).ToArray(), sb, name + " state");

            var fa = new float[network.OutputSize];
            var fb = new float[network.OutputSize];
            network.RunFinal(inputs, fa);
            generated.RunFinal(inputs, fb);
            AssertWithinTolerance(fa.Select(v => (double)v).ToArray(), fb, name + " RunFinal");
        }
    }

    [Fact]
    public void Step_and_Run_allocate_nothing_after_loading()
    {
        GruNetwork network = GruNetwork.LoadFile(Path.Combine(ReferenceCase.ModelsDirectory, "cho_stacked2_in1_h13_h5_sigmoid1.gru.json"));
        GruNetwork softmax = GruNetwork.LoadFile(Path.Combine(ReferenceCase.ModelsDirectory, "stacked2_in16_h128_h64_softmax10.gru.json"));
        var input = new float[1];
        var output = new float[1];
        var inputs = new float[2];
        var outputs = new float[2];
        var input16 = new float[16];
        var output10 = new float[10];
        var state = new float[network.StateSize];
        var meter = AllocationMeter.Start();
        for (int i = 0; i < 10_000; i++) network.Step(input, output);
        for (int i = 0; i < 10_000; i++) network.Run(inputs, outputs);
        for (int i = 0; i < 1_000; i++) softmax.Step(input16, output10);
        network.RunFinal(inputs, output);
        network.CopyStateTo(state);
        network.SetState(state);
        network.Reset();
        meter.Stop().AssertNone();
    }

    [Theory]
    [MemberData(nameof(DiagnosticTests.BadModels), MemberType = typeof(DiagnosticTests))]
    public void Every_model_the_generator_rejects_the_interpreter_rejects_with_the_same_ID(string id, string json, string[] fragments)
    {
        var e = Assert.Throws<GruModelFormatException>(() => GruNetwork.Load(json));
        Assert.Equal(id, e.DiagnosticId);
        Assert.StartsWith(id, e.Message);
        foreach (string fragment in fragments.Where(f => !f.StartsWith('('))) Assert.Contains(fragment, e.Message);
    }

    [Fact]
    public void Load_given_a_file_path_says_that_LoadFile_reads_files()
    {
        var e = Assert.Throws<GruModelFormatException>(() => GruNetwork.Load("models/x.gru.json"));
        Assert.Equal("GRUT002", e.DiagnosticId);
        Assert.Contains("looks like a file path", e.Message);
        Assert.Contains("GruNetwork.LoadFile(path)", e.Message);
        Assert.DoesNotContain("file path", Assert.Throws<GruModelFormatException>(() => GruNetwork.Load("{\"format\": 1")).Message);
    }

    [Fact]
    public void LoadFile_errors_name_the_file()
    {
        string directory = Directory.CreateTempSubdirectory("grutiny-loadfile-").FullName;
        try
        {
            string json = Path.Combine(directory, "bad.gru.json");
            File.WriteAllText(json, "{\n  \"format\": \"grutiny/1\",\n  \"input_size\": 1 2\n}");
            var e = Assert.Throws<GruModelFormatException>(() => GruNetwork.LoadFile(json));
            Assert.Equal(json, e.FilePath);
            Assert.StartsWith($"GRUT002 {json}(3,19): ", e.Message);
            Assert.Equal((3, 19), (e.Line, e.Column));

            string onnx = Path.Combine(directory, "lfs.onnx");
            File.WriteAllText(onnx, "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12345\n");
            e = Assert.Throws<GruModelFormatException>(() => GruNetwork.LoadFile(onnx));
            Assert.Equal("GRUT030", e.DiagnosticId);
            Assert.StartsWith($"GRUT030 {onnx}: The file is a Git LFS pointer, not the model", e.Message);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Exceptions_carry_the_position()
    {
        var e = Assert.Throws<GruModelFormatException>(() => GruNetwork.Load("{\n  \"format\": \"grutiny/1\",\n  \"input_size\": 1 2\n}"));
        Assert.Equal("GRUT002", e.DiagnosticId);
        Assert.Equal(3, e.Line);
        Assert.Equal(19, e.Column);
        Assert.Throws<GruModelFormatException>(() => GruNetwork.Load(new MemoryStream([0x7B, 0x00, 0x00, 0xFF])));
    }

    [Fact]
    public void Arguments_are_checked_like_generated_code()
    {
        GruNetwork network = GruNetwork.LoadFile(Path.Combine(ReferenceCase.ModelsDirectory, "tiny.gru.json"));
        var e = Assert.Throws<ArgumentException>(() => network.Step(new float[3], new float[2]));
        Assert.Contains("length 2", e.Message);
        var buffer = new float[8];
        Assert.Throws<ArgumentException>(() => network.Run(buffer.AsSpan(0, 4), buffer.AsSpan(2, 4)));
        Assert.Throws<ArgumentException>(() => network.RunFinal(ReadOnlySpan<float>.Empty, new float[2]));
        float[] shared = [0.3f, -0.7f];
        var separate = new float[2];
        GruNetwork other = GruNetwork.LoadFile(Path.Combine(ReferenceCase.ModelsDirectory, "tiny.gru.json"));
        other.Step(shared, separate);
        network.Step(shared, shared);
        Assert.Equal(separate, shared);
    }

    private static void AssertWithinTolerance(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= ReferenceCase.Tolerance(expected[i]), $"{what} at {i}: {actual[i]:R} vs {expected[i]:R}");
    }
}
