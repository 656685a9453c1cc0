using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using static GruTiny.Tests.Generator.GeneratorHarness;

namespace GruTiny.Tests.Generator;

/// <summary>
/// Every bad model and every unsupported target gets its GRUT diagnostic, at the attribute, naming the file,
/// the position and what was expected; nothing is generated for it and no exception escapes.
/// </summary>
public sealed class DiagnosticTests
{
    private const string Target = """
        /// <summary>Model.</summary>
        [GruTiny.GruModel("models/m.gru.json")]
        public partial struct M;
        """;

    private const string W3 = "[[0.1],[0.2],[0.3]]";

    private static string Model(string gruLayer = $$"""{"type":"gru","hidden_size":1,"linear_before_reset":true,"weight_ih":{{W3}},"weight_hh":{{W3}}}""",
        string extraLayers = "", string top = "") =>
        $$"""{"format":"grutiny/1","input_size":1,{{top}}"layers":[{{gruLayer}}{{extraLayers}}]}""";

    [Fact]
    public void The_minimal_model_used_below_is_valid()
    {
        GeneratorResult result = Generate(Target, ModelFile("models/m.gru.json", Model()));
        Assert.Empty(result.Diagnostics);
        CompileAndLoad(result.Output);
    }

    public static TheoryData<string, string, string[]> BadModels => new()
    {
        { "GRUT002", """{"format":"grutiny/1", """, ["(1,24)", "Invalid JSON"] },
        { "GRUT002", "{\n  \"format\": \"grutiny/1\",\n  \"input_size\": 1 2\n}", ["(3,19)", "',' or '}'"] },
        { "GRUT002", """{"format":"grutiny/1","metadata":""" + new string('[', 100) + new string(']', 100) + "}", ["deeper than 64"] },
        { "GRUT003", Model().Replace("grutiny/1", "grutiny/2"), ["Unknown format", "grutiny/2", "grutiny/1"] },
        { "GRUT004", Model().Replace("\"linear_before_reset\":true,", ""), ["layers[0] (gru)", "missing required key 'linear_before_reset'"] },
        { "GRUT004", """{"format":"grutiny/1","layers":[]}""", ["missing required key 'input_size'"] },
        { "GRUT005", Model().Replace("\"hidden_size\"", "\"hiden_size\""), ["unknown key 'hiden_size'"] },
        { "GRUT006", Model(top: "\"input_size\":1,"), ["duplicate key 'input_size'"] },
        { "GRUT007", Model().Replace("\"weight_ih\":" + W3, "\"weight_ih\":[[0.1],[0.2]]"), ["layers[0] (gru)", "'weight_ih'", "[2][1]", "expected [3][1]"] },
        { "GRUT007", Model(extraLayers: """,{"type":"dense","activation":"linear","weight":[[1,2]]}"""), ["layers[1] (dense)", "'weight'", "row 0", "expected [1][1]"] },
        { "GRUT008", Model().Replace("\"weight_hh\":[[0.1]", "\"weight_hh\":[[NaN]"), ["weight_hh[0][0] is NaN", "finite"] },
        { "GRUT008", Model().Replace("\"weight_hh\":[[0.1]", "\"weight_hh\":[[-Infinity]"), ["weight_hh[0][0] is -Infinity"] },
        { "GRUT008", Model().Replace("\"weight_ih\":[[0.1]", "\"weight_ih\":[[1e39]"), ["weight_ih[0][0] is +Infinity"] },
        { "GRUT009", Model(extraLayers: """,{"type":"lstm"}"""), ["layers[1]", "unknown layer type \"lstm\"; expected \"embedding\", \"gru\", \"dense\", \"activation\", \"layer_norm\", \"batch_norm\" or \"arithmetic\"."] },
        { "GRUT010", Model(extraLayers: """,{"type":"dense","activation":"mish","weight":[[1]]}"""), ["unknown activation \"mish\"; expected linear, relu, sigmoid, tanh, softmax, leaky_relu, prelu, elu, gelu, gelu_tanh, hardtanh, hardsigmoid, silu, softsign, log_softmax or identity."] },
        { "GRUT010", Model(extraLayers: """,{"type":"activation","activation":{"type":"swish"}}"""), ["layers[1] (activation): unknown activation \"swish\""] },
        { "GRUT005", Model(extraLayers: """,{"type":"activation","activation":{"type":"elu","negative_slope":0.1}}"""), ["activation 'elu': unknown key 'negative_slope'; expected one of type, alpha"] },
        { "GRUT004", Model(extraLayers: """,{"type":"activation","activation":"prelu"}"""), ["activation 'prelu': missing required key 'weight'"] },
        { "GRUT007", Model(extraLayers: """,{"type":"dense","activation":{"type":"prelu","weight":[0.1,0.2]},"weight":[[1]]}"""), ["activation 'prelu': tensor 'weight' has shape [2]; expected [1]."] },
        { "GRUT012", Model(extraLayers: """,{"type":"activation","activation":{"type":"hardtanh","min_val":1,"max_val":1}}"""), ["min_val 1 must be less than max_val 1"] },
        { "GRUT011", Model(extraLayers: """,{"type":"activation","activation":3}"""), ["'activation' must be a name (\"relu\") or an object"] },
        { "GRUT004", Model(extraLayers: """,{"type":"layer_norm"}"""), ["layers[1] (layer_norm): missing required key 'eps'"] },
        { "GRUT012", Model(extraLayers: """,{"type":"layer_norm","eps":-1}"""), ["'eps' is -1; it must be at least 0"] },
        { "GRUT007", Model(extraLayers: """,{"type":"layer_norm","eps":1e-5,"weight":[1,2]}"""), ["tensor 'weight' has shape [2]; expected [1]"] },
        { "GRUT004", Model(extraLayers: """,{"type":"batch_norm","eps":1e-5,"running_mean":[0]}"""), ["layers[1] (batch_norm): missing required key 'running_var'"] },
        { "GRUT012", Model(extraLayers: """,{"type":"batch_norm","eps":0,"running_mean":[0],"running_var":[0]}"""), ["running_var[0] is 0", "var + eps greater than 0"] },
        { "GRUT008", Model(extraLayers: """,{"type":"batch_norm","eps":1e-5,"running_mean":[NaN],"running_var":[1]}"""), ["running_mean[0] is NaN"] },
        { "GRUT010", Model(extraLayers: """,{"type":"arithmetic","steps":[{"op":"pow","value":[2]}]}"""), ["steps[0]: unknown 'op' \"pow\"; expected \"add\", \"sub\", \"sub_from\", \"mul\" or \"div\""] },
        { "GRUT011", Model(extraLayers: """,{"type":"arithmetic","steps":[{"op":3,"value":[2]}]}"""), ["steps[0]: 'op' must be a string"] },
        { "GRUT012", Model(extraLayers: """,{"type":"arithmetic","steps":[{"op":"div","value":[0]}]}"""), ["steps[0]: value[0] is 0; a model does not divide by zero"] },
        { "GRUT007", Model(extraLayers: """,{"type":"arithmetic","steps":[{"op":"add","value":[1,2]}]}"""), ["steps[0]: 'value' has shape [2]; expected [1]."] },
        { "GRUT011", Model(extraLayers: """,{"type":"arithmetic","steps":[]}"""), ["'steps' must be a non-empty array"] },
        { "GRUT011", Model().Replace("\"weight_ih\":[[0.1]", "\"weight_ih\":[[\"0.1\"]"), ["weight_ih[0][0] must be a number, but it is a string"] },
        { "GRUT011", Model().Replace("\"hidden_size\":1", "\"hidden_size\":1.0"), ["'hidden_size' must be a JSON integer"] },
        { "GRUT011", Model().Replace("\"linear_before_reset\":true", "\"linear_before_reset\":1"), ["'linear_before_reset' must be true or false"] },
        { "GRUT012", Model().Replace("\"hidden_size\":1", "\"hidden_size\":0"), ["'hidden_size' is 0", "at least 1"] },
        { "GRUT012", Model().Replace("\"linear_before_reset\":true", "\"linear_before_reset\":true,\"clip\":0"), ["layers[0] (gru): 'clip' is 0; it must be greater than 0"] },
        { "GRUT011", Model().Replace("\"linear_before_reset\":true", "\"linear_before_reset\":true,\"clip\":\"3\""), ["layers[0] (gru): 'clip' must be a number"] },
        { "GRUT007", Model().Replace("\"linear_before_reset\":true", "\"linear_before_reset\":true,\"initial_state\":[0.5,0.5]"), ["layers[0] (gru): tensor 'initial_state' has shape [2]; expected [1]"] },
        { "GRUT008", Model().Replace("\"linear_before_reset\":true", "\"linear_before_reset\":true,\"initial_state\":[1e39]"), ["layers[0] (gru): initial_state[0] is +Infinity"] },
        { "GRUT012", Model().Replace("\"linear_before_reset\":true", "\"linear_before_reset\":true,\"direction\":\"sideways\""), ["layers[0] (gru): 'direction' must be \"forward\", \"reverse\" or \"bidirectional\", but it is \"sideways\""] },
        { "GRUT005", Model().Replace("\"linear_before_reset\":true", "\"linear_before_reset\":true,\"weight_hh_reverse\":[[0.1],[0.2],[0.3]]"), ["'weight_hh_reverse' belongs to the reverse half of a bidirectional layer, but 'direction' is \"forward\""] },
        { "GRUT004", Model().Replace("\"linear_before_reset\":true", "\"linear_before_reset\":true,\"direction\":\"bidirectional\""), ["layers[0] (gru): missing required key 'weight_ih_reverse'"] },
        { "GRUT014", Model(gruLayer: """{"type":"embedding","weight":[[1]]},{"type":"gru","hidden_size":1,"linear_before_reset":true,"direction":"reverse","weight_ih":[[0.1],[0.2],[0.3]],"weight_hh":[[0.1],[0.2],[0.3]]}"""), ["a reverse GRU in a token model (an embedding first) is not supported yet"] },
        { "GRUT012", Model().Replace("\"input_size\":1", "\"input_size\":-3"), ["'input_size' is -3"] },
        { "GRUT013", """{"format":"grutiny/1","input_size":1,"layers":[{"type":"dense","activation":"linear","weight":[[1]]}]}""", ["the model has no gru layer; a model needs at least one"] },
        { "GRUT013", Model(gruLayer: """{"type":"embedding","weight":[[1]]},{"type":"dense","activation":"linear","weight":[[1]]}"""), ["layers[1] is a dense layer right after the embedding; an embedding must be followed by a gru layer"] },
        { "GRUT013", Model(gruLayer: """{"type":"embedding","weight":[[1]]},{"type":"activation","activation":"relu"}"""), ["layers[1] is an activation layer right after the embedding"] },
        { "GRUT004", Model(top: "\"input_normalization\":{\"mean\":[0]},"), ["'input_normalization': missing required key 'std'"] },
        { "GRUT007", Model(top: "\"output_normalization\":{\"mean\":[0,1],\"std\":[1,1]},"), ["'output_normalization': 'mean' has 2 numbers; expected 1"] },
        { "GRUT012", Model(top: "\"input_normalization\":{\"mean\":[0],\"std\":[0]},"), ["std[0] is 0", "greater than 0"] },
        { "GRUT008", Model(top: "\"input_normalization\":{\"mean\":[NaN],\"std\":[1]},"), ["mean[0] is NaN"] },
        { "GRUT040", Model(top: "\"self_check\":{},"), ["self_check: missing key 'sequences'"] },
        { "GRUT040", Model(top: "\"self_check\":{\"sequences\":[{\"inputs\":[[1]],\"outputs\":[[1]]}],\"sequences\":[]},"), ["self_check: duplicate key 'sequences'"] },
        { "GRUT040", Model(top: "\"self_check\":{\"sequences\":[{\"inputs\":[[1]],\"outputs\":[[1],[2]]}]},"), ["self_check.sequences[0]: 1 input rows but 2 output rows"] },
        { "GRUT040", Model(top: "\"self_check\":{\"sequences\":[{\"inputs\":[[1,2]],\"outputs\":[[1]]}]},"), ["self_check.sequences[0].inputs[0] must be a row of 1 numbers"] },
        { "GRUT013", Model(gruLayer: """{"type":"embedding","weight":[[1]]}"""), ["no gru layer", "embedding must be followed by a gru layer"] },
        { "GRUT013", Model(extraLayers: """,{"type":"embedding","weight":[[1]]}"""), ["layers[1] is an embedding layer; it may only be the first layer"] },
        { "GRUT007", Model(gruLayer: """{"type":"embedding","weight":[[1],[2]]},{"type":"gru","hidden_size":1,"linear_before_reset":true,"weight_ih":[[0.1],[0.2],[0.3]],"weight_hh":[[0.1],[0.2],[0.3]]}"""), ["2 rows but 'input_size' is 1"] },
        { "GRUT040", Model(gruLayer: """{"type":"embedding","weight":[[1]]},{"type":"gru","hidden_size":1,"linear_before_reset":true,"weight_ih":[[0.1],[0.2],[0.3]],"weight_hh":[[0.1],[0.2],[0.3]]}""", top: "\"self_check\":{\"sequences\":[{\"inputs\":[[1]],\"outputs\":[[0]]}]},"), ["a token id must be a whole number from 0 to 0"] },
        { "GRUT015", Model().Replace("\"input_size\":1", "\"input_size\":1000").Replace("\"hidden_size\":1", "\"hidden_size\":1000"), ["more than 2000000 parameters", "GruTinyMaxParameters"] },
        { "GRUT002", "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n", ["Git LFS pointer", "git lfs pull"] },
    };

