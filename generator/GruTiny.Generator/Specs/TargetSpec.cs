namespace GruTiny.Generator.Specs;

/// <summary>A type declaration that contains the target type: how to reopen it.</summary>
/// <param name="Keyword">"class", "struct", "record", "record struct", "interface".</param>
/// <param name="Name">The identifier as written (keeps a leading @).</param>
internal sealed record ContainingTypeSpec(string Keyword, string Name);

/// <summary>
/// Everything the generator needs to know about a type marked with [GruModel], as plain values.
/// </summary>
/// <param name="Namespace">The namespace, or null for the global namespace.</param>
/// <param name="ContainingTypes">Outermost first.</param>
/// <param name="Keyword">"class", "struct", "record" or "record struct".</param>
/// <param name="Name">The identifier as written.</param>
/// <param name="MetadataName">Namespace.Outer+Inner: unique per type, used for the hint name.</param>
/// <param name="IsValueType">Struct or record struct.</param>
/// <param name="NeedsAutoLayout">A struct without a StructLayout attribute of the user's own.</param>
/// <param name="ModelPath">The attribute's path argument, as written.</param>
/// <param name="AttributeLocation">Where diagnostics about the model are reported.</param>
/// <param name="Error">Why the type cannot be a model, when it cannot.</param>
/// <param name="Weights">The attribute's <c>Weights</c> argument as written (any int: checked later), or null when it does not set it.</param>
/// <param name="UserLayerMemberNames">The user's own members named like members only some models have (LayerNHiddenSize, LayerNOutputSize; a token model's VocabularySize; a sequence model's StackSteps, WorkspaceLength): a clash only if the model has them.</param>
internal sealed record TargetSpec(
    string? Namespace,
    EquatableArray<ContainingTypeSpec> ContainingTypes,
    string Keyword,
    string Name,
    string MetadataName,
    bool IsValueType,
    bool NeedsAutoLayout,
    string ModelPath,
    LocationInfo? AttributeLocation,
    DiagnosticInfo? Error,
    EquatableArray<string> UserLayerMemberNames = default,
    int? Weights = null)
{
    /// <summary>
    /// What emitting the source depends on: everything but positions, so that moving the declaration (typing
    /// above it) does not re-emit a model's source, only re-checks its diagnostics.
    /// </summary>
    public TargetSpec WithoutLocations() => this with { AttributeLocation = null, Error = null };
}
