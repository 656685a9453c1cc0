using GruTiny.Model;

namespace GruTiny.Generator.Specs;

/// <summary>
/// One AdditionalFiles item: its normalised full path and, when some [GruModel] refers to it, the model
/// read from it or why it could not be read, and the outcome of its self-check (null when it has none).
/// </summary>
/// <remarks>
/// WeightsMetadata: the item's <c>GruTinyWeights</c> metadata as written (null when absent). CompiledTypes: the
/// weight types (as ints) the targets that refer to the file compile it with (the attribute's, else the metadata's,
/// else float32), for the assembly's string budget. QuantizedChecks: the self-check run again over the dequantised
/// model for each quantised one of them (the self-check data itself is not kept). Float16: the float16 range checks
/// when float16 is among them (null otherwise), made here so that they are cached with the file: each is a pass
/// over every weight, and the join step runs again after edits that only move an attribute.
/// </remarks>
internal sealed record ModelFileSpec(
    string Path, ModelDescription? Model, ModelFormatError? Error, SelfCheckResult? SelfCheck = null,
    string? WeightsMetadata = null, EquatableArray<QuantizedCheck> QuantizedChecks = default, EquatableArray<int> CompiledTypes = default,
    Float16Range? Float16 = null);

/// <summary>What storing the model's weights as float16 would do: a weight out of range (GRUT062), weights flushed to zero (GRUT063); null when none.</summary>
internal sealed record Float16Range(string? Overflow, string? FlushedToZero);

/// <summary>The self-check's outcome for the model stored as <paramref name="Type"/>.</summary>
internal sealed record QuantizedCheck(GruWeightType Type, SelfCheckResult Result);

/// <summary>
/// A target with its model: what one generated file is made from, or the diagnostics instead. SelfCheck is the
/// passed self-check's summary (numbers only), null when the model file carries no self-check data. StandIn is
/// the ID of the error that kept the model from compiling when a stand-in type is emitted instead (the type's
/// members, all throwing, so that the GRUT error is not followed by a compiler error at every use);
/// StandInShape, which API the stand-in has (known when the model was read and failed a later check).
/// </summary>
internal sealed record GenerationSpec(
    TargetSpec Target,
    ModelDescription? Model,
    EquatableArray<DiagnosticInfo> Diagnostics,
    string? SelfCheck = null,
    string? StandIn = null,
    StandInShape StandInShape = StandInShape.Features,
    GruWeightType Weights = GruWeightType.Float32);

/// <summary>
/// What a model's source is emitted from: the target without positions, and the model with its self-check
/// summary, or (Model null) the ID of the error the stand-in type names, and the API the stand-in has.
/// </summary>
internal sealed record EmitSpec(TargetSpec Target, ModelDescription? Model, string? SelfCheck, string? StandIn, StandInShape StandInShape, GruWeightType Weights, bool SkipLocalsInit);

/// <summary>The API of a model's type: the stand-in of a model that could not be compiled takes it too.</summary>
internal enum StandInShape
{
    /// <summary>IGruModel: a vector of features per step (also when the model could not be read at all).</summary>
    Features,

    /// <summary>IGruTokenModel: an embedding first.</summary>
    Tokens,

    /// <summary>IGruSequenceModel: a reverse or bidirectional GRU.</summary>
    Sequence,
}