    [Theory]
    [MemberData(nameof(BadModels))]
    public void Bad_model_gets_its_diagnostic(string id, string json, string[] fragments)
    {
        Diagnostic diagnostic = SingleDiagnostic(Target, json);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        string message = diagnostic.GetMessage();
        Assert.StartsWith("models/m.gru.json(", message); // names the file and the line and column
        foreach (string fragment in fragments) Assert.Contains(fragment, message);
        Assert.Equal("/project/Program.cs", diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(1, diagnostic.Location.GetLineSpan().StartLinePosition.Line); // the attribute's line
    }

    [Fact]
    public void Model_file_that_is_not_an_additional_file_gets_GRUT001_naming_the_resolved_path()
    {
        Diagnostic diagnostic = SingleDiagnostic(Target.Replace("models/m.gru.json", "models/../other/x.gru.json"), Model());
        Assert.Equal("GRUT001", diagnostic.Id);
        Assert.Contains("'/project/other/x.gru.json'", diagnostic.GetMessage());
        Assert.Contains("add it to the project as <AdditionalFiles Include=\"models/../other/x.gru.json\" />", diagnostic.GetMessage());
    }

    [Fact]
    public void A_model_path_in_the_wrong_folder_is_told_where_the_file_is_not_to_add_it()
    {
        // The attribute says m.gru.json; the project lists models/m.gru.json.
        Diagnostic diagnostic = SingleDiagnostic(Target.Replace("models/m.gru.json", "m.gru.json"), Model());
        Assert.Equal("GRUT001", diagnostic.Id);
        Assert.Contains("but '/project/models/m.gru.json' is: if that is the model, correct the path in [GruModel]", diagnostic.GetMessage());
        Assert.DoesNotContain("<AdditionalFiles Include", diagnostic.GetMessage());
    }

    [Fact]
    public void Unknown_project_directory_is_explained_in_GRUT001()
    {
        GeneratorDriver driver = CreateDriver([ModelFile("models/m.gru.json", Model())], globalOptions: []);
        driver.RunGeneratorsAndUpdateCompilation(CreateCompilation(Target), out _, out var diagnostics);
        Diagnostic diagnostic = Assert.Single(diagnostics);
        Assert.Equal("GRUT001", diagnostic.Id);
        Assert.Contains("CompilerVisibleProperty Include=\"ProjectDir\"", diagnostic.GetMessage());
    }

    [Fact]
    public void Weight_blocks_over_one_chunk_get_a_warning_and_still_compile()
    {
        // 1,400 inputs: input projection blocks of 24·1401 floats, over the 16,000 of one frozen literal.
        string row = "[" + string.Join(",", Enumerable.Repeat("0.001", 1400)) + "]";
        string json = $$"""{"format":"grutiny/1","input_size":1400,"layers":[{"type":"gru","hidden_size":1,"linear_before_reset":true,"weight_ih":[{{row}},{{row}},{{row}}],"weight_hh":{{W3}}}]}""";
        GeneratorResult result = Generate(Target, ModelFile("models/m.gru.json", json));
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("GRUT016", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("layers[0] has weight blocks of 33624 floats", diagnostic.GetMessage());
        Assert.Single(result.Run.Results.Single().GeneratedSources);
    }

    [Fact]
    public void Path_with_characters_invalid_on_some_hosts_is_a_diagnostic_not_a_crash()
    {
        Diagnostic diagnostic = SingleDiagnostic(Target.Replace("models/m.gru.json", "models/a|b<c>*?.json"), Model());
        Assert.Equal("GRUT001", diagnostic.Id);
    }

    [Fact]
    public void Model_file_listed_twice_is_ambiguous()
    {
        GeneratorResult result = Generate(Target, ModelFile("models/m.gru.json", Model()), ModelFile("models/./m.gru.json", Model()));
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("GRUT001", diagnostic.Id);
        Assert.Contains("matches 2 AdditionalFiles items", diagnostic.GetMessage());
    }

    public static TheoryData<string, string, string> BadTargets => new()
    {
        { "GRUT020", "public struct M;", "must be declared partial" },
        { "GRUT021", "public partial struct M<T>;", "generic" },
        { "GRUT022", "public readonly partial struct M;", "readonly struct" },
        { "GRUT022", "public ref partial struct M;", "ref struct" },
        { "GRUT023", "public static partial class M;", "static" },
        { "GRUT023", "public abstract partial class M;", "abstract" },
        { "GRUT024", "public class Outer { [GruTiny.GruModel(\"models/m.gru.json\")] public partial struct M; }", "'Outer' contains the GruModel type" },
        { "GRUT021", "public partial class Outer<T> { [GruTiny.GruModel(\"models/m.gru.json\")] public partial struct M; }", "nested in a generic type" },
        { "GRUT025", "[GruTiny.GruModel(\"\")] public partial struct M;", "model path" },
        { "GRUT026", "file partial struct M;", "file-local" },
    };

    [Theory]
    [MemberData(nameof(BadTargets))]
    public void Unsupported_target_gets_its_diagnostic(string id, string declaration, string fragment)
    {
        string source = "/// <summary>Model.</summary>\n" +
            (declaration.StartsWith('[') || declaration.Contains("Outer") ? declaration : "[GruTiny.GruModel(\"models/m.gru.json\")]\n" + declaration);
        GeneratorResult result = Generate(source, ModelFile("models/m.gru.json", Model()));
        Diagnostic diagnostic = result.Diagnostics.First(d => d.Id.StartsWith("GRUT"));
        Assert.Equal(id, diagnostic.Id);
        Assert.Contains(fragment, diagnostic.GetMessage());
        Assert.Empty(result.Run.Results.Single().GeneratedSources);
    }

    [Theory]
    [InlineData("struct")]
    [InlineData("class")]
    public void A_model_that_cannot_be_compiled_leaves_its_GRUT_error_alone(string keyword)
    {
        string source = $$"""
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/m.gru.json")]
            public partial {{keyword}} M;
            /// <summary>User code.</summary>
            public static class User
            {
                /// <summary>Uses every member a model has.</summary>
                public static int Use(System.ReadOnlySpan<float> x, System.Span<float> y)
                {
                    var m = new M();
                    m.Step(x, y); m.Run(x, y); m.RunFinal(x, y); m.Reset(); m.CopyStateTo(y); m.SetState(x);
                    GruTiny.IGruModel model = m;
                    return M.InputSize + M.OutputSize + M.StateSize + M.ParameterCount + model.InputSize;
                }
            }
            """;
        GeneratorResult result = Generate(source, ModelFile("models/m.gru.json", Model().Replace("\"weight_ih\":" + W3, "\"weight_ih\":[[0.1],[0.2]]")));
        Assert.Equal("GRUT007", Assert.Single(result.Diagnostics).Id);
        Assert.Empty(result.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Contains("Not compiled: GruTiny could not compile the model file (GRUT007", result.SingleSource);
        IGruModel standIn = CreateModel(CompileAndLoad(result.Output), "M");
        Assert.Equal(0, standIn.InputSize);
        var e = Assert.Throws<System.InvalidOperationException>(() => standIn.Step([], []));
        Assert.Equal("GruTiny could not compile this model (GRUT007); the build reported why.", e.Message);
    }

    [Fact]
    public void A_token_model_that_fails_a_later_check_gets_a_token_stand_in()
    {
        // Read, then failed its self-check (GRUT041): the generator knows it is a token model.
        string json = System.IO.File.ReadAllText(System.IO.Path.Combine(System.AppContext.BaseDirectory, "Models", "embedding", "emb_v5_d1_h3.gru.json"))
            .Replace("\"input_size\":5,", "\"input_size\":5,\"self_check\":{\"sequences\":[{\"inputs\":[[0]],\"outputs\":[[9,9,9]]}]},");
        const string source = """
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/m.gru.json")]
            public partial class M;
            /// <summary>User code.</summary>
            public static class User
            {
                /// <summary>Uses the token API.</summary>
                public static int Use(System.ReadOnlySpan<int> tokens, System.Span<float> y)
                {
                    GruTiny.IGruTokenModel model = new M();
                    model.Step(3, y); model.Run(tokens, y); model.RunFinal(tokens, y);
                    return M.VocabularySize + M.EmbeddingSize + model.VocabularySize;
                }
            }
            """;
        GeneratorResult result = Generate(source, ModelFile("models/m.gru.json", json));
        Assert.Equal("GRUT041", Assert.Single(result.Diagnostics).Id);
        Assert.Empty(result.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Contains(": global::GruTiny.IGruTokenModel", result.SingleSource);
    }

    [Fact]
    public void A_sequence_model_that_fails_a_later_check_gets_a_sequence_stand_in()
    {
        // Read, then failed its self-check (GRUT041): the generator knows it reads whole sequences.
        string json = System.IO.File.ReadAllText(System.IO.Path.Combine(System.AppContext.BaseDirectory, "Models", "sequence", "reverse_cho_clip_h0_in3_h6_h5_linear2.gru.json"))
            .Replace("\"input_size\":3,", "\"input_size\":3,\"self_check\":{\"sequences\":[{\"inputs\":[[0,0,0]],\"outputs\":[[9,9]]}]},");
        const string source = """
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/m.gru.json")]
            public partial struct M;
            /// <summary>User code.</summary>
            public static class User
            {
                /// <summary>Uses the sequence API.</summary>
                public static int Use(System.ReadOnlySpan<float> x, System.Span<float> y, System.Span<float> work)
                {
                    GruTiny.IGruSequenceModel model = new M();
                    model.Run(x, y, work); model.RunFinal(x, y, work); new M().Run(x, y);
                    return M.WorkspaceLength(2) + M.StackSteps + model.WorkspaceLength(1);
                }
            }
            """;
        GeneratorResult result = Generate(source, ModelFile("models/m.gru.json", json));
        Assert.Equal("GRUT041", Assert.Single(result.Diagnostics).Id);
        Assert.Empty(result.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Contains(": global::GruTiny.IGruSequenceModel", result.SingleSource);
    }

    [Theory]
    [InlineData("public const int StackSteps = 1;", "StackSteps")]
    [InlineData("public static int WorkspaceLength(int steps) => steps;", "WorkspaceLength")]
    public void A_member_a_sequence_model_generates_is_GRUT028_for_such_a_model_only(string member, string name)
    {
        string source = $$"""
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/m.gru.json")]
            public partial class M { /// <summary>Mine.</summary>
            {{member}} }
            """;
        string sequence = System.IO.File.ReadAllText(System.IO.Path.Combine(System.AppContext.BaseDirectory, "Models", "sequence", "reverse_cho_clip_h0_in3_h6_h5_linear2.gru.json"));
        Diagnostic diagnostic = Assert.Single(Generate(source, ModelFile("models/m.gru.json", sequence)).Diagnostics);
        Assert.Equal("GRUT028", diagnostic.Id);
        Assert.Contains($"'{name}'", diagnostic.GetMessage());
        Assert.Empty(Generate(source, ModelFile("models/m.gru.json", Model())).Diagnostics); // a streaming model has no such member
    }

    [Fact]
    public void A_GRUT_error_cannot_be_suppressed_or_lowered()
    {
        // Otherwise the stand-in type would let the build succeed with a model that throws at run time.
        CSharpCompilation compilation = CreateCompilation(Target);
        compilation = compilation.WithOptions(compilation.Options.WithSpecificDiagnosticOptions(
            new System.Collections.Generic.Dictionary<string, ReportDiagnostic> { ["GRUT007"] = ReportDiagnostic.Suppress }));
        GeneratorResult result = Generate(compilation, ModelFile("models/m.gru.json", Model().Replace("\"weight_ih\":" + W3, "\"weight_ih\":[[0.1],[0.2]]")));
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(("GRUT007", DiagnosticSeverity.Error), (diagnostic.Id, diagnostic.Severity));
        System.Type descriptors = typeof(GruTiny.Generator.GruModelGenerator).Assembly.GetType("GruTiny.Generator.DiagnosticDescriptors", throwOnError: true)!;
        var errors = descriptors.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Select(f => f.GetValue(null)).OfType<DiagnosticDescriptor>().Where(d => d.DefaultSeverity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count > 30, $"{errors.Count} error descriptors");
        Assert.All(errors, d => Assert.Contains(WellKnownDiagnosticTags.NotConfigurable, d.CustomTags));
    }

    // A model that cannot be compiled gets its one GRUT error, and the stand-in type (every member throws).
    private static Diagnostic SingleDiagnostic(string source, string json)
    {
        GeneratorResult result = Generate(source, ModelFile("models/m.gru.json", json));
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Contains($"Not compiled: GruTiny could not compile the model file ({diagnostic.Id}", result.SingleSource);
        return diagnostic;
    }
}
