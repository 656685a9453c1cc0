using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using GruTiny.Generator.Emit;
using GruTiny.Generator.Emit.Layers;
using GruTiny.Generator.Parsing;
using GruTiny.Generator.Specs;
using GruTiny.Model;
using GruTiny.Model.Onnx;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace GruTiny.Generator;

/// <summary>
/// Compiles each type marked with <c>[GruModel("path")]</c> from its model file (an AdditionalFiles item)
/// into fixed-size, allocation-free inference code.
/// </summary>
/// <remarks>
/// Pipeline: the attributed types become <see cref="TargetSpec"/>s; their paths are resolved against the
/// project directory; only the AdditionalFiles items some target refers to are read (each one once, cached
/// until its text changes); every target is joined with its model into a <see cref="GenerationSpec"/>,
/// from which the source or the diagnostics are produced. No pipeline value holds a symbol, a syntax node
/// or a compilation, so an edit elsewhere leaves every step cached.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class GruModelGenerator : IIncrementalGenerator
{
    /// <summary>Names of the tracked pipeline steps (for incrementality tests).</summary>
    public static class TrackingNames
    {
        /// <summary>Attributed types.</summary>
        public const string Targets = nameof(Targets);

        /// <summary>Targets with their resolved model paths.</summary>
        public const string Requests = nameof(Requests);

        /// <summary>AdditionalFiles items, read when requested.</summary>
        public const string ModelFiles = nameof(ModelFiles);

        /// <summary>Targets joined with their models.</summary>
        public const string Generation = nameof(Generation);

        /// <summary>What the source of a model is emitted from: positions left out, so moving code re-emits nothing.</summary>
        public const string Emit = nameof(Emit);

        /// <summary>Diagnostics to report, with positions.</summary>
        public const string Diagnostics = nameof(Diagnostics);
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<TargetSpec> targets = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                TargetParser.AttributeMetadataName,
                static (node, _) => node is TypeDeclarationSyntax,
                static (ctx, ct) => ParseTarget(ctx, ct))
            .WithTrackingName(TrackingNames.Targets);

        IncrementalValueProvider<string?> projectDirectory = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) =>
                options.GlobalOptions.TryGetValue("build_property.ProjectDir", out string? dir) && !string.IsNullOrWhiteSpace(dir) ? dir : null);

        IncrementalValuesProvider<(TargetSpec Target, string ResolvedPath)> requests = targets
            .Combine(projectDirectory)
            .Select(static (pair, _) => (pair.Left, ModelPathResolver.Resolve(pair.Left.ModelPath, pair.Right)))
            .WithTrackingName(TrackingNames.Requests);

        IncrementalValueProvider<EquatableArray<string>> requestedPaths = requests
            .Collect()
            .Select(static (all, _) => all.Where(r => r.Target.Error is null).Select(r => r.ResolvedPath).Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal).ToEquatableArray());

        // GruTinyMaxParameters caps what a model file may hold; it is checked before tensors are converted.
        IncrementalValueProvider<string?> maxParametersText = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) =>
                options.GlobalOptions.TryGetValue("build_property.GruTinyMaxParameters", out string? value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null);
        IncrementalValueProvider<long> maxParameters = maxParametersText.Select(static (text, _) => ParseMaxParameters(text) ?? ModelDescriptionReader.DefaultMaxParameters);

        // First only whether each item is requested (cheap, re-run when the set of paths changes), then the
        // reading: an item whose text and requested-ness did not change is not read or checked again.
        // The weight type each target asks of its file ("path|type", −1 when the attribute does not say): where the file
        // is read, its self-check is run again over each quantised model it is compiled as (the self-check data is not
        // kept), and the types it is compiled with count for the assembly's string budget.
        IncrementalValueProvider<EquatableArray<string>> requestedWeights = requests
            .Collect()
            .Select(static (all, _) => all.Where(r => r.Target.Error is null)
                .Select(r => r.ResolvedPath + "|" + (r.Target.Weights ?? -1).ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Distinct(StringComparer.Ordinal).OrderBy(p => p, StringComparer.Ordinal).ToEquatableArray());

        IncrementalValueProvider<EquatableArray<ModelFileSpec>> modelFiles = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, _) => (File: pair.Left, Weights: pair.Right.GetOptions(pair.Left).TryGetValue("build_metadata.AdditionalFiles.GruTinyWeights", out string? value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null))
            .Combine(requestedPaths)
            .Combine(requestedWeights)
            .Select(static (pair, _) =>
            {
                string path = ModelPathResolver.Normalize(pair.Left.Left.File.Path);
                int byMetadata = (int)(WeightQuantizer.Parse(pair.Left.Left.Weights) ?? GruWeightType.Float32);
                int[] types = pair.Right.Where(r => r.StartsWith(path + "|", StringComparison.Ordinal))
                    .Select(r => int.Parse(r.Substring(path.Length + 1), System.Globalization.CultureInfo.InvariantCulture))
                    .Select(t => t < 0 ? byMetadata : t)
                    .Where(t => t is >= (int)GruWeightType.Float32 and <= (int)GruWeightType.Int8) // another value is GRUT060
                    .Distinct().OrderBy(t => t).ToArray();
                return (pair.Left.Left.File, pair.Left.Left.Weights, Requested: pair.Left.Right.Contains(path), Types: types.ToEquatableArray());
            })
            .Combine(maxParameters)
            .Select(static (pair, ct) => ReadModelFile(pair.Left.File, pair.Left.Requested, pair.Left.Weights, pair.Left.Types, pair.Right, ct))
            .WithTrackingName(TrackingNames.ModelFiles)
            .Collect()
            .Select(static (all, _) => all.ToEquatableArray());

        // The tolerance is applied here, not where a file is read: changing it re-checks nothing.
        IncrementalValueProvider<string?> tolerance = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) =>
                options.GlobalOptions.TryGetValue("build_property.GruTinySelfCheckTolerance", out string? value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null);

        IncrementalValueProvider<string?> quantizedTolerance = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) =>
                options.GlobalOptions.TryGetValue("build_property.GruTinyQuantizedTolerance", out string? value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null);

        IncrementalValueProvider<BuildSettings> settings = tolerance
            .Combine(maxParametersText)
            .Combine(quantizedTolerance)
            .Select(static (pair, _) => new BuildSettings(pair.Left.Left, ParseMaxParameters(pair.Left.Right) is null ? pair.Left.Right : null, pair.Right));

        IncrementalValuesProvider<GenerationSpec> generation = requests
            .Combine(modelFiles)
            .Combine(settings)
            .Select(static (pair, _) => Join(pair.Left.Left.Target, pair.Left.Left.ResolvedPath, pair.Left.Right, pair.Right))
            .WithTrackingName(TrackingNames.Generation);

        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics = generation
            .Select(static (spec, _) => spec.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);

        // Whether the user's project allows unsafe code, which [SkipLocalsInit] on the generated methods needs (a bool,
        // so every other edit leaves it unchanged and the emit step cached).
        IncrementalValueProvider<bool> allowsUnsafe = context.CompilationProvider
            .Select(static (compilation, _) => compilation.Options is CSharpCompilationOptions { AllowUnsafe: true });

        IncrementalValuesProvider<EmitSpec> emits = generation
            .Where(static spec => spec.Model is not null || spec.StandIn is not null)
            .Combine(allowsUnsafe)
            .Select(static (pair, _) => new EmitSpec(pair.Left.Target.WithoutLocations(), pair.Left.Model, pair.Left.SelfCheck, pair.Left.StandIn, pair.Left.StandInShape, pair.Left.Weights, pair.Right))
            .WithTrackingName(TrackingNames.Emit);

        context.RegisterSourceOutput(diagnostics, static (spc, list) =>
        {
            foreach (DiagnosticInfo diagnostic in list) spc.ReportDiagnostic(diagnostic.ToDiagnostic());
        });
        context.RegisterSourceOutput(emits, static (spc, spec) => Emit(spc, spec));
    }

    private static TargetSpec ParseTarget(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        try
        {
            return TargetParser.Parse(context, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            string name = context.TargetSymbol.Name;
            return new TargetSpec(null, default, "class", name, name, false, false, "",
                LocationInfo.From(context.TargetNode.GetLocation()),
                DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, LocationInfo.From(context.TargetNode.GetLocation()), name, e.GetType().Name + ": " + e.Message));
        }
    }

    // Reads an additional file only when a target refers to it: other AdditionalFiles (settings, other
    // generators' inputs) are never parsed.
    /// <summary>The MSBuild property's value, null when it is absent or invalid.</summary>
    private static long? ParseMaxParameters(string? text) =>
        text is null ? ModelDescriptionReader.DefaultMaxParameters
        : long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value) && value >= 1 && value <= 100_000_000 ? value : null;

    private static ModelFileSpec ReadModelFile(AdditionalText file, bool requested, string? weightsMetadata, EquatableArray<int> compiledTypes, long maxParameters, CancellationToken cancellationToken)
    {
        string path = ModelPathResolver.Normalize(file.Path);
        if (!requested) return new ModelFileSpec(path, null, null, WeightsMetadata: weightsMetadata);
        try
        {
            ModelDescription? model;
            ModelFormatError? error;
            SelfCheck? selfCheck = null;
            if (OnnxModelReader.IsOnnxPath(path))
            {
                // Never GetText() on an .onnx file: the compiler decodes AdditionalFiles as text, fails the build
                // with CS2015 on a 00 00 byte pair and alters other bytes (docs/design.md, "ONNX import").
                byte[]? bytes = OnnxFile.ReadBytes(file.Path, maxParameters, out error);
                model = bytes is null ? null : OnnxModelReader.TryRead(bytes, maxParameters, out selfCheck, out error);
            }
            else
            {
                SourceText? text = file.GetText(cancellationToken);
                if (text is null)
                    return new ModelFileSpec(path, null, new ModelFormatError(ModelDiagnosticIds.InvalidJson, "The file could not be read.", 0, 0));
                model = ModelDescriptionReader.TryRead(text.ToString(), maxParameters, out selfCheck, out error);
            }

            // Run once per file, here, so that the result is cached with the file (bounded by SelfCheck.MaxWork).
            SelfCheckResult? result = model is not null && selfCheck is not null ? SelfCheckRunner.Run(model, selfCheck) : null;
            Float16Range? float16 = model is not null && compiledTypes.Contains((int)GruWeightType.Float16)
                ? new Float16Range(WeightQuantizer.Float16Overflow(model), WeightQuantizer.Float16FlushedToZero(model))
                : null;
            var quantized = new List<QuantizedCheck>();
            if (model is not null && selfCheck is not null)
            {
                foreach (GruWeightType type in compiledTypes.Select(t => (GruWeightType)t).Where(t => t != GruWeightType.Float32))
                {
                    if (type == GruWeightType.Float16 && float16!.Overflow is not null) continue; // refused in Join
                    cancellationToken.ThrowIfCancellationRequested();
                    quantized.Add(new QuantizedCheck(type, SelfCheckRunner.Run(WeightQuantizer.Dequantized(model, type), selfCheck)));
                }
            }

            return new ModelFileSpec(path, model, error, result, weightsMetadata, quantized.ToEquatableArray(), compiledTypes, float16);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ModelFileSpec(path, null, new ModelFormatError(ModelDiagnosticIds.InternalError, e.GetType().Name + ": " + e.Message, 0, 0));
        }
    }

    // Every stage turns an unexpected exception into GRUT099, so that none escapes as CS8785 (a layer kind
    // that a stage does not know throws in LayerEmitters.For, for instance).
    private static GenerationSpec Join(TargetSpec target, string resolvedPath, EquatableArray<ModelFileSpec> files, BuildSettings settings)
    {
        try
        {
            return JoinChecked(target, resolvedPath, files, settings);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Fail(target, DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, target.AttributeLocation, target.Name, e.GetType().Name + ": " + e.Message));
        }
    }

    private static GenerationSpec JoinChecked(TargetSpec target, string resolvedPath, EquatableArray<ModelFileSpec> files, BuildSettings settings)
    {
        string? toleranceText = settings.SelfCheckTolerance;
        if (target.Error is not null)
            return new GenerationSpec(target, null, new[] { target.Error }.ToEquatableArray());
        if (settings.InvalidMaxParameters is not null)
            return Fail(target, DiagnosticInfo.Create(DiagnosticDescriptors.InvalidMaxParameters, target.AttributeLocation, settings.InvalidMaxParameters));
        double tolerance = SelfCheckRunner.DefaultTolerance;
        if (toleranceText is not null
            && (!double.TryParse(toleranceText, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out tolerance) || !(tolerance > 0) || double.IsInfinity(tolerance)))
            return Fail(target, DiagnosticInfo.Create(DiagnosticDescriptors.InvalidSelfCheckTolerance, target.AttributeLocation, toleranceText));
        double? quantizedLimit = null;
        if (settings.QuantizedTolerance is { } limitText)
        {
            if (!double.TryParse(limitText, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double parsed) || !(parsed > 0) || double.IsInfinity(parsed))
                return Fail(target, DiagnosticInfo.Create(DiagnosticDescriptors.InvalidQuantizedTolerance, target.AttributeLocation, limitText));
            quantizedLimit = parsed;
        }

        var matches = files.Where(f => string.Equals(f.Path, resolvedPath, StringComparison.Ordinal)).ToList();
        if (matches.Count != 1)
        {
            string problem;
            if (matches.Count > 1)
            {
                problem = $"matches {matches.Count} AdditionalFiles items; it must match exactly one";
            }
            else
            {
                ModelFileSpec? caseOnly = files.FirstOrDefault(f => string.Equals(f.Path, resolvedPath, StringComparison.OrdinalIgnoreCase));
                // The same file name in another folder: most likely the attribute's path is wrong, and adding
                // the path it names to AdditionalFiles would only add a second, missing file.
                ModelFileSpec? sameName = caseOnly is null
                    ? files.FirstOrDefault(f => string.Equals(FileName(f.Path), FileName(resolvedPath), StringComparison.OrdinalIgnoreCase))
                    : null;
                problem = caseOnly is not null
                    ? $"is not among the project's AdditionalFiles (an item differs only in letter case: '{caseOnly.Path}')"
                    : sameName is not null
                        ? $"is not among the project's AdditionalFiles, but '{sameName.Path}' is: if that is the model, correct the path in [GruModel] (relative to the project directory)"
                        : $"is not among the project's AdditionalFiles; add it to the project as <AdditionalFiles Include=\"{target.ModelPath}\" />";
                if (!ModelPathResolver.IsRooted(resolvedPath))
                    problem += " (the project directory is unknown: add <CompilerVisibleProperty Include=\"ProjectDir\" />, which the GruTiny package's build props do)";
            }

            return Fail(target, DiagnosticInfo.Create(DiagnosticDescriptors.ModelFileNotFound, target.AttributeLocation, target.ModelPath, resolvedPath, problem));
        }

        ModelFileSpec file = matches[0];
        if (file.Error is { } error)
        {
            if (error.Id == ModelDiagnosticIds.InternalError)
                return Fail(target, DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, target.AttributeLocation, target.Name, error.Message));
            string position = error.Line > 0 ? $"({error.Line},{error.Column})" : "";
            return Fail(target, DiagnosticInfo.Create(
                DiagnosticDescriptors.ForModelError(error.Id), target.AttributeLocation, $"{target.ModelPath}{position}: {error.Message}"));
        }

        ModelDescription model = file.Model!;
        foreach (string tokenMember in new[] { "VocabularySize", "EmbeddingSize" })
        {
            if (model.Embedding is not null && target.UserLayerMemberNames.Contains(tokenMember))
                return Fail(target, DiagnosticInfo.Create(DiagnosticDescriptors.MemberNameClash, target.AttributeLocation, target.Name, tokenMember));
        }

        foreach (string sequenceMember in new[] { "StackSteps", "WorkspaceLength" })
        {
            if (!model.Streams && target.UserLayerMemberNames.Contains(sequenceMember))
                return Fail(target, DiagnosticInfo.Create(DiagnosticDescriptors.MemberNameClash, target.AttributeLocation, target.Name, sequenceMember));
        }

        for (int i = 0; i < model.Layers.Length; i++)
        {
            string? constant = LayerEmitters.For(model.Layers[i]).ConstantName(i);
            if (constant is not null && target.UserLayerMemberNames.Contains(constant))
                return Fail(target, DiagnosticInfo.Create(DiagnosticDescriptors.MemberNameClash, target.AttributeLocation, target.Name, constant));
        }

        // The weight type: the attribute's, else the item metadata's, else float32; quantised from the file's weights.
        var diagnostics = new List<DiagnosticInfo>();
        GruWeightType? fromMetadata = WeightQuantizer.Parse(file.WeightsMetadata);
        if (file.WeightsMetadata is not null && fromMetadata is null)
            return Fail(target, DiagnosticInfo.Create(DiagnosticDescriptors.InvalidWeightType, target.AttributeLocation,
                $"{target.ModelPath}: the AdditionalFiles item's GruTinyWeights metadata is '{file.WeightsMetadata}'; it must be float32, float16 or int8"), model);
        GruWeightType weights = fromMetadata ?? GruWeightType.Float32;
        if (target.Weights is int chosen)
        {
            if (chosen is < (int)GruWeightType.Float32 or > (int)GruWeightType.Int8)
                return Fail(target, DiagnosticInfo.Create(DiagnosticDescriptors.InvalidWeightType, target.AttributeLocation,
                    $"[GruModel] on '{target.Name}' sets Weights to {chosen}, which is not a GruWeightType (Float32, Float16 or Int8)"), model);
            weights = (GruWeightType)chosen;
            if (fromMetadata is { } other && other != weights)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WeightTypeConflict, target.AttributeLocation,
                    $"{target.ModelPath}: [GruModel] on '{target.Name}' sets Weights = {weights}, the AdditionalFiles item's GruTinyWeights metadata says {file.WeightsMetadata}; the attribute wins ({WeightQuantizer.Name(weights)} weights)"));
        }

        // All models of a compilation share the compiler's 16 MB of user strings (CS8103): over it, nothing is
        // emitted and each model says why, instead of a compiler error that names no model. Every target sees
        // every requested file, so no step over all targets is needed (combining one made the driver quadratic).
        long together = UserStringBudget.Total(files.Where(f => f.Model is not null));
        if (together > UserStringBudget.MaxModelBytes)
            return Fail(target, UserStringBudget.Diagnostic(target, model, weights, files.Count(f => f.Model is not null), together), model, diagnostics);

        var layout = new WorkLayout(model);
        if (!layout.FitsOnStack)
        {
            return Fail(target, DiagnosticInfo.Create(DiagnosticDescriptors.ModelTooLarge, target.AttributeLocation,
                $"{target.ModelPath}: one step needs {layout.StepFloats * 4 / 1024} KiB of working memory (the widest GRU layer's gates and hidden rows, the dense layers' rows{(layout.NormalizedInputLength > 0 ? ", and the normalised input" : "")}{(layout.EmbeddingLength > 0 ? ", and the looked-up embedding rows" : "")}); generated code keeps it on the stack and allows at most {WorkLayout.MaxStackFloats * 4 / 1024} KiB (reduce the widest layer or the input size)."), model, diagnostics);
        }

        diagnostics.AddRange(LargeBlockWarnings(target, model, weights));
        string? selfCheck = null;
        if (file.SelfCheck is { } check)
        {
            if (!check.Passes(tolerance))
                return Fail(target, DiagnosticInfo.Create(DiagnosticDescriptors.SelfCheckFailed, target.AttributeLocation, $"{target.ModelPath}: {check.FailureMessage(tolerance)}"), model, diagnostics);
            selfCheck = check.PassMessage(tolerance);
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SelfCheckPassed, target.AttributeLocation, $"{target.ModelPath}: {selfCheck}"));
        }

        if (weights == GruWeightType.Float16)
        {
            Float16Range range = file.Float16 ?? throw new InvalidOperationException("The float16 range of the model was not checked.");
            if (range.Overflow is { } overflow)
                return Fail(target, DiagnosticInfo.Create(DiagnosticDescriptors.Float16Overflow, target.AttributeLocation,
                    $"{target.ModelPath}: {overflow}; keep float32 or int8 weights for this model"), model, diagnostics);
            if (range.FlushedToZero is { } flushed)
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.Float16FlushToZero, target.AttributeLocation, $"{target.ModelPath}: {flushed}"));
        }

        if (weights != GruWeightType.Float32 && file.SelfCheck is not null)
        {
            QuantizedCheck? quantized = file.QuantizedChecks.FirstOrDefault(c => c.Type == weights)
                ?? throw new InvalidOperationException($"The self-check of the {WeightQuantizer.Name(weights)} model was not run.");
            if (quantizedLimit is { } l && !quantized.Result.Passes(l))
                return Fail(target, DiagnosticInfo.Create(DiagnosticDescriptors.QuantizedTooFar, target.AttributeLocation, $"{target.ModelPath}: {quantized.Result.TooFarMessage(weights, l)}"), model, diagnostics);
            string deviation = quantized.Result.DeviationMessage(weights);
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.QuantizedDeviation, target.AttributeLocation, $"{target.ModelPath}: {deviation}"));
            selfCheck += "; " + deviation;
        }

        return new GenerationSpec(target, file.Model, diagnostics.ToEquatableArray(), selfCheck, Weights: weights);
    }

    // A block of weights larger than one chunk gets a literal of its own over 64 KB, which the runtime
    // allocates once, at first use, on the GC heap: the model still works, but not allocation-free from its
    // very first call.
    private static IEnumerable<DiagnosticInfo> LargeBlockWarnings(TargetSpec target, ModelDescription model, GruWeightType weights)
    {
        for (int i = 0; i < model.Layers.Length; i++)
        {
            int largest = LayerEmitters.For(model.Layers[i], weights: weights).LargestBlockFloats;
            if (largest > KernelLayout.MaxChunkFloats)
            {
                yield return DiagnosticInfo.Create(DiagnosticDescriptors.LargeWeightBlock, target.AttributeLocation,
                    $"{target.ModelPath}: layers[{i}] has weight blocks of {largest} floats, more than the {KernelLayout.MaxChunkFloats} that fit one string literal the runtime keeps on its frozen heap; each such literal is allocated once, at the first call");
            }
        }
    }

    private static string FileName(string path) => path.Substring(path.LastIndexOfAny(new[] { '/', '\\' }) + 1);

    // The type's declaration itself is sound (target.Error is null), so a stand-in with the standard members can
    // be emitted; not when those members are what clashes (GRUT028).
    // model: the model, when it was read before a later check failed (its kind decides the stand-in's API).
    // earlier: warnings and infos collected before the error (GRUT016, GRUT042, GRUT061, GRUT063), reported with it.
    private static GenerationSpec Fail(TargetSpec target, DiagnosticInfo diagnostic, ModelDescription? model = null, List<DiagnosticInfo>? earlier = null) =>
        new(target, null, (earlier ?? new List<DiagnosticInfo>()).Append(diagnostic).ToEquatableArray(),
            StandIn: diagnostic.Descriptor.Id == ModelDiagnosticIds.MemberNameClash ? null : diagnostic.Descriptor.Id,
            StandInShape: model is null ? StandInShape.Features
                : model.Embedding is not null ? StandInShape.Tokens
                : model.Streams ? StandInShape.Features : StandInShape.Sequence);

    private static void Emit(SourceProductionContext context, EmitSpec spec)
    {
        try
        {
            string source = spec.Model is null
                ? ModelEmitter.EmitStandIn(spec.Target, spec.StandIn!, spec.StandInShape)
                : ModelEmitter.Emit(spec.Target, spec.Model, spec.SelfCheck, spec.Weights, spec.SkipLocalsInit);
            context.AddSource(ModelEmitter.HintName(spec.Target), SourceText.From(source, System.Text.Encoding.UTF8));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, null, spec.Target.Name, e.GetType().Name + ": " + e.Message));
        }
    }

    /// <summary>MSBuild properties that affect the diagnostics, not the reading of files.</summary>
    private sealed record BuildSettings(string? SelfCheckTolerance, string? InvalidMaxParameters, string? QuantizedTolerance);
}
