using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using GruTiny.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using static GruTiny.Tests.Generator.GeneratorHarness;

namespace GruTiny.Tests.Generator;

/// <summary>
/// Self-check data written by tools/make_self_check.py from PyTorch: a correct model passes (GRUT042 with the
/// worst error), the same weights labelled with the wrong GRU variant fail (GRUT041 naming sequence, step and
/// output), malformed check data is GRUT040; JSON and ONNX alike, at build time and in the interpreter.
/// </summary>
public sealed class SelfCheckTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "SelfCheck");

    private readonly string _project = Directory.CreateTempSubdirectory("grutiny-selfcheck-").FullName + "/";

    public void Dispose()
    {
        try { Directory.Delete(_project, recursive: true); } catch (IOException) { }
    }

    public static TheoryData<string, string> Manifest
    {
        get
        {
            var data = new TheoryData<string, string>();
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "manifest.json")));
            foreach (JsonElement c in doc.RootElement.EnumerateArray())
                data.Add(c.GetProperty("file").GetString()!, c.GetProperty("expect").GetString()!);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Manifest))]
    public void The_build_verifies_the_self_check(string file, string expect)
    {
        ImmutableArray<Diagnostic> diagnostics = Generate(file, out Compilation output);
        switch (expect)
        {
            case "pass":
                Diagnostic info = Assert.Single(diagnostics);
                Assert.Equal("GRUT042", info.Id);
                Assert.Equal(DiagnosticSeverity.Info, info.Severity);
                Assert.Contains("self-check passed: 2 sequence(s), 32 steps", info.GetMessage());
                // What the user sees of it without a detailed build log: the generated type's documentation.
                Assert.Contains($"/// <remarks>Verified at build time against the reference outputs the model file carries: {info.GetMessage()[(info.GetMessage().IndexOf(": ", StringComparison.Ordinal) + 2)..]}.</remarks>",
                    GeneratedText(output));
                CompileAndLoad(output);
                break;
            case "mismatch":
                Diagnostic error = Assert.Single(diagnostics);
                Assert.Equal("GRUT041", error.Id);
                foreach (string part in new[] { "self-check failed: sequence ", ", step ", ", output ", "linear_before_reset" })
                    Assert.Contains(part, error.GetMessage());
                break;
            default:
                Assert.Equal("GRUT040", Assert.Single(diagnostics).Id);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Manifest))]
    public void The_interpreter_agrees(string file, string expect)
    {
        string path = Path.Combine(Fixtures, file);
        if (expect == "pass")
        {
            GruNetwork network = GruNetwork.LoadFile(path);
            Assert.InRange(network.SelfCheckWorstError!.Value, 0, 1e-5);
            return;
        }

        var e = Assert.Throws<GruModelFormatException>(() => GruNetwork.LoadFile(path));
        Assert.Equal(expect == "mismatch" ? "GRUT041" : "GRUT040", e.DiagnosticId);
        if (expect == "mismatch")
        {
            GruNetwork unchecked_ = GruNetwork.LoadFile(path, new GruNetworkLoadOptions { VerifySelfCheck = false });
            Assert.Null(unchecked_.SelfCheckWorstError);
        }
    }

    [Fact]
    public void A_model_without_self_check_data_says_so_in_its_documentation()
    {
        Assert.Empty(Generate("ok_no_check.gru.json", out Compilation output, strip: true));
        Assert.Contains("/// <remarks>Not verified at build time: the model file carries no self-check data", GeneratedText(output));
    }

    [Fact]
    public void The_tolerance_is_an_msbuild_property()
    {
        ImmutableArray<Diagnostic> loose = Generate("wrong_variant.gru.json", out _, tolerance: "10");
        Assert.Equal("GRUT042", Assert.Single(loose).Id);
        Assert.Contains("tolerance 1.0E+001", Assert.Single(loose).GetMessage());

        ImmutableArray<Diagnostic> strict = Generate("ok.gru.json", out _, tolerance: "1e-12");
        Assert.Equal("GRUT041", Assert.Single(strict).Id);

        Assert.Equal("GRUT043", Assert.Single(Generate("ok.gru.json", out _, tolerance: "one")).Id);
        Assert.Equal("GRUT043", Assert.Single(Generate("ok.gru.json", out _, tolerance: "-1")).Id);
    }

    [Fact]
    public void Changing_the_tolerance_re_reads_and_re_checks_nothing()
    {
        AdditionalText file = Place("ok.gru.json");
        CSharpCompilation compilation = CreateCompilation(Source("ok.gru.json"));
        GeneratorDriver driver = Driver(file, null).RunGenerators(compilation);
        driver = ((CSharpGeneratorDriver)driver).WithUpdatedAnalyzerConfigOptions(Options("1e-3")).RunGenerators(compilation);
        foreach (IncrementalGeneratorRunStep step in driver.GetRunResult().Results.Single().TrackedSteps[GruModelGenerator.TrackingNames.ModelFiles])
            Assert.All(step.Outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    private static string GeneratedText(Compilation output) =>
        Assert.Single(output.SyntaxTrees, t => t.FilePath.EndsWith(".GruModel.g.cs", StringComparison.Ordinal)).ToString();

    // strip: the fixture ok.gru.json without its self_check member, placed under the given name.
    private ImmutableArray<Diagnostic> Generate(string file, out Compilation output, string? tolerance = null, bool strip = false)
    {
        GeneratorDriver driver = Driver(strip ? PlaceWithoutSelfCheck(file) : Place(file), tolerance)
            .RunGeneratorsAndUpdateCompilation(CreateCompilation(Source(file)), out output, out ImmutableArray<Diagnostic> diagnostics);
        Assert.All(driver.GetRunResult().Results, r => Assert.Null(r.Exception));
        return diagnostics;
    }

    private static string Source(string file) => $$"""
        /// <summary>Model.</summary>
        [GruTiny.GruModel("models/{{file}}")]
        public partial struct M;
        """;

    private AdditionalText PlaceWithoutSelfCheck(string file)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures, "ok.gru.json")))!.AsObject();
        Assert.True(json.Remove("self_check"));
        string path = _project + "models/" + file;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json.ToJsonString());
        return new DiskText(path);
    }

    private AdditionalText Place(string file)
    {
        string path = _project + "models/" + file;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(Path.Combine(Fixtures, file), path, overwrite: true);
        return new DiskText(path);
    }

    private GeneratorDriver Driver(AdditionalText file, string? tolerance) =>
        CreateDriver([file], Values(tolerance));

    private Dictionary<string, string> Values(string? tolerance)
    {
        var values = new Dictionary<string, string> { ["build_property.ProjectDir"] = _project };
        if (tolerance is not null) values["build_property.GruTinySelfCheckTolerance"] = tolerance;
        return values;
    }

    private Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider Options(string tolerance) => new OptionsProvider(Values(tolerance));

    /// <summary>An AdditionalFiles item on disk, read the way the compiler reads it (text for JSON; ONNX is read from the path).</summary>
    private sealed class DiskText(string path) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) =>
            path.EndsWith(".onnx", StringComparison.Ordinal)
                ? throw new InvalidOperationException("GetText on a binary file")
                : SourceText.From(File.ReadAllText(path));
    }

    private sealed class OptionsProvider(Dictionary<string, string> global) : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptionsProvider
    {
        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GlobalOptions { get; } = new StaticOptions(global);

        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new StaticOptions([]);

        public override Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions GetOptions(AdditionalText textFile) => new StaticOptions([]);
    }

    private sealed class StaticOptions(Dictionary<string, string> values) : Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }
}
