namespace GruTiny.Generator.Emit;

/// <summary>The fully qualified names generated code uses, written once for every emitter (<c>using static</c>).</summary>
internal static class GeneratedNames
{
    public const string KernelsNamespace = "global::GruTiny.Kernels";
    public const string Span = "global::System.Span<float>";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    public const string Ints = "global::System.ReadOnlySpan<int>";
    public const string Throw = "global::GruTiny.Kernels.GruThrowHelper";

    /// <summary>The model's <c>StripOrder</c> field, which its GRU layers' kernels read on each step.</summary>
    public const string StripOrderField = "__gruTinyStripOrder";
}
