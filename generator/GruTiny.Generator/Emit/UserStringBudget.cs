using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GruTiny.Generator.Emit.Layers;
using GruTiny.Generator.Specs;
using GruTiny.Model;

namespace GruTiny.Generator.Emit;

/// <summary>
/// Weights are string literals (<see cref="WeightBlob"/>), and the compiler allows at most 2^24 − 1 bytes of
/// user strings per assembly (CS8103). Identical literals are stored once, so a model compiled by several types
/// with one weight type counts once; each weight type it is compiled with counts on its own.
/// </summary>
internal static class UserStringBudget
{
    /// <summary>The compiler's limit on the #US heap, less 1 MB left for the project's own strings.</summary>
    public const long MaxModelBytes = 0xFFFFFF - (1 << 20);

    /// <summary>Bytes of string literals a model's weights and normalisation take as <paramref name="weights"/> (UTF-16, four bytes a float).</summary>
    public static long Bytes(ModelDescription model, GruWeightType weights)
    {
        long floats = 0;
        foreach (LayerDescription layer in model.Layers) floats += LayerEmitters.For(layer, weights: weights).LiteralFloats;

        floats += 2L * (model.InputNormalization?.Mean.Length ?? 0) + 2L * (model.OutputNormalization?.Mean.Length ?? 0);
        return floats * 4;
    }

    /// <summary>
    /// Bytes of all the models together, each distinct model once per weight type it is compiled with (identical
    /// literals are stored once; a file no target compiles yet counts as float32).
    /// </summary>
    public static long Total(IEnumerable<ModelFileSpec> files) => files
        .SelectMany(f => (f.CompiledTypes.Length == 0 ? new[] { (int)GruWeightType.Float32 } : f.CompiledTypes.ToArray()).Select(t => (f.Model!, (GruWeightType)t)))
        .Distinct()
        .Sum(pair => Bytes(pair.Item1, pair.Item2));

    /// <summary>GRUT045 for one model of a project whose models together need <paramref name="together"/> bytes.</summary>
    public static DiagnosticInfo Diagnostic(TargetSpec target, ModelDescription model, GruWeightType weights, int count, long together) =>
        DiagnosticInfo.Create(DiagnosticDescriptors.ModelsTooLargeTogether, target.AttributeLocation,
            target.ModelPath, Bytes(model, weights).ToString("N0", CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture),
            together.ToString("N0", CultureInfo.InvariantCulture), MaxModelBytes.ToString("N0", CultureInfo.InvariantCulture));
}
