using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using GruTiny.Generator;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GruTiny.Tests.Generator;

/// <summary>
/// What every generator test checks besides its own assertions (GeneratorHarness.Generate calls both), as
/// dotnet/runtime's generator tests do: the values of the pipeline hold no compiler objects, and running the
/// same input again, on a cloned compilation, re-computes nothing.
/// </summary>
internal static class PipelineChecks
{
    private static readonly string[] OwnSteps =
    [
        GruModelGenerator.TrackingNames.Targets,
        GruModelGenerator.TrackingNames.Requests,
        GruModelGenerator.TrackingNames.ModelFiles,
        GruModelGenerator.TrackingNames.Generation,
        GruModelGenerator.TrackingNames.Emit,
        GruModelGenerator.TrackingNames.Diagnostics,
    ];

    // A symbol, syntax node or tree, compilation or semantic model held by a cached value keeps a whole
    // compilation alive in the IDE and makes the value unequal in every new compilation: nothing caches.
    private static readonly Type[] CompilerTypes =
        [typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Compilation), typeof(SemanticModel), typeof(Location), typeof(AdditionalText)];

    /// <summary>Walks every value of the generator's own tracked steps, field by field.</summary>
    public static void AssertHoldsNoCompilerObjects(GeneratorDriverRunResult run)
    {
        foreach (GeneratorRunResult result in run.Results)
        {
            foreach (KeyValuePair<string, System.Collections.Immutable.ImmutableArray<IncrementalGeneratorRunStep>> step in result.TrackedSteps)
            {
                if (!OwnSteps.Contains(step.Key)) continue; // the driver's own steps (syntax providers) hold syntax by design
                foreach (IncrementalGeneratorRunStep runStep in step.Value)
                    foreach ((object value, IncrementalStepRunReason _) in runStep.Outputs)
                        AssertNoCompilerObjects(value, step.Key);
            }
        }
    }

    /// <summary>The same input once more, as a cloned compilation: every tracked step Cached or Unchanged, the same output.</summary>
    public static void AssertSameInputIsAllCached(GeneratorDriver driver, Compilation compilation, GeneratorDriverRunResult first)
    {
        GeneratorDriverRunResult again = driver.RunGenerators(compilation.Clone()).GetRunResult();
        GeneratorRunResult before = first.Results.Single(), after = again.Results.Single();
        Assert.Equal(before.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())), after.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())));
        Assert.Equal(before.Diagnostics.Select(d => d.ToString()), after.Diagnostics.Select(d => d.ToString()));
        foreach (string step in OwnSteps)
        {
            if (!after.TrackedSteps.TryGetValue(step, out var runs)) continue;
            foreach (IncrementalGeneratorRunStep runStep in runs)
                foreach ((object _, IncrementalStepRunReason reason) in runStep.Outputs)
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                        $"step {step} was {reason} on a second run over the same input");
        }
    }

    /// <summary>Fails if <paramref name="value"/> reaches a compiler object through any field, array or collection.</summary>
    public static void AssertNoCompilerObjects(object value, string path) =>
        Walk(value, path, new HashSet<object>(ReferenceEqualityComparer.Instance));

    private static void Walk(object? value, string path, HashSet<object> seen)
    {
        if (value is null) return;
        Type type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || value is string || value is decimal) return;
        Assert.False(CompilerTypes.Any(t => t.IsInstanceOfType(value)), $"{path} holds a {type.FullName}: a compiler object in a pipeline value");
        if (!type.IsValueType && !seen.Add(value)) return;

        if (value is Array array)
        {
            Type element = type.GetElementType()!;
            if (element.IsPrimitive || element.IsEnum) return; // weights: millions of floats, nothing to find
            int i = 0;
            foreach (object? item in array) Walk(item, $"{path}[{i++}]", seen);
            return;
        }

        if (value is IEnumerable sequence && type.Namespace?.StartsWith("System.Collections", StringComparison.Ordinal) == true)
        {
            int i = 0;
            foreach (object? item in sequence) Walk(item, $"{path}[{i++}]", seen);
            return;
        }

        for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (FieldInfo field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType.IsPointer || field.FieldType.IsByRefLike) continue;
                Walk(field.GetValue(value), $"{path}.{field.Name}", seen);
            }
        }
    }
}
