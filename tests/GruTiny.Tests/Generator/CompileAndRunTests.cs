using System;
using System.Linq;
using System.Reflection;
using GruTiny.Model;
using Microsoft.CodeAnalysis;
using Xunit;
using static GruTiny.Tests.Generator.GeneratorHarness;

namespace GruTiny.Tests.Generator;

/// <summary>The generator's output for every kind of target compiles warning-free in memory, loads and computes the model.</summary>
public sealed class CompileAndRunTests
{
    private const string Targets = """
        using GruTiny;

        /// <summary>Global namespace.</summary>
        [GruModel("models/tiny.gru.json")]
        public partial struct GlobalStruct;

        namespace App
        {
            /// <summary>Struct.</summary>
            [GruModel("models/tiny.gru.json")]
            public partial struct S;

            /// <summary>Class.</summary>
            [GruModel("./models/../models/tiny.gru.json")]
            public sealed partial class C;

            /// <summary>Record class.</summary>
            [GruModel("models\\tiny.gru.json")]
            public partial record R;

            /// <summary>Record struct.</summary>
            [GruModel("/project/models/tiny.gru.json")]
            public partial record struct RS;

            /// <summary>Outer.</summary>
            public static partial class Outer
            {
                /// <summary>Nested, with the same simple name as App.S.</summary>
                [GruModel("models/tiny.gru.json")]
                public partial struct S;

                /// <summary>Inner.</summary>
                internal partial record class Inner
                {
                    /// <summary>Nested twice.</summary>
                    [GruModel("models/tiny.gru.json")]
                    public partial class Deep;
                }
            }
        }

        namespace Other
        {
            /// <summary>Same simple name as App.S: hint names must be unique per fully qualified type.</summary>
            [GruModel("models/tiny.gru.json")]
            public partial struct S;
        }
        """;

    [Fact]
    public void Every_kind_of_target_compiles_and_computes_the_model()
    {
        GeneratorResult result = Generate(Targets, ModelFile("models/tiny.gru.json", TinyModelJson));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(8, result.Run.Results.Single().GeneratedSources.Length);
        Assembly assembly = CompileAndLoad(result.Output);

        ModelDescription description = ModelDescriptionReader.TryRead(TinyModelJson, ModelDescriptionReader.DefaultMaxParameters, out _)!;
        foreach (string name in new[] { "GlobalStruct", "App.S", "App.C", "App.R", "App.RS", "App.Outer+S", "App.Outer+Inner+Deep", "Other.S" })
        {
            IGruModel model = CreateModel(assembly, name);
            var oracle = new ReferenceModel(description);
            var random = new Random(3);
            var output = new float[2];
            for (int t = 0; t < 50; t++)
            {
                float[] input = [(float)random.NextDouble() * 4 - 2, (float)random.NextDouble() * 4 - 2];
                model.Step(input, output);
                double[] expected = oracle.Step(input);
                for (int j = 0; j < 2; j++)
                    Assert.True(Math.Abs(output[j] - expected[j]) <= 1e-5, $"{name} step {t}: {output[j]} vs {expected[j]}");
            }
        }
    }

    [Fact]
    public void Hint_names_are_unique_per_fully_qualified_type()
    {
        GeneratorResult result = Generate(Targets, ModelFile("models/tiny.gru.json", TinyModelJson));
        string[] hints = result.Run.Results.Single().GeneratedSources.Select(s => s.HintName).ToArray();
        Assert.Equal(hints.Length, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains(hints, h => h.StartsWith("App.Outer+Inner+Deep.", StringComparison.Ordinal) && h.EndsWith(".GruModel.g.cs", StringComparison.Ordinal));
        Assert.Contains(hints, h => h.StartsWith("GlobalStruct.", StringComparison.Ordinal));
    }

    [Fact]
    public void Output_is_deterministic()
    {
        string first = Generate(Targets, ModelFile("models/tiny.gru.json", TinyModelJson)).Run.Results.Single().GeneratedSources
            .Select(s => s.SourceText.ToString()).Aggregate((a, b) => a + b);
        string second = Generate(Targets, ModelFile("models/tiny.gru.json", TinyModelJson)).Run.Results.Single().GeneratedSources
            .Select(s => s.SourceText.ToString()).Aggregate((a, b) => a + b);
        Assert.Equal(first, second);
    }
}
