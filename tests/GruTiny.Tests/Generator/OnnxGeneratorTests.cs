using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using GruTiny.Generator;
using GruTiny.Tests.Onnx;
using GruTiny.Tests.Runtime;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using static GruTiny.Tests.Generator.GeneratorHarness;

namespace GruTiny.Tests.Generator;

/// <summary>
/// ONNX files through the generator: read as bytes from the AdditionalFiles item's path (never through
/// GetText, which cannot carry binary data), compiled to the same API, diagnostics at the attribute, and
/// a replaced file regenerates.
/// </summary>
public sealed class OnnxGeneratorTests : IDisposable
{
    private const string Source = """
        /// <summary>Model.</summary>
        [GruTiny.GruModel("models/m.onnx")]
        public partial struct M;
        """;

    private readonly string _project = Directory.CreateTempSubdirectory("grutiny-onnx-").FullName + "/";

    public void Dispose()
    {
        try { Directory.Delete(_project, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void An_onnx_file_with_zero_byte_pairs_compiles_without_GetText()
    {
        AdditionalText file = Place("onnx_base");
        byte[] bytes = File.ReadAllBytes(file.Path);
        Assert.Contains(Enumerable.Range(0, bytes.Length - 1), i => bytes[i] == 0 && bytes[i + 1] == 0); // what CS2015 trips on

        (GeneratorDriver driver, Compilation output, ImmutableArray<Diagnostic> diagnostics) = Run(file);
        Assert.Empty(diagnostics);
        IGruModel model = CreateModel(CompileAndLoad(output), "M");
        GruNetwork oracle = GruNetwork.LoadFile(file.Path);
        Assert.Equal((oracle.InputSize, oracle.OutputSize, oracle.StateSize), (model.InputSize, model.OutputSize, model.StateSize));
        var x = new float[3];
        float[] a = new float[2], b = new float[2];
        for (int t = 0; t < 50; t++)
        {
            for (int i = 0; i < 3; i++) x[i] = MathF.Cos(t * 0.3f + i);
            model.Step(x, a);
            oracle.Step(x, b);
            for (int j = 0; j < 2; j++) Assert.True(Math.Abs(a[j] - b[j]) <= 1e-5 * Math.Max(1, Math.Abs(b[j])), $"step {t}: {a[j]} vs {b[j]}");
        }

        Assert.EndsWith(".GruModel.g.cs", Assert.Single(driver.GetRunResult().Results.Single().GeneratedSources).HintName);
    }

    [Fact]
    public void Output_from_an_onnx_file_is_deterministic()
    {
        AdditionalText file = Place("onnx_stacked3_softmax4");
        string first = Run(file).Item1.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();
        string second = Run(new BytesOnly(file.Path)).Item1.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();
        Assert.Equal(first, second);
    }

    [Fact]
    public void An_unsupported_onnx_file_is_reported_at_the_attribute_naming_file_node_and_attribute()
    {
        AdditionalText file = PlaceFile(Path.Combine(OnnxImportTests.BadDirectory, "direction_sideways.onnx"));
        (_, _, ImmutableArray<Diagnostic> diagnostics) = Run(file);
        Diagnostic diagnostic = Assert.Single(diagnostics);
        Assert.Equal("GRUT032", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        string message = diagnostic.GetMessage();
        Assert.StartsWith("models/m.onnx: ", message);
        foreach (string part in new[] { "'gru'", "GRU", "direction", "sideways" }) Assert.Contains(part, message);
        Assert.Equal(1, diagnostic.Location.GetLineSpan().StartLinePosition.Line); // the attribute's line
    }

    [Fact]
    public void A_truncated_onnx_file_is_GRUT030()
    {
        byte[] bytes = File.ReadAllBytes(ReferenceCase.ModelPath("onnx_base"));
        string path = _project + "models/m.onnx";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        (_, _, ImmutableArray<Diagnostic> diagnostics) = Run(new BytesOnly(path));
        Assert.Equal("GRUT030", Assert.Single(diagnostics).Id);
    }

    [Fact]
    public void Replacing_the_onnx_file_regenerates_and_an_unrelated_edit_reads_nothing()
    {
        AdditionalText first = Place("onnx_base");
        CSharpCompilation compilation = CreateCompilation(Source);
        GeneratorDriver driver = Driver(first).RunGenerators(compilation);
        string before = driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();

        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { }", Parse)));
        foreach (IncrementalGeneratorRunStep step in driver.GetRunResult().Results.Single().TrackedSteps[GruModelGenerator.TrackingNames.ModelFiles])
            Assert.All(step.Outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));

        // A new export saved over the old one: the host hands the generator a new AdditionalText.
        File.Copy(ReferenceCase.ModelPath("onnx_stacked3_softmax4"), first.Path, overwrite: true);
        var second = new BytesOnly(first.Path);
        driver = driver.ReplaceAdditionalText(first, second).RunGenerators(compilation);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Contains(result.TrackedSteps[GruModelGenerator.TrackingNames.ModelFiles].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        string after = result.GeneratedSources.Single().SourceText.ToString();
        Assert.NotEqual(before, after);
        Assert.Contains("public const int OutputSize = 4;", after);
    }

    private AdditionalText Place(string caseName) => PlaceFile(ReferenceCase.ModelPath(caseName));

    private AdditionalText PlaceFile(string source)
    {
        string path = _project + "models/m.onnx";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(source, path, overwrite: true);
        return new BytesOnly(path);
    }

    private GeneratorDriver Driver(AdditionalText file) =>
        CreateDriver([file], new Dictionary<string, string> { ["build_property.ProjectDir"] = _project });

    private (GeneratorDriver, Compilation, ImmutableArray<Diagnostic>) Run(AdditionalText file)
    {
        GeneratorDriver driver = Driver(file).RunGeneratorsAndUpdateCompilation(CreateCompilation(Source), out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        Assert.All(driver.GetRunResult().Results, r => Assert.Null(r.Exception));
        return (driver, output, diagnostics);
    }

    /// <summary>An AdditionalFiles item whose text must never be asked for, as for a real binary file.</summary>
    private sealed class BytesOnly(string path) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("GetText was called on a binary .onnx file (the compiler would fail with CS2015).");
    }
}
