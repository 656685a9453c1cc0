namespace GruTiny;

/// <summary>How <see cref="GruNetwork"/> loads a model.</summary>
public sealed class GruNetworkLoadOptions
{
    /// <summary>The defaults: verify the model's self-check data, when it has some, with tolerance 1e-4.</summary>
    public static GruNetworkLoadOptions Default { get; } = new();

    /// <summary>
    /// Run the model on its self-check sequences (<c>self_check</c> in grutiny/1, metadata
    /// <c>grutiny.self_check</c> in ONNX) and reject it (GRUT041) when an output differs from the expected one
    /// by more than <see cref="SelfCheckTolerance"/> · max(1, |expected|), as the generator does at build time.
    /// Default true.
    /// </summary>
    public bool VerifySelfCheck { get; init; } = true;

    /// <summary>
    /// The most weights and biases a model may hold, checked before its tensors are converted (the generator's
    /// MSBuild property GruTinyMaxParameters). Default 2,000,000.
    /// </summary>
    public long MaxParameters { get; init; } = 2_000_000;

    /// <summary>The relative tolerance of the self-check. Default 1e-4 (the generator's default).</summary>
    public double SelfCheckTolerance { get; init; } = 1e-4;

    /// <summary>
    /// The weight type to run the model with, as the generator's <c>[GruModel(…, Weights = …)]</c>: the network computes
    /// with the dequantised weights of the same q and scales a generated model of the same type holds (both within
    /// rounding of the float64 reference over those weights). The self-check
    /// (when verified) still checks the float model; <see cref="GruNetwork.QuantizedDeviation"/> then says how far
    /// the quantised one is from it. Default <see cref="GruWeightType.Float32"/>.
    /// </summary>
    public GruWeightType Weights { get; init; } = GruWeightType.Float32;

    /// <summary>
    /// The largest deviation of a quantised model from the self-check outputs, relative to max(1, |expected|), that
    /// loading accepts (GRUT065 beyond it; the generator's GruTinyQuantizedTolerance). Null (the default): any.
    /// </summary>
    public double? QuantizedTolerance { get; init; }
}
