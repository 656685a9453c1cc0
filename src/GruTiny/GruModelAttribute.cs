using System;

namespace GruTiny;

/// <summary>
/// Marks a <c>partial</c> class, struct, record class or record struct as a GRU model compiled at build time
/// from a model file: a <c>grutiny/1</c> JSON description or an ONNX model (<c>.onnx</c>, e.g. from
/// <c>torch.onnx.export</c>). The GruTiny source generator fills in the type with
/// fixed-size, allocation-free inference code that implements <see cref="IGruModel"/>.
/// </summary>
/// <remarks>
/// The file must also be listed as an <c>AdditionalFiles</c> item of the project. The path is resolved
/// against the project directory.
/// </remarks>
/// <example>
/// <code>
/// [GruModel("models/forecaster.gru.json")]   // or "models/forecaster.onnx"
/// public partial struct Forecaster;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class GruModelAttribute : Attribute
{
    /// <summary>Creates the attribute for the model file at <paramref name="path"/> (<c>.gru.json</c> or <c>.onnx</c>).</summary>
    /// <param name="path">The model file, relative to the project directory (or absolute).</param>
    public GruModelAttribute(string path) => Path = path;

    /// <summary>The model file, relative to the project directory (or absolute).</summary>
    public string Path { get; }

    /// <summary>
    /// How the weight matrices are stored in the compiled model: <see cref="GruWeightType.Float32"/> (the default),
    /// <see cref="GruWeightType.Float16"/> or <see cref="GruWeightType.Int8"/>, quantised at build time from the
    /// file's float weights (docs/model-format.md, "Weight types"). Set here, it wins over the <c>GruTinyWeights</c>
    /// metadata of the file's <c>AdditionalFiles</c> item (a different value there is warning GRUT061).
    /// </summary>
    public GruWeightType Weights { get; set; }
}
