using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;
using static GruTiny.Tests.Generator.GeneratorHarness;

namespace GruTiny.Tests.Generator;

/// <summary>
/// Generated code allocates nothing even when compiled without optimisation (a Debug build), where the
/// compiler would, for example, allocate a collection-expression span on every access.
/// </summary>
[Collection(AllocationCollection.Name)]
public sealed class DebugBuildTests
{
    [Theory]
    [InlineData("struct")]
    [InlineData("class")]
    public void Debug_build_allocates_nothing(string keyword)
    {
        string source = $$"""
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/tiny.gru.json")]
            public partial {{keyword}} DebugModel;
            """;
        GeneratorResult result = Generate(CreateCompilation(source, OptimizationLevel.Debug), ModelFile("models/tiny.gru.json", TinyModelJson));
        Assert.Empty(result.Diagnostics);
        IGruModel model = CreateModel(CompileAndLoad(result.Output, collectible: false), "DebugModel");

        var input = new float[] { 0.25f, -0.5f };
        var output = new float[2];
        var inputs = new float[2 * 100];
        var outputs = new float[2 * 100];
        var meter = AllocationMeter.Start();
        for (int i = 0; i < 10_000; i++) model.Step(input, output);
        for (int i = 0; i < 10_000; i++) model.Run(inputs, outputs);
        meter.Stop().AssertNone();
        Assert.False(float.IsNaN(output[0]));
    }

    // Every kernel of the new kinds and their span properties over string literals (prelu slopes, layer norm and
    // batch norm vectors), compiled without optimisation.
    [Theory]
    [InlineData("acts_in4_prelu7_h9_prelu1_gelutanh6_softsign_relu6_sig_tanh")]
    [InlineData("layernorm_in5_ln_h13_ln_gelu8_linear3")]
    [InlineData("batchnorm_in4_bn_h11_bn_silu_linear2")]
    [InlineData("clip_cho_h0_in4_h9_h5_linear3")] // clip, and the initial state as a span property
    public void Debug_build_of_layers_in_any_order_allocates_nothing(string name)
    {
        const string source = """
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/m.gru.json")]
            public partial class DebugModel;
            """;
        string json = System.IO.File.ReadAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "Models", "layered", name + ".gru.json"));
        GeneratorResult result = Generate(CreateCompilation(source, OptimizationLevel.Debug), ModelFile("models/m.gru.json", json));
        Assert.Empty(result.Diagnostics.Where(d => d.Severity > DiagnosticSeverity.Info));
        IGruModel model = CreateModel(CompileAndLoad(result.Output, collectible: false), "DebugModel");

        var input = new float[model.InputSize];
        for (int i = 0; i < input.Length; i++) input[i] = 0.3f * i - 0.5f;
        var output = new float[model.OutputSize];
        var inputs = new float[model.InputSize * 50];
        var outputs = new float[model.OutputSize * 50];
        var meter = AllocationMeter.Start();
        for (int i = 0; i < 5_000; i++) model.Step(input, output);
        for (int i = 0; i < 1_000; i++) model.Run(inputs, outputs);
        meter.Stop().AssertNone();
        Assert.All(output, v => Assert.False(float.IsNaN(v)));
    }

    // A model that reads whole sequences (a bidirectional GRU from a learned h0, stacked), compiled without
    // optimisation: the stack and the workspace overloads.
    [Theory]
    [InlineData("struct")]
    [InlineData("class")]
    public void Debug_build_of_a_sequence_model_allocates_nothing(string keyword)
    {
        string source = $$"""
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/m.gru.json")]
            public partial {{keyword}} DebugModel;
            """;
        string json = System.IO.File.ReadAllText(System.IO.Path.Combine(AppContext.BaseDirectory, "Models", "sequence", "bi_stacked2_h0_in4_h8_tanh3.gru.json"));
        GeneratorResult result = Generate(CreateCompilation(source, OptimizationLevel.Debug), ModelFile("models/m.gru.json", json));
        Assert.Empty(result.Diagnostics.Where(d => d.Severity > DiagnosticSeverity.Info));
        var model = (IGruSequenceModel)Activator.CreateInstance(CompileAndLoad(result.Output, collectible: false).GetType("DebugModel", throwOnError: true)!)!;

        var inputs = new float[model.InputSize * 100];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = 0.03f * (i % 50) - 0.5f;
        var outputs = new float[model.OutputSize * 100];
        var workspace = new float[model.WorkspaceLength(100)];
        var output = new float[model.OutputSize];
        var meter = AllocationMeter.Start();
        for (int i = 0; i < 1_000; i++) model.Run(inputs.AsSpan(0, 4 * model.InputSize), outputs.AsSpan(0, 4 * model.OutputSize));
        for (int i = 0; i < 200; i++) model.Run(inputs, outputs, workspace);
        for (int i = 0; i < 200; i++) model.RunFinal(inputs, output, workspace);
        meter.Stop().AssertNone();
        Assert.All(outputs, v => Assert.False(float.IsNaN(v)));
    }
}
