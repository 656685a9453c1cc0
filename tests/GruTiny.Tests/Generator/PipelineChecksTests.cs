using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;
using Xunit.Sdk;

namespace GruTiny.Tests.Generator;

/// <summary>The walk that every generator test runs over the pipeline's values finds what it looks for.</summary>
public sealed class PipelineChecksTests
{
    private sealed record Holder(string Name, object[] Items, List<object> More);

    [Fact]
    public void A_location_deep_inside_a_value_is_found()
    {
        SyntaxTree tree = CSharpSyntaxTree.ParseText("class C {}");
        var value = new Holder("x", [1, "two", new Holder("inner", [], [Location.Create(tree, new TextSpan(0, 1))])], []);
        var error = Assert.Throws<FalseException>(() => PipelineChecks.AssertNoCompilerObjects(value, "step"));
        Assert.Contains("step.<Items>k__BackingField[2].<More>k__BackingField[0] holds a Microsoft.CodeAnalysis.SourceLocation", error.Message);
    }

    [Fact]
    public void A_symbol_in_a_collection_is_found()
    {
        Compilation compilation = CSharpCompilation.Create("x", [CSharpSyntaxTree.ParseText("class C {}")]);
        var value = new Holder("x", [], [compilation.GetTypeByMetadataName("C")!]);
        Assert.Throws<FalseException>(() => PipelineChecks.AssertNoCompilerObjects(value, "step"));
    }

    [Fact]
    public void Plain_values_pass()
    {
        var value = new Holder("x", [1, 2.5f, "s", new[] { 1f, 2f }, System.Collections.Immutable.ImmutableArray.Create("a", "b")], [new Holder("y", [], [])]);
        PipelineChecks.AssertNoCompilerObjects(value, "step");
    }
}
