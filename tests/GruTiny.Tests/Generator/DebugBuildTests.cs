using System;
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
}
