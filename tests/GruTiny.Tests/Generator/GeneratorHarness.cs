using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using GruTiny.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace GruTiny.Tests.Generator;

/// <summary>
/// Runs the generator the way the compiler does (<see cref="CSharpGeneratorDriver"/>), with model files as
/// in-memory AdditionalFiles under a project directory, then compiles and loads the result in memory.
/// </summary>
internal static class GeneratorHarness
{
    public const string ProjectDir = "/project/";

    public static readonly CSharpParseOptions Parse =
        new CSharpParseOptions(LanguageVersion.CSharp13, DocumentationMode.Diagnose);

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => !Path.GetFileName(p).StartsWith("GruTiny.Tests", StringComparison.Ordinal)
                        && !Path.GetFileName(p).StartsWith("GruTiny.Generator", StringComparison.Ordinal)
                        && !Path.GetFileName(p).StartsWith("GruTiny.ReferenceModels", StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    public static string TinyModelJson => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Models", "tiny.gru.json"));

    /// <summary>An AdditionalFiles item at ProjectDir + <paramref name="relativePath"/>.</summary>
    public static AdditionalText ModelFile(string relativePath, string text) => new InMemoryAdditionalText(ProjectDir + relativePath, text);

    /// <summary>An AdditionalFiles item with item metadata (<c>GruTinyWeights="int8"</c>), as the compiler sees <c>CompilerVisibleItemMetadata</c>.</summary>
    public static AdditionalText ModelFile(string relativePath, string text, Dictionary<string, string> metadata) =>
        new InMemoryAdditionalText(ProjectDir + relativePath, text, metadata.ToDictionary(m => "build_metadata.AdditionalFiles." + m.Key, m => m.Value));

    public static CSharpCompilation CreateCompilation(string source, OptimizationLevel optimization = OptimizationLevel.Release, string assemblyName = "UserProject") =>
        CSharpCompilation.Create(
            assemblyName,
            [CSharpSyntaxTree.ParseText(source, Parse, path: "/project/Program.cs")],
            References.Value,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                optimizationLevel: optimization,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999,
                deterministic: true));

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> files, Dictionary<string, string>? globalOptions = null)
    {
        globalOptions ??= new Dictionary<string, string> { ["build_property.ProjectDir"] = ProjectDir };
        return CSharpGeneratorDriver.Create(
            [new GruModelGenerator().AsSourceGenerator()],
            files,
            Parse,
            new TestOptionsProvider(globalOptions),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
    }

    /// <summary>Generates, and returns the updated compilation with the generator's own diagnostics.</summary>
    public static GeneratorResult Generate(string source, params AdditionalText[] files) =>
        Generate(CreateCompilation(source), files);

    public static GeneratorResult Generate(CSharpCompilation compilation, params AdditionalText[] files) => Generate(compilation, null, files);

    /// <param name="globalOptions">MSBuild properties as the compiler passes them (<c>build_property.X</c>); ProjectDir is added.</param>
    public static GeneratorResult Generate(CSharpCompilation compilation, Dictionary<string, string>? globalOptions, params AdditionalText[] files)
    {
        if (globalOptions is not null) globalOptions = new(globalOptions) { ["build_property.ProjectDir"] = ProjectDir };
        GeneratorDriver driver = CreateDriver(files, globalOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorDriverRunResult run = driver.GetRunResult();
        Assert.Empty(run.Results.SelectMany(r => r.Exception is null ? [] : new[] { r.Exception }));
        PipelineChecks.AssertHoldsNoCompilerObjects(run);
        PipelineChecks.AssertSameInputIsAllCached(driver, compilation, run);
        return new GeneratorResult(driver, run, output, diagnostics);
    }

    /// <summary>Compiles the output, requiring no warnings or errors at all, and loads it.</summary>
    /// <param name="compilation">The generator's output compilation.</param>
    /// <param name="collectible">
    /// Load into a collectible context (unloaded with it). Allocation tests pass false: the runtime never
    /// puts the string literals of a collectible assembly on its frozen heap, so there each weight chunk is
    /// allocated once at first use (see docs/design.md); ordinary application assemblies are not collectible.
    /// </param>
    public static Assembly CompileAndLoad(Compilation compilation, bool collectible = true)
    {
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        var problems = emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(emit.Success && problems.Length == 0, string.Join(Environment.NewLine, problems.Select(d => d.ToString())));
        stream.Position = 0;
        return new AssemblyLoadContext("generated-" + Guid.NewGuid(), collectible).LoadFromStream(stream);
    }

    public static IGruModel CreateModel(Assembly assembly, string typeName) =>
        (IGruModel)Activator.CreateInstance(assembly.GetType(typeName, throwOnError: true)!)!;

    internal sealed record GeneratorResult(GeneratorDriver Driver, GeneratorDriverRunResult Run, Compilation Output, ImmutableArray<Diagnostic> Diagnostics)
    {
        public string SingleSource => Assert.Single(Run.Results.Single().GeneratedSources).SourceText.ToString();
    }

    private sealed class InMemoryAdditionalText(string path, string text, Dictionary<string, string>? metadata = null) : AdditionalText
    {
        private readonly SourceText _text = SourceText.From(text);

        public Dictionary<string, string> Metadata { get; } = metadata ?? [];

        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
    }

    private sealed class TestOptionsProvider(Dictionary<string, string> global) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new TestOptions(global);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => TestOptions.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            textFile is InMemoryAdditionalText { Metadata.Count: > 0 } withMetadata ? new TestOptions(withMetadata.Metadata) : TestOptions.Empty;
    }

    private sealed class TestOptions(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static readonly TestOptions Empty = new([]);

        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }
}
