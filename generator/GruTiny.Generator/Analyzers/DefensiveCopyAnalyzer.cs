using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace GruTiny.Generator.Analyzers;

/// <summary>
/// GRUT050: <c>Step</c>, <c>Run</c>, <c>RunFinal</c>, <c>Reset</c> or <c>SetState</c> called on a struct model held
/// in a <c>readonly</c> field, an <c>in</c> or <c>ref readonly</c> parameter or a <c>ref readonly</c> local, or on a
/// temporary: the value of a property or indexer that does not return by reference (<c>List&lt;T&gt;[i]</c>) or of
/// a method call. The compiler calls the method on a hidden copy, so the model's state silently never advances.
/// Arrays, <c>Span&lt;T&gt;</c> (its indexer returns a reference), <c>ref</c> locals and a copy the user makes on
/// purpose (<c>var copy = model; copy.Step(...)</c>) are the model itself or a variable, and are not reported.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DefensiveCopyAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableHashSet<string> Mutators =
        ImmutableHashSet.Create("Step", "Run", "RunFinal", "Reset", "SetState");

    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.DefensiveCopy);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            INamedTypeSymbol? attribute = start.Compilation.GetTypeByMetadataName(Parsing.TargetParser.AttributeMetadataName);
            if (attribute is null) return;
            start.RegisterOperationAction(c => Analyze(c, attribute), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol attribute)
    {
        var invocation = (IInvocationOperation)context.Operation;
        IMethodSymbol method = invocation.TargetMethod;
        if (method.IsStatic || !Mutators.Contains(method.Name)) return;
        INamedTypeSymbol type = method.ContainingType;
        if (!type.IsValueType || !type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attribute))) return;

        string? holder = invocation.Instance switch
        {
            IFieldReferenceOperation { Field.IsReadOnly: true } f => $"readonly field '{f.Field.Name}'",
            IParameterReferenceOperation { Parameter.RefKind: RefKind.In } p => $"'in' parameter '{p.Parameter.Name}'",
            IParameterReferenceOperation { Parameter.RefKind: RefKind.RefReadOnlyParameter } p => $"'ref readonly' parameter '{p.Parameter.Name}'",
            ILocalReferenceOperation { Local.RefKind: RefKind.RefReadOnly } l => $"'ref readonly' local '{l.Local.Name}'",
            // ReturnsByRef is false for `ref readonly` returns too: those are copied before the call as well.
            IPropertyReferenceOperation { Property: { ReturnsByRef: false } p } => p.IsIndexer
                ? $"the value an indexer of {p.ContainingType.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat)} returns, a temporary copy"
                : $"the value property '{p.Name}' returns, a temporary copy",
            // Also a method's result: even where a model made for one call gives the right output, its state is
            // thrown away; `var model = Create(); model.RunFinal(...)` says that is meant.
            IInvocationOperation { TargetMethod: { ReturnsByRef: false } m } => $"the value method '{m.Name}' returns, a temporary copy (hold it in a local if it is made for this one call)",
            _ => null,
        };
        if (holder is null) return;
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DefensiveCopy, invocation.Syntax.GetLocation(), method.Name, type.Name, holder));
    }
}
