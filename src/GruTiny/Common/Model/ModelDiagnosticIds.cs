namespace GruTiny.Model;

/// <summary>
/// The stable IDs of every GruTiny diagnostic. Shared by the generator (which reports them as compiler
/// diagnostics) and the run-time interpreter (which puts them in its exceptions), so a model is rejected
/// with the same ID either way. Never renumber: users suppress and search by these.
/// </summary>
internal static class ModelDiagnosticIds
{
    public const string ModelFileNotFound = "GRUT001";
    public const string InvalidJson = "GRUT002";
    public const string UnknownFormat = "GRUT003";
    public const string MissingKey = "GRUT004";
    public const string UnknownKey = "GRUT005";
    public const string DuplicateKey = "GRUT006";
    public const string TensorShape = "GRUT007";
    public const string NonFiniteWeight = "GRUT008";
    public const string UnknownLayerType = "GRUT009";
    public const string UnknownActivation = "GRUT010";
    public const string WrongValueType = "GRUT011";
    public const string InvalidSize = "GRUT012";
    public const string InvalidLayerSequence = "GRUT013";
    public const string UnsupportedFeature = "GRUT014";
    public const string ModelTooLarge = "GRUT015";
    public const string LargeWeightBlock = "GRUT016";

    public const string OnnxMalformed = "GRUT030";
    public const string OnnxOperator = "GRUT031";
    public const string OnnxAttribute = "GRUT032";
    public const string OnnxInput = "GRUT033";
    public const string OnnxGraph = "GRUT034";
    public const string OnnxTensor = "GRUT035";

    public const string SelfCheckMalformed = "GRUT040";
    public const string SelfCheckFailed = "GRUT041";
    public const string SelfCheckPassed = "GRUT042";
    public const string InvalidSelfCheckTolerance = "GRUT043";

    public const string TargetNotPartial = "GRUT020";
    public const string TargetGeneric = "GRUT021";
    public const string TargetRefOrReadOnlyStruct = "GRUT022";
    public const string TargetStaticOrAbstract = "GRUT023";
    public const string ContainingTypeNotPartial = "GRUT024";
    public const string InvalidModelPath = "GRUT025";
    public const string TargetFileLocal = "GRUT026";
    public const string MultipleModels = "GRUT027";
    public const string MemberNameClash = "GRUT028";
    public const string InvalidMaxParameters = "GRUT044";
    public const string ModelsTooLargeTogether = "GRUT045";
    public const string DefensiveCopy = "GRUT050";

    public const string InvalidWeightType = "GRUT060";
    public const string WeightTypeConflict = "GRUT061";
    public const string Float16Overflow = "GRUT062";
    public const string Float16FlushToZero = "GRUT063";
    public const string QuantizedDeviation = "GRUT064";
    public const string QuantizedTooFar = "GRUT065";
    public const string InvalidQuantizedTolerance = "GRUT066";

    public const string InternalError = "GRUT099";
}
