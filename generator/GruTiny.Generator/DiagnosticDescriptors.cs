using GruTiny.Model;
using Microsoft.CodeAnalysis;

namespace GruTiny.Generator;

/// <summary>Every diagnostic the generator reports. IDs are stable: see docs/diagnostics.md.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "GruTiny";

    public static readonly DiagnosticDescriptor ModelFileNotFound = Error(ModelDiagnosticIds.ModelFileNotFound,
        "Model file is not an AdditionalFiles item",
        "Model file '{0}' (resolved to '{1}') {2}");

    public static readonly DiagnosticDescriptor InvalidJson = ModelError(ModelDiagnosticIds.InvalidJson, "Model file is not valid JSON");
    public static readonly DiagnosticDescriptor UnknownFormat = ModelError(ModelDiagnosticIds.UnknownFormat, "Unknown model format");
    public static readonly DiagnosticDescriptor MissingKey = ModelError(ModelDiagnosticIds.MissingKey, "Missing required key");
    public static readonly DiagnosticDescriptor UnknownKey = ModelError(ModelDiagnosticIds.UnknownKey, "Unknown key");
    public static readonly DiagnosticDescriptor DuplicateKey = ModelError(ModelDiagnosticIds.DuplicateKey, "Duplicate key");
    public static readonly DiagnosticDescriptor TensorShape = ModelError(ModelDiagnosticIds.TensorShape, "Tensor has the wrong shape");
    public static readonly DiagnosticDescriptor NonFiniteWeight = ModelError(ModelDiagnosticIds.NonFiniteWeight, "Weight is not finite");
    public static readonly DiagnosticDescriptor UnknownLayerType = ModelError(ModelDiagnosticIds.UnknownLayerType, "Unknown layer type");
    public static readonly DiagnosticDescriptor UnknownActivation = ModelError(ModelDiagnosticIds.UnknownActivation, "Unknown activation");
    public static readonly DiagnosticDescriptor WrongValueType = ModelError(ModelDiagnosticIds.WrongValueType, "Value has the wrong JSON type");
    public static readonly DiagnosticDescriptor InvalidSize = ModelError(ModelDiagnosticIds.InvalidSize, "Invalid size");
    public static readonly DiagnosticDescriptor InvalidLayerSequence = ModelError(ModelDiagnosticIds.InvalidLayerSequence, "Invalid layer sequence");
    public static readonly DiagnosticDescriptor UnsupportedFeature = ModelError(ModelDiagnosticIds.UnsupportedFeature, "Model feature not supported by this version");
    public static readonly DiagnosticDescriptor ModelTooLarge = ModelError(ModelDiagnosticIds.ModelTooLarge, "Model too large");

    public static readonly DiagnosticDescriptor OnnxMalformed = ModelError(ModelDiagnosticIds.OnnxMalformed, "ONNX file is malformed");
    public static readonly DiagnosticDescriptor OnnxOperator = ModelError(ModelDiagnosticIds.OnnxOperator, "ONNX operator not supported");
    public static readonly DiagnosticDescriptor OnnxAttribute = ModelError(ModelDiagnosticIds.OnnxAttribute, "ONNX attribute not supported");
    public static readonly DiagnosticDescriptor OnnxInput = ModelError(ModelDiagnosticIds.OnnxInput, "ONNX node input not supported");
    public static readonly DiagnosticDescriptor OnnxGraph = ModelError(ModelDiagnosticIds.OnnxGraph, "ONNX graph not recognised");
    public static readonly DiagnosticDescriptor OnnxTensor = ModelError(ModelDiagnosticIds.OnnxTensor, "ONNX tensor not supported");

    public static readonly DiagnosticDescriptor SelfCheckMalformed = ModelError(ModelDiagnosticIds.SelfCheckMalformed, "Self-check data is malformed");
    public static readonly DiagnosticDescriptor SelfCheckFailed = ModelError(ModelDiagnosticIds.SelfCheckFailed, "Model fails its self-check");

    public static readonly DiagnosticDescriptor SelfCheckPassed = new(ModelDiagnosticIds.SelfCheckPassed,
        "Model passes its self-check", "{0}", Category, DiagnosticSeverity.Info, isEnabledByDefault: true,
        helpLinkUri: "https://github.com/grutiny/grutiny/blob/main/docs/diagnostics.md#grut042");

    public static readonly DiagnosticDescriptor InvalidSelfCheckTolerance = Error(ModelDiagnosticIds.InvalidSelfCheckTolerance,
        "Invalid GruTinySelfCheckTolerance", "The MSBuild property GruTinySelfCheckTolerance is '{0}'; it must be a positive number such as 1e-4 (invariant culture)");

    public static readonly DiagnosticDescriptor LargeWeightBlock = new(ModelDiagnosticIds.LargeWeightBlock,
        "Weights allocated once at first use", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: "https://github.com/grutiny/grutiny/blob/main/docs/diagnostics.md#grut016");

    public static readonly DiagnosticDescriptor TargetNotPartial = Error(ModelDiagnosticIds.TargetNotPartial,
        "GruModel type must be partial", "'{0}' must be declared partial so that GruTiny can generate its members");
    public static readonly DiagnosticDescriptor TargetGeneric = Error(ModelDiagnosticIds.TargetGeneric,
        "GruModel type must not be generic", "'{0}' is generic or nested in a generic type; a compiled model has fixed sizes and cannot be generic");
    public static readonly DiagnosticDescriptor TargetRefOrReadOnlyStruct = Error(ModelDiagnosticIds.TargetRefOrReadOnlyStruct,
        "GruModel struct must not be readonly or ref", "'{0}' is a {1}; a model's state changes on every step, so it must be a plain (non-readonly, non-ref) struct or a class");
    public static readonly DiagnosticDescriptor TargetStaticOrAbstract = Error(ModelDiagnosticIds.TargetStaticOrAbstract,
        "GruModel class must not be static or abstract", "'{0}' is {1}; a model is instantiated, so it must be a non-static, non-abstract class");
    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(ModelDiagnosticIds.ContainingTypeNotPartial,
        "Type containing a GruModel type must be partial", "'{0}' contains the GruModel type '{1}' and must also be declared partial");
    public static readonly DiagnosticDescriptor TargetFileLocal = Error(ModelDiagnosticIds.TargetFileLocal,
        "GruModel type must not be file-local", "'{0}' is a file-local type; the generated members live in another file, so the type must not be declared 'file'");
    public static readonly DiagnosticDescriptor MultipleModels = Error(ModelDiagnosticIds.MultipleModels,
        "GruModel type has more than one [GruModel]", "'{0}' has {1} [GruModel] attributes (on its partial declarations); a type compiles exactly one model");
    public static readonly DiagnosticDescriptor MemberNameClash = Error(ModelDiagnosticIds.MemberNameClash,
        "GruModel type declares a member GruTiny generates", "'{0}' declares '{1}', which GruTiny generates for every model; rename your member");
    public static readonly DiagnosticDescriptor InvalidMaxParameters = Error(ModelDiagnosticIds.InvalidMaxParameters,
        "Invalid GruTinyMaxParameters", "The MSBuild property GruTinyMaxParameters is '{0}'; it must be a whole number from 1 to 100000000 (the default, 2000000, is used)");
    public static readonly DiagnosticDescriptor ModelsTooLargeTogether = Error(ModelDiagnosticIds.ModelsTooLargeTogether,
        "Models too large for one assembly",
        "'{0}' needs {1} bytes of string literals; the {2} model(s) of this project need {3} together, more than the {4} an assembly can hold beside its own strings (compiler limit CS8103): move models to another assembly or make them smaller");
    public static readonly DiagnosticDescriptor InvalidModelPath = Error(ModelDiagnosticIds.InvalidModelPath,
        "GruModel path is empty", "The model path of '{0}' is empty; give the model file's path relative to the project directory");

    public static readonly DiagnosticDescriptor DefensiveCopy = new(ModelDiagnosticIds.DefensiveCopy,
        "State-changing call on a copy of a model",
        "'{0}' is called on a copy of the {1} model in {2}: the copy's state changes, the model's never does; store the model in a non-readonly field or an array, pass it by ref, take a ref to a list element with CollectionsMarshal.AsSpan, or make the model a class",
        Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: "https://github.com/grutiny/grutiny/blob/main/docs/diagnostics.md#grut050");
    public static readonly DiagnosticDescriptor InvalidWeightType = Error(ModelDiagnosticIds.InvalidWeightType,
        "Invalid weight type", "{0}");

    public static readonly DiagnosticDescriptor WeightTypeConflict = new(ModelDiagnosticIds.WeightTypeConflict,
        "Weight type given twice", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: "https://github.com/grutiny/grutiny/blob/main/docs/diagnostics.md#grut061");

    public static readonly DiagnosticDescriptor Float16Overflow = Error(ModelDiagnosticIds.Float16Overflow,
        "Weight beyond float16's range", "{0}");

    public static readonly DiagnosticDescriptor Float16FlushToZero = new(ModelDiagnosticIds.Float16FlushToZero,
        "Weights become zero as float16", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true,
        helpLinkUri: "https://github.com/grutiny/grutiny/blob/main/docs/diagnostics.md#grut063");

    public static readonly DiagnosticDescriptor QuantizedDeviation = new(ModelDiagnosticIds.QuantizedDeviation,
        "Quantised model's deviation from the self-check", "{0}", Category, DiagnosticSeverity.Info, isEnabledByDefault: true,
        helpLinkUri: "https://github.com/grutiny/grutiny/blob/main/docs/diagnostics.md#grut064");

    public static readonly DiagnosticDescriptor QuantizedTooFar = Error(ModelDiagnosticIds.QuantizedTooFar,
        "Quantised model deviates more than GruTinyQuantizedTolerance", "{0}");

    public static readonly DiagnosticDescriptor InvalidQuantizedTolerance = Error(ModelDiagnosticIds.InvalidQuantizedTolerance,
        "Invalid GruTinyQuantizedTolerance", "The MSBuild property GruTinyQuantizedTolerance is '{0}'; it must be a positive number such as 0.01 (invariant culture)");

    public static readonly DiagnosticDescriptor InternalError = Error(ModelDiagnosticIds.InternalError,
        "GruTiny generator failed", "GruTiny could not compile the model for '{0}': {1}. Please report this with the model file.");

    /// <summary>The descriptor for an ID that the shared model reader reports.</summary>
    public static DiagnosticDescriptor ForModelError(string id) => id switch
    {
        ModelDiagnosticIds.InvalidJson => InvalidJson,
        ModelDiagnosticIds.UnknownFormat => UnknownFormat,
        ModelDiagnosticIds.MissingKey => MissingKey,
        ModelDiagnosticIds.UnknownKey => UnknownKey,
        ModelDiagnosticIds.DuplicateKey => DuplicateKey,
        ModelDiagnosticIds.TensorShape => TensorShape,
        ModelDiagnosticIds.NonFiniteWeight => NonFiniteWeight,
        ModelDiagnosticIds.UnknownLayerType => UnknownLayerType,
        ModelDiagnosticIds.UnknownActivation => UnknownActivation,
        ModelDiagnosticIds.WrongValueType => WrongValueType,
        ModelDiagnosticIds.InvalidSize => InvalidSize,
        ModelDiagnosticIds.InvalidLayerSequence => InvalidLayerSequence,
        ModelDiagnosticIds.UnsupportedFeature => UnsupportedFeature,
        ModelDiagnosticIds.ModelTooLarge => ModelTooLarge,
        ModelDiagnosticIds.OnnxMalformed => OnnxMalformed,
        ModelDiagnosticIds.OnnxOperator => OnnxOperator,
        ModelDiagnosticIds.OnnxAttribute => OnnxAttribute,
        ModelDiagnosticIds.OnnxInput => OnnxInput,
        ModelDiagnosticIds.OnnxGraph => OnnxGraph,
        ModelDiagnosticIds.OnnxTensor => OnnxTensor,
        ModelDiagnosticIds.SelfCheckMalformed => SelfCheckMalformed,
        _ => InternalError,
    };

    // Model errors carry the whole text (file, position, layer, tensor, expectation) in one argument:
    // the shared reader builds it, so the run-time interpreter reports the same words.
    private static DiagnosticDescriptor ModelError(string id, string title) => Error(id, title, "{0}");

    // Errors cannot be lowered or suppressed (.editorconfig, NoWarn): a model that failed would otherwise build
    // with its stand-in type, whose members throw at run time.
    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new DiagnosticDescriptor(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            helpLinkUri: "https://github.com/grutiny/grutiny/blob/main/docs/diagnostics.md#" + id.ToLowerInvariant(),
            customTags: WellKnownDiagnosticTags.NotConfigurable);
}
