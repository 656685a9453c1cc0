using System.Collections.Generic;
using System.Linq;
using System.Threading;
using GruTiny.Generator.Specs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GruTiny.Generator.Parsing;

/// <summary>Turns a type declaration marked with [GruModel] into a <see cref="TargetSpec"/>.</summary>
internal static class TargetParser
{
    public const string AttributeMetadataName = "GruTiny.GruModelAttribute";

    public static TargetSpec Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var declaration = (TypeDeclarationSyntax)context.TargetNode;
        var symbol = (INamedTypeSymbol)context.TargetSymbol;
        AttributeData attribute = context.Attributes[0];
        LocationInfo? attributeLocation = LocationInfo.From(
            attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation() ?? declaration.Identifier.GetLocation());
        LocationInfo? typeLocation = LocationInfo.From(declaration.Identifier.GetLocation());

        string path = attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0].Value is string p ? p : "";
        int? weights = null;
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            if (named.Key == "Weights" && named.Value.Value is int value) weights = value;
        string? ns = symbol.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : null;
        string display = symbol.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat);

        var containing = new List<ContainingTypeSpec>();
        DiagnosticInfo? error = null;
        for (SyntaxNode? parent = declaration.Parent; parent is TypeDeclarationSyntax outer; parent = parent.Parent)
        {
            if (!outer.Modifiers.Any(SyntaxKind.PartialKeyword))
                error ??= DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeNotPartial, LocationInfo.From(outer.Identifier.GetLocation()), outer.Identifier.ValueText, display);
            containing.Insert(0, new ContainingTypeSpec(Keyword(outer), outer.Identifier.Text));
        }

        bool generic = false;
        for (INamedTypeSymbol? type = symbol; type is not null; type = type.ContainingType)
            generic |= type.TypeParameters.Length > 0;

        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            error = DiagnosticInfo.Create(DiagnosticDescriptors.TargetNotPartial, typeLocation, display);
        else if (generic)
            error = DiagnosticInfo.Create(DiagnosticDescriptors.TargetGeneric, typeLocation, display);
        else if (symbol.IsValueType && (symbol.IsRefLikeType || symbol.IsReadOnly))
            error = DiagnosticInfo.Create(DiagnosticDescriptors.TargetRefOrReadOnlyStruct, typeLocation, display,
                symbol.IsRefLikeType ? (symbol.IsReadOnly ? "readonly ref struct" : "ref struct") : "readonly struct");
        else if (!symbol.IsValueType && (symbol.IsStatic || symbol.IsAbstract))
            error = DiagnosticInfo.Create(DiagnosticDescriptors.TargetStaticOrAbstract, typeLocation, display, symbol.IsStatic ? "static" : "abstract");
        else if (error is null && string.IsNullOrWhiteSpace(path))
            error = DiagnosticInfo.Create(DiagnosticDescriptors.InvalidModelPath, attributeLocation, display);

        if (error is null && declaration.Modifiers.Any(SyntaxKind.FileKeyword))
            error = DiagnosticInfo.Create(DiagnosticDescriptors.TargetFileLocal, typeLocation, display);

        // Partial declarations may each carry the attribute; the type would then be generated twice.
        int attributes = symbol.GetAttributes().Count(a => a.AttributeClass?.ToDisplayString() == AttributeMetadataName);
        if (error is null && attributes > 1)
            error = DiagnosticInfo.Create(DiagnosticDescriptors.MultipleModels, attributeLocation, display, attributes.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Members of the user's own that the generated code would declare again.
        var userNames = symbol.GetMembers().Where(m => !m.IsImplicitlyDeclared).Select(m => m.Name).Distinct().ToList();
        string? clash = userNames.FirstOrDefault(n => GeneratedMemberNames.Contains(n) || n.StartsWith("__GruTiny", System.StringComparison.Ordinal) || n.StartsWith("__gruTiny", System.StringComparison.Ordinal));
        if (error is null && clash is not null)
            error = DiagnosticInfo.Create(DiagnosticDescriptors.MemberNameClash, attributeLocation, display, clash);
        var layerNames = userNames.Where(IsLayerConstantName).OrderBy(n => n, System.StringComparer.Ordinal).ToEquatableArray();

        bool userLayout = symbol.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(cancellationToken))
            .OfType<TypeDeclarationSyntax>()
            .SelectMany(d => d.AttributeLists.SelectMany(l => l.Attributes))
            .Any(a => a.Name.ToString() is var n && (n.EndsWith("StructLayout", System.StringComparison.Ordinal) || n.EndsWith("StructLayoutAttribute", System.StringComparison.Ordinal)));

        string metadataName = string.Join("+", containing.Select(c => Unescape(c.Name)).Concat(new[] { declaration.Identifier.ValueText }));
        if (ns is not null) metadataName = ns + "." + metadataName;

        return new TargetSpec(
            ns,
            containing.ToEquatableArray(),
            Keyword(declaration),
            declaration.Identifier.Text,
            metadataName,
            symbol.IsValueType,
            symbol.IsValueType && !userLayout,
            path,
            attributeLocation,
            error,
            layerNames,
            weights);
    }

    /// <summary>Members every generated model declares (besides LayerN… constants and __GruTiny… internals).</summary>
    public static readonly HashSet<string> GeneratedMemberNames = new(System.StringComparer.Ordinal)
    {
        "InputSize", "OutputSize", "StateSize", "ParameterCount", "WeightBytes", "Step", "Run", "RunFinal", "Reset", "CopyStateTo", "SetState",
    };

    // Names generated only for some models: a clash is checked once the model is known.
    private static bool IsLayerConstantName(string name) =>
        name is "VocabularySize" or "EmbeddingSize" or "StackSteps" or "WorkspaceLength" ||
        name.StartsWith("Layer", System.StringComparison.Ordinal)
        && (name.EndsWith("HiddenSize", System.StringComparison.Ordinal) || name.EndsWith("OutputSize", System.StringComparison.Ordinal));

    private static string Unescape(string identifier) => identifier.TrimStart('@');

    private static string Keyword(TypeDeclarationSyntax declaration) => declaration switch
    {
        RecordDeclarationSyntax record => record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) ? "record struct" : "record",
        StructDeclarationSyntax => "struct",
        InterfaceDeclarationSyntax => "interface",
        _ => "class",
    };
}
