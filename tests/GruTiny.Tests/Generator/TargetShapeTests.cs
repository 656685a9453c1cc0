using System;
using System.Linq;
using System.Reflection;
using Xunit;
using static GruTiny.Tests.Generator.GeneratorHarness;

namespace GruTiny.Tests.Generator;

/// <summary>Targets that carry code of their own: records compare, user fields coexist with the generated state.</summary>
public sealed class TargetShapeTests
{
    [Fact]
    public void Records_and_structs_compare_and_hash_by_state()
    {
        const string source = """
            /// <summary>R.</summary>
            [GruTiny.GruModel("models/tiny.gru.json")]
            public partial record R;

            /// <summary>RS.</summary>
            [GruTiny.GruModel("models/tiny.gru.json")]
            public partial record struct RS;

            /// <summary>S.</summary>
            [GruTiny.GruModel("models/tiny.gru.json")]
            public partial struct S;

            /// <summary>Compares.</summary>
            public static class Check
            {
                /// <summary>Runs the comparisons.</summary>
                public static string Run()
                {
                    var a = new R(); var b = new R();
                    bool fresh = a == b && a.GetHashCode() == b.GetHashCode();
                    a.Step([1f, 2f], new float[2]);
                    bool stepped = a != b;
                    var c = new RS(); var d = new RS();
                    bool structRecords = c == d && c.GetHashCode() == d.GetHashCode();
                    c.Step([1f, 2f], new float[2]);
                    var e = new S(); var f = new S();
                    bool plain = e.Equals(f) && e.GetHashCode() == f.GetHashCode();
                    e.Step([1f, 2f], new float[2]);
                    // A model that stepped once and one given its state are equal: which way the next step sweeps the
                    // weights (StripOrder, turned round by each step) is not part of the value.
                    var state = new float[R.StateSize];
                    var a2 = new R(); a.CopyStateTo(state); a2.SetState(state);
                    var c2 = new RS(); c.CopyStateTo(state); c2.SetState(state);
                    var e2 = new S(); e.CopyStateTo(state); e2.SetState(state);
                    bool given = a == a2 && a.GetHashCode() == a2.GetHashCode() && c == c2 && c.GetHashCode() == c2.GetHashCode()
                        && e.Equals(e2) && e.GetHashCode() == e2.GetHashCode();
                    return $"{fresh} {stepped} {structRecords} {c != d} {plain} {!e.Equals(f)} {given}";
                }
            }
            """;
        Assembly assembly = CompileAndLoad(Generate(source, ModelFile("models/tiny.gru.json", TinyModelJson)).Output);
        object result = assembly.GetType("Check")!.GetMethod("Run")!.Invoke(null, null)!;
        Assert.Equal("True True True True True True True", result);
    }

    [Fact]
    public void User_fields_in_another_part_of_a_struct_compile_without_warnings()
    {
        const string source = """
            /// <summary>S.</summary>
            [GruTiny.GruModel("models/tiny.gru.json")]
            public partial struct S
            {
                /// <summary>A field of the user's own.</summary>
                public int Count;

                /// <summary>An auto-property of the user's own.</summary>
                public string? Label { get; set; }
            }
            """;
        GeneratorResult result = Generate(source, ModelFile("models/tiny.gru.json", TinyModelJson));
        Assert.Empty(result.Diagnostics);
        CompileAndLoad(result.Output); // requires no warnings (CS0282 would be one)
    }

    [Fact]
    public void Types_differing_only_in_letter_case_get_distinct_hint_names()
    {
        const string source = """
            namespace App
            {
                /// <summary>Upper.</summary>
                [GruTiny.GruModel("models/tiny.gru.json")]
                public partial struct Model;

                /// <summary>Lower.</summary>
                [GruTiny.GruModel("models/tiny.gru.json")]
                public partial struct MODEL;
            }
            """;
        GeneratorResult result = Generate(source, ModelFile("models/tiny.gru.json", TinyModelJson));
        Assert.Empty(result.Diagnostics);
        string[] hints = result.Run.Results.Single().GeneratedSources.Select(s => s.HintName).ToArray();
        Assert.Equal(2, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        CompileAndLoad(result.Output);
    }
}
