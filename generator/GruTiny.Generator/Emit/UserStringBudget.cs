using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GruTiny.Generator.Specs;
using GruTiny.Model;

namespace GruTiny.Generator.Emit;

/// <summary>
/// Weights are string literals (<see cref="WeightBlob"/>), and the compiler allows at most 2^24 − 1 bytes of
/// user strings per assembly (CS8103). Identical literals are stored once, so a model compiled by several types
/// counts once.
/// </summary>
internal static class UserStringBudget
{
    /// <summary>The compiler's limit on the #US heap, less 1 MB left for the project's own strings.</summary>
    public const long MaxModelBytes = 0xFFFFFF - (1 << 20);

    /// <summary>Bytes of string literals a model's weights and normalisation take (UTF-16, four bytes a float).</summary>
    public static long Bytes(ModelDescription model)
    {
        long floats = 0;
        foreach (LayerDescription layer in model.Layers)
        {
            floats += layer switch
            {
                GruLayerDescription g => KernelLayout.GruLength(g.InputSize, g.HiddenSize, g.LinearBeforeReset),
                DenseLayerDescription d => KernelLayout.DenseLength(d.InputSize, d.OutputSize),
                _ => 0,
            };
        }

        floats += 2L * (model.InputNormalization?.Mean.Length ?? 0) + 2L * (model.OutputNormalization?.Mean.Length ?? 0);
        return floats * 4;
    }

    /// <summary>GRUT045 at every model when all of them together exceed <see cref="MaxModelBytes"/>; else nothing.</summary>
    public static EquatableArray<DiagnosticInfo> Check(IEnumerable<(TargetSpec Target, ModelDescription Model)> models)
    {
        var all = models.ToList();
        long total = all.Select(m => m.Model).Distinct().Sum(Bytes);
        if (total <= MaxModelBytes) return default;
        return all.Select(m => DiagnosticInfo.Create(DiagnosticDescriptors.ModelsTooLargeTogether, m.Target.AttributeLocation,
                m.Target.ModelPath, Bytes(m.Model).ToString("N0", CultureInfo.InvariantCulture), all.Count.ToString(CultureInfo.InvariantCulture),
                total.ToString("N0", CultureInfo.InvariantCulture), MaxModelBytes.ToString("N0", CultureInfo.InvariantCulture)))
            .ToEquatableArray();
    }
}
