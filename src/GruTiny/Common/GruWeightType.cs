namespace GruTiny;

/// <summary>
/// How a model's weight matrices are stored: chosen per model at build time (<c>[GruModel(…, Weights = …)]</c> or
/// the <c>GruTinyWeights</c> metadata of its <c>AdditionalFiles</c> item) and by <c>GruNetworkLoadOptions.Weights</c>.
/// </summary>
/// <remarks>
/// <para>The weight matrices of GRU and dense layers, and an embedding's rows, are quantised; biases, normalisation
/// parameters, initial states, activations, state and every sum stay float32. A quantised model computes exactly
/// what the float model whose weights are the dequantised values computes (docs/model-format.md, "Weight types"):
/// scale · q for <see cref="Int8"/>, the nearest float16 for <see cref="Float16"/>.</para>
/// <para>Public in the library (the attribute and generated code use it), internal in the generator.</para>
/// </remarks>
#if GRUTINY_GENERATOR
internal
#else
public
#endif
enum GruWeightType
{
    /// <summary>The file's float32 weights, unchanged (4 bytes a weight).</summary>
    Float32 = 0,

    /// <summary>
    /// IEEE 754 binary16, rounded to nearest, ties to even (2 bytes a weight); a weight of magnitude 65520 or more (which
    /// rounds past 65504, the largest half) is refused.
    /// </summary>
    Float16 = 1,

    /// <summary>
    /// Symmetric int8 with one float32 scale per output row (a weight row of a GRU gate or a dense output, an
    /// embedding row): w = scale · q, scale = max|w_row| / 127, q = round-half-to-even(w / scale) in −127..127
    /// (about 1 byte a weight).
    /// </summary>
    Int8 = 2,
}
