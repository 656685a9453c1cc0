using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using GruTiny.Generator;
using GruTiny.Generator.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;
using static GruTiny.Tests.Generator.GeneratorHarness;

namespace GruTiny.Tests.Generator;

/// <summary>
/// Mistakes in the user's code around a model: two [GruModel] on one type, members that clash with generated
/// ones, an invalid parameter cap, and state-changing calls on read-only copies (GRUT050).
/// </summary>
public sealed class HardeningTests
{
    [Fact]
    public void Two_attributes_on_partial_declarations_are_GRUT027_not_a_crash()
    {
        const string source = """
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/tiny.gru.json")]
            public partial struct M;
            [GruTiny.GruModel("models/tiny.gru.json")]
            public partial struct M;
            """;
        GeneratorResult result = Generate(source, ModelFile("models/tiny.gru.json", TinyModelJson));
        Assert.NotEmpty(result.Diagnostics);
        Assert.All(result.Diagnostics, d => Assert.Equal("GRUT027", d.Id));
        Assert.Contains("2 [GruModel] attributes", result.Diagnostics[0].GetMessage());
        Assert.Empty(result.Run.Results.Single().GeneratedSources);
    }

    [Theory]
    [InlineData("public void Step(float x) { }", "Step")]
    [InlineData("public const int InputSize = 3;", "InputSize")]
    [InlineData("private int __GruTiny_Mine;", "__GruTiny_Mine")]
    [InlineData("public const int Layer1OutputSize = 7;", "Layer1OutputSize")] // tiny: layer 1 is dense
    public void A_member_the_generator_also_declares_is_GRUT028(string member, string name)
    {
        string source = $$"""
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/tiny.gru.json")]
            public partial class M { {{member}} }
            """;
        Diagnostic diagnostic = Assert.Single(Generate(source, ModelFile("models/tiny.gru.json", TinyModelJson)).Diagnostics);
        Assert.Equal("GRUT028", diagnostic.Id);
        Assert.Contains($"'{name}'", diagnostic.GetMessage());
    }

    [Fact]
    public void A_layer_constant_name_for_a_layer_the_model_lacks_is_fine()
    {
        const string source = """
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/tiny.gru.json")]
            public partial class M
            {
                /// <summary>Mine.</summary>
                public const int Layer5HiddenSize = 1;
            }
            """;
        GeneratorResult result = Generate(source, ModelFile("models/tiny.gru.json", TinyModelJson));
        Assert.Empty(result.Diagnostics);
        CompileAndLoad(result.Output);
    }

    [Theory]
    [InlineData("50", "GRUT015")]      // tiny has 71 parameters
    [InlineData("71", null)]
    [InlineData("1e6", "GRUT044")]
    [InlineData("0", "GRUT044")]
    public void The_parameter_cap_is_an_msbuild_property(string cap, string? expected)
    {
        const string source = """
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/tiny.gru.json")]
            public partial struct M;
            """;
        GeneratorDriver driver = CreateDriver([ModelFile("models/tiny.gru.json", TinyModelJson)],
            new Dictionary<string, string> { ["build_property.ProjectDir"] = ProjectDir, ["build_property.GruTinyMaxParameters"] = cap });
        driver.RunGeneratorsAndUpdateCompilation(CreateCompilation(source), out _, out ImmutableArray<Diagnostic> diagnostics);
        if (expected is null) Assert.Empty(diagnostics);
        else Assert.Equal(expected, Assert.Single(diagnostics).Id);
    }

