using System.Collections.Generic;
using System.Linq;
using GruTiny.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using static GruTiny.Tests.Generator.GeneratorHarness;

namespace GruTiny.Tests.Generator;

/// <summary>
/// The generator runs on every keystroke: an edit that does not touch a model or an attributed type must
/// leave every tracked step Cached or Unchanged, so nothing is re-parsed or re-emitted.
/// </summary>
public sealed class IncrementalTests
{
    private const string Source = """
        namespace App
        {
            /// <summary>Model.</summary>
            [GruTiny.GruModel("models/tiny.gru.json")]
            public partial struct Forecaster;

            /// <summary>Other code in the same file.</summary>
            public static class Helpers
            {
                /// <summary>Doubles.</summary>
                public static int Twice(int x) => 2 * x;
            }
        }
        """;

    private static readonly string[] Steps =
    [
        GruModelGenerator.TrackingNames.Targets,
        GruModelGenerator.TrackingNames.Requests,
        GruModelGenerator.TrackingNames.ModelFiles,
        GruModelGenerator.TrackingNames.Generation,
        GruModelGenerator.TrackingNames.Emit,
        GruModelGenerator.TrackingNames.Diagnostics,
    ];

    [Fact]
    public void Adding_an_unrelated_file_leaves_every_step_cached()
    {
        CSharpCompilation compilation = CreateCompilation(Source);
        GeneratorDriver driver = CreateDriver([ModelFile("models/tiny.gru.json", TinyModelJson), ModelFile("appsettings.json", "{}")]);
        driver = driver.RunGenerators(compilation);

        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { }", Parse)));
        AssertAllCachedOrUnchanged(driver.GetRunResult());
    }

    [Fact]
    public void Editing_other_code_in_the_attributed_file_leaves_every_step_cached() =>
        AssertAllCachedOrUnchanged(RunAfterEditing(source => source.Replace("2 * x", "x + x")));

    [Fact]
    public void Typing_above_the_attribute_moves_diagnostics_but_re_emits_nothing()
    {
        GeneratorRunResult result = RunAfterEditing(source => "// a new first line\nusing System;\n" + source).Results.Single();
        foreach (IncrementalGeneratorRunStep step in result.TrackedSteps[GruModelGenerator.TrackingNames.Emit])
            foreach ((object _, IncrementalStepRunReason reason) in step.Outputs)
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"Emit: {reason}");
    }

    [Fact]
    public void Allowing_unsafe_code_re_emits_with_SkipLocalsInit_and_reads_no_file_again()
    {
        CSharpCompilation compilation = CreateCompilation(Source);
        GeneratorDriver driver = CreateDriver([ModelFile("models/tiny.gru.json", TinyModelJson)]);
        driver = driver.RunGenerators(compilation);
        Assert.DoesNotContain("SkipLocalsInit", driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString());

        driver = driver.RunGenerators(compilation.WithOptions(compilation.Options.WithAllowUnsafe(true)));
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Contains("[global::System.Runtime.CompilerServices.SkipLocalsInit]", result.GeneratedSources.Single().SourceText.ToString());
        foreach (string name in new[] { GruModelGenerator.TrackingNames.ModelFiles, GruModelGenerator.TrackingNames.Generation })
            foreach (IncrementalGeneratorRunStep step in result.TrackedSteps[name])
                foreach ((object _, IncrementalStepRunReason reason) in step.Outputs)
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {reason}");
    }

    [Fact]
    public void Changing_the_model_file_regenerates()
    {
        CSharpCompilation compilation = CreateCompilation(Source);
        AdditionalText original = ModelFile("models/tiny.gru.json", TinyModelJson);
        GeneratorDriver driver = CreateDriver([original]);
        driver = driver.RunGenerators(compilation);
        string before = driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();

        string edited = TinyModelJson.Replace("\"linear_before_reset\": true", "\"linear_before_reset\": false").Replace("\"linear_before_reset\":true", "\"linear_before_reset\":false");
        Assert.NotEqual(TinyModelJson, edited);
        AdditionalText changed = ModelFile("models/tiny.gru.json", edited);
        driver = driver.ReplaceAdditionalText(original, changed).RunGenerators(compilation);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        Assert.Contains(result.TrackedSteps[GruModelGenerator.TrackingNames.Generation].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.NotEqual(before, result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void Adding_a_target_for_another_file_does_not_re_read_the_first()
    {
        string other = TinyModelJson.Replace("\"linear_before_reset\": true", "\"linear_before_reset\": false").Replace("\"linear_before_reset\":true", "\"linear_before_reset\":false");
        CSharpCompilation compilation = CreateCompilation(Source);
        GeneratorDriver driver = CreateDriver([ModelFile("models/tiny.gru.json", TinyModelJson), ModelFile("models/other.gru.json", other)]);
        driver = driver.RunGenerators(compilation);
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "/// <summary>Second.</summary>\n[GruTiny.GruModel(\"models/other.gru.json\")] public partial struct Second;", Parse)));

        var outputs = driver.GetRunResult().Results.Single().TrackedSteps[GruModelGenerator.TrackingNames.ModelFiles]
            .SelectMany(s => s.Outputs).ToList();
        var first = outputs.Single(o => o.Value.ToString()!.Contains("tiny.gru.json", System.StringComparison.Ordinal)); // the record prints its Path
        Assert.True(first.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, first.Reason.ToString());
        Assert.Contains(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
    }

    // Runs the generator on Source, then again after replacing the file with edit(Source).
    private static GeneratorDriverRunResult RunAfterEditing(System.Func<string, string> edit)
    {
        CSharpCompilation compilation = CreateCompilation(Source);
        GeneratorDriver driver = CreateDriver([ModelFile("models/tiny.gru.json", TinyModelJson)]);
        driver = driver.RunGenerators(compilation);
        SyntaxTree old = compilation.SyntaxTrees.Single();
        SyntaxTree edited = CSharpSyntaxTree.ParseText(edit(Source), Parse, path: old.FilePath);
        return driver.RunGenerators(compilation.ReplaceSyntaxTree(old, edited)).GetRunResult();
    }

    private static void AssertAllCachedOrUnchanged(GeneratorDriverRunResult run)
    {
        IReadOnlyDictionary<string, System.Collections.Immutable.ImmutableArray<IncrementalGeneratorRunStep>> tracked = run.Results.Single().TrackedSteps;
        foreach (string step in Steps)
        {
            Assert.True(tracked.ContainsKey(step), $"step {step} was not tracked");
            foreach (IncrementalGeneratorRunStep run1 in tracked[step])
                foreach ((object _, IncrementalStepRunReason reason) in run1.Outputs)
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {reason}");
        }
    }
}
