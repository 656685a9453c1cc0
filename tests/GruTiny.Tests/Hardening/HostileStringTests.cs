using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using GruTiny.Tests.Runtime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using static GruTiny.Tests.Generator.GeneratorHarness;

namespace GruTiny.Tests.Hardening;

/// <summary>
/// Only numbers and validated identifiers from a model file reach the generated source. Hostile strings (quotes,
/// newlines, <c>*/</c>, <c>#error</c>, <c>#line</c>, unicode escapes, a <c>[ModuleInitializer]</c> payload) in
/// every string field of a JSON description and of an ONNX file (tools/make_hostile_onnx.py): the output
/// compiles, computes the same model, and carries none of them; diagnostics quoting them stay on one line.
/// </summary>
public sealed class HostileStringTests : IDisposable
{
    private static readonly string[] Payloads =
    [
        "\"; } #error injected",
        "*/ #line 1 \"evil.cs\"",
        "\n#error after a newline\n",
        "\\u0022 escaped quote \\\" and \u2028 line separator",
        "[System.Runtime.CompilerServices.ModuleInitializer] internal static void Evil() { System.Environment.Exit(3); }",
        "\r\n/* open comment // ",
    ];

    private static readonly string[] Markers = ["injected", "evil", "Evil", "#error", "#line", "ModuleInitializer", "open comment"];

    private readonly string _project = Directory.CreateTempSubdirectory("grutiny-hostile-").FullName + "/";

    public void Dispose()
    {
        try { Directory.Delete(_project, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Hostile_strings_in_a_json_description_become_no_code()
    {
        var model = System.Text.Json.Nodes.JsonNode.Parse(TinyModelJson)!.AsObject();
        var metadata = new System.Text.Json.Nodes.JsonObject();
        foreach (string p in Payloads) metadata[p] = p;
        metadata["nested"] = new System.Text.Json.Nodes.JsonArray(Payloads.Select(p => (System.Text.Json.Nodes.JsonNode?)p).ToArray());
        model["metadata"] = metadata;
        string json = model.ToJsonString();
        string source = Generate("models/m.gru.json", new Text(_project + "models/m.gru.json", json));
        AssertNoPayload(source);
    }

    [Fact]
    public void Hostile_strings_in_an_onnx_file_become_no_code()
    {
        string path = _project + "models/m.onnx";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Onnx", "hostile.onnx"), path);
        string source = Generate("models/m.onnx", new Text(path, null));
        AssertNoPayload(source);

        // The same model as the file the names were replaced in.
        GruNetwork hostile = GruNetwork.LoadFile(path), original = GruNetwork.LoadFile(ReferenceCase.ModelPath("onnx_base"));
        float[] x = [0.3f, -1.2f, 2], a = new float[2], b = new float[2];
        hostile.Step(x, a);
        original.Step(x, b);
        Assert.Equal(b, a);
    }

    [Theory]
    [InlineData("type")]
    [InlineData("activation")]
    public void A_hostile_string_in_a_rejected_field_is_quoted_on_one_line(string key)
    {
        string json = key == "type"
            ? TinyModelJson.Replace("\"type\": \"dense\"", "\"type\": " + Quote(Payloads[2])).Replace("\"type\":\"dense\"", "\"type\":" + Quote(Payloads[2]))
            : TinyModelJson.Replace("\"activation\": \"tanh\"", "\"activation\": " + Quote(Payloads[5])).Replace("\"activation\":\"tanh\"", "\"activation\":" + Quote(Payloads[5]));
        Assert.NotEqual(TinyModelJson, json);
        GeneratorDriver driver = CreateDriver([new Text(_project + "models/m.gru.json", json)], Options())
            .RunGeneratorsAndUpdateCompilation(CreateCompilation(Target("models/m.gru.json")), out _, out ImmutableArray<Diagnostic> diagnostics);
        Diagnostic diagnostic = Assert.Single(diagnostics);
        Assert.DoesNotContain('\n', diagnostic.GetMessage());
        Assert.DoesNotContain('\r', diagnostic.GetMessage());
        // Only the stand-in type, which holds the diagnostic's ID and nothing from the file.
        string standIn = Assert.Single(driver.GetRunResult().Results.Single().GeneratedSources).SourceText.ToString();
        Assert.Contains($"could not compile the model file ({diagnostic.Id};", standIn);
        Assert.DoesNotContain(Payloads[2], standIn);
        Assert.DoesNotContain(Payloads[5], standIn);
    }

    private string Generate(string modelPath, AdditionalText file)
    {
        GeneratorDriver driver = CreateDriver([file], Options())
            .RunGeneratorsAndUpdateCompilation(CreateCompilation(Target(modelPath)), out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        Assert.Empty(diagnostics);
        CompileAndLoad(output);
        return Assert.Single(driver.GetRunResult().Results.Single().GeneratedSources).SourceText.ToString();
    }

    private static void AssertNoPayload(string source)
    {
        SyntaxNode root = CSharpSyntaxTree.ParseText(source, Parse).GetRoot();
        // Directives: only the #nullable every generated file starts with.
        Assert.All(root.DescendantTrivia().Where(t => t.IsDirective), t => Assert.IsType<NullableDirectiveTriviaSyntax>(t.GetStructure()));
        Assert.DoesNotContain(root.DescendantNodes().OfType<AttributeSyntax>(), a => a.ToString().Contains("ModuleInitializer", StringComparison.Ordinal));
        // Comments and identifiers carry no marker; string literals are the weights' bits only.
        foreach (SyntaxTrivia comment in root.DescendantTrivia().Where(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia) || t.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia)))
            foreach (string marker in Markers) Assert.DoesNotContain(marker, comment.ToFullString());
        foreach (SyntaxToken token in root.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)))
            foreach (string marker in Markers) Assert.DoesNotContain(marker, token.ValueText);
    }

    private static string Target(string path) => $$"""
        /// <summary>Model.</summary>
        [GruTiny.GruModel("{{path}}")]
        public partial struct M;
        """;

    private Dictionary<string, string> Options() => new() { ["build_property.ProjectDir"] = _project };

    private static string Quote(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    /// <summary>An AdditionalFiles item: JSON text, or (null) a binary file whose text must not be asked for.</summary>
    private sealed class Text(string path, string? text) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) =>
            text is null ? throw new InvalidOperationException("GetText on a binary file") : SourceText.From(text);
    }
}