    [Fact]
    public async Task Calls_on_read_only_copies_of_a_struct_model_are_GRUT050()
    {
        const string source = """
            using System;
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/tiny.gru.json")]
            public partial struct M;
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/tiny.gru.json")]
            public partial class C;
            /// <summary>User code.</summary>
            public sealed class Service
            {
                private readonly M _frozen;
                private M _live;
                private readonly C _reference = new();
                /// <summary>Uses them.</summary>
                public void Use(in M byIn, ref M byRef, ReadOnlySpan<float> x, Span<float> y)
                {
                    _frozen.Step(x, y);          // GRUT050
                    byIn.Reset();                // GRUT050
                    _live.Step(x, y);
                    byRef.Step(x, y);
                    _reference.Step(x, y);       // a class: no copy
                    ref readonly M alias = ref _live;
                    alias.Run(x, y);             // GRUT050
                    _ = _frozen.InputSize;
                }
            }
            """;
        GeneratorResult result = Generate(source, ModelFile("models/tiny.gru.json", TinyModelJson));
        ImmutableArray<Diagnostic> found = await result.Output.WithAnalyzers([new DefensiveCopyAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        Assert.Equal(new[] { "Step", "Reset", "Run" }, found.Select(d => d.GetMessage().Split('\'')[1]));
        Assert.All(found, d => Assert.Equal(("GRUT050", DiagnosticSeverity.Warning), (d.Id, d.Severity)));
        Assert.Contains("readonly field '_frozen'", found[0].GetMessage());
        Assert.Contains("'in' parameter 'byIn'", found[1].GetMessage());
    }

    [Fact]
    public async Task Calls_on_temporary_copies_of_a_struct_model_are_GRUT050()
    {
        const string source = """
            using System;
            using System.Collections.Generic;
            using System.Runtime.InteropServices;
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/tiny.gru.json")]
            public partial struct M;
            /// <summary>User code.</summary>
            public sealed class Fleet
            {
                private readonly List<M> _list = new() { new M() };
                private readonly M[] _array = new M[1];
                private M _one;
                /// <summary>A model by value.</summary>
                public M Current { get; set; }
                /// <summary>A model by reference.</summary>
                public ref M Live => ref _one;
                /// <summary>A model by value.</summary>
                public M Make() => new M();
                /// <summary>Uses them.</summary>
                public void Use(ReadOnlySpan<float> x, Span<float> y)
                {
                    _list[0].Step(x, y);                          // GRUT050: List<M>'s indexer returns a copy
                    Current.Reset();                              // GRUT050: a property's value
                    Make().RunFinal(x, y);                        // GRUT050: a method's value
                    var made = Make();
                    made.RunFinal(x, y);                          // the same, said to be meant
                    _array[0].Step(x, y);
                    CollectionsMarshal.AsSpan(_list)[0].Step(x, y);
                    Span<M> span = _array;
                    span[0].Step(x, y);
                    ref M element = ref _array[0];
                    element.Step(x, y);
                    Live.Step(x, y);
                    var copy = _list[0];
                    copy.Step(x, y);
                }
            }
            """;
        GeneratorResult result = Generate(source, ModelFile("models/tiny.gru.json", TinyModelJson));
        ImmutableArray<Diagnostic> found = await result.Output.WithAnalyzers([new DefensiveCopyAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        Assert.Equal(new[] { "Step", "Reset", "RunFinal" }, found.Select(d => d.GetMessage().Split('\'')[1]));
        Assert.All(found, d => Assert.Equal("GRUT050", d.Id));
        Assert.Contains("the value an indexer of List<M> returns, a temporary copy", found[0].GetMessage());
        Assert.Contains("the value property 'Current' returns", found[1].GetMessage());
        Assert.Contains("the value method 'Make' returns", found[2].GetMessage());
        Assert.Contains("CollectionsMarshal.AsSpan", found[0].GetMessage());
    }

    [Fact]
    public void Models_that_together_exceed_the_compilers_user_string_limit_are_GRUT045()
    {
        // gru 280 → 660: 1.86 million weights each (under the 2 million cap, and no weight block over one
        // 16,000-float literal), about 7.5 MB of string literals.
        static string Big(int first)
        {
            string input = "[" + string.Join(",", Enumerable.Repeat("0", 280)) + "]";
            string hidden = "[" + string.Join(",", Enumerable.Repeat("0", 660)) + "]";
            var sb = new System.Text.StringBuilder("""{"format":"grutiny/1","input_size":280,"layers":[{"type":"gru","hidden_size":660,"linear_before_reset":true,"weight_ih":[""");
            for (int r = 0; r < 1980; r++) sb.Append(r == 0 ? "[" + first + input.Substring(2) : "," + input);
            sb.Append("],\"weight_hh\":[");
            for (int r = 0; r < 1980; r++) sb.Append(r == 0 ? "" : ",").Append(hidden);
            return sb.Append("]}]}").ToString();
        }

        const string two = """
            /// <summary>A.</summary>
            [GruTiny.GruModel("models/a.gru.json")] public partial class A;
            /// <summary>A again: the same weights, stored once.</summary>
            [GruTiny.GruModel("models/a.gru.json")] public partial class A2;
            /// <summary>B.</summary>
            [GruTiny.GruModel("models/b.gru.json")] public partial class B;
            """;
        AdditionalText a = ModelFile("models/a.gru.json", Big(1)), b = ModelFile("models/b.gru.json", Big(2)), c = ModelFile("models/c.gru.json", Big(3));
        GeneratorResult fits = Generate(two, a, b);
        Assert.Empty(fits.Diagnostics);
        Assert.Equal(3, fits.Run.Results.Single().GeneratedSources.Length);

        GeneratorResult over = Generate(two + """
            /// <summary>C.</summary>
            [GruTiny.GruModel("models/c.gru.json")] public partial class C;
            """, a, b, c);
        Assert.Equal(4, over.Diagnostics.Length);
        Assert.All(over.Diagnostics, d => Assert.Equal("GRUT045", d.Id));
        Assert.Contains("CS8103", over.Diagnostics[0].GetMessage());
        // No weights are emitted, only the four types' stand-ins (every member throws).
        Assert.All(over.Run.Results.Single().GeneratedSources, s => Assert.Contains("Not compiled: GruTiny could not compile the model file (GRUT045", s.SourceText.ToString()));

        // Each weight type a file is compiled with counts on its own, at its own size: the three as int8 fit (about a
        // quarter each), and a float16 copy of A beside A and B does not.
        GeneratorResult int8 = Generate("""
            /// <summary>A.</summary>
            [GruTiny.GruModel("models/a.gru.json", Weights = GruTiny.GruWeightType.Int8)] public partial class A;
            /// <summary>B.</summary>
            [GruTiny.GruModel("models/b.gru.json", Weights = GruTiny.GruWeightType.Int8)] public partial class B;
            /// <summary>C.</summary>
            [GruTiny.GruModel("models/c.gru.json", Weights = GruTiny.GruWeightType.Int8)] public partial class C;
            """, a, b, c);
        Assert.Empty(int8.Diagnostics);
        GeneratorResult mixed = Generate(two + """
            /// <summary>A as float16: literals of its own.</summary>
            [GruTiny.GruModel("models/a.gru.json", Weights = GruTiny.GruWeightType.Float16)] public partial class A16;
            """, a, b);
        Assert.Equal(4, mixed.Diagnostics.Length);
        Assert.All(mixed.Diagnostics, d => Assert.Equal("GRUT045", d.Id));
    }
}
