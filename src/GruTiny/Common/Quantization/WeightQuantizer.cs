using System;

namespace GruTiny.Model;

/// <summary>
/// The one quantisation rule, shared by the generator (which packs q and the scales for the kernels) and the
/// interpreter (which runs the dequantised float model), so that both hold bit-identical values.
/// </summary>
/// <remarks>
/// <para>Int8, per row of a weight matrix (an output unit's weights: a GRU gate row, a dense output, an embedding
/// row): scale = max|w| / 127 in float32; q = w / scale computed in float64, rounded half to even and limited to
/// −127..127; a row of zeros has scale 0 and q 0. The weight the model computes with is scale · q, rounded once
/// to float32. Symmetric and without a zero point, so a zero weight stays exactly zero and padding costs
/// nothing.</para>
/// <para>Float16: the nearest binary16, ties to even (<see cref="HalfBits"/>). A weight of magnitude 65520 or more
/// rounds past 65504, the largest half, and is refused; a weight that rounds to zero is reported.</para>
/// </remarks>
internal static class WeightQuantizer
{
    /// <summary>Bytes one weight takes in the packed layout.</summary>
    public static int BytesPerWeight(GruWeightType type) => type switch
    {
        GruWeightType.Int8 => 1,
        GruWeightType.Float16 => 2,
        _ => 4,
    };

    /// <summary>Whether the type has a scale per row (int8).</summary>
    public static bool HasScales(GruWeightType type) => type == GruWeightType.Int8;

    /// <summary>The name a file or a message uses: <c>float32</c>, <c>float16</c>, <c>int8</c>.</summary>
    public static string Name(GruWeightType type) => type switch
    {
        GruWeightType.Int8 => "int8",
        GruWeightType.Float16 => "float16",
        _ => "float32",
    };

    /// <summary>The type a name stands for (case-insensitive, also <c>fp16</c>/<c>half</c>, <c>fp32</c>/<c>float</c>), or null.</summary>
    public static GruWeightType? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "float32" or "fp32" or "float" or "single" => GruWeightType.Float32,
        "float16" or "fp16" or "half" => GruWeightType.Float16,
        "int8" or "i8" => GruWeightType.Int8,
        _ => null,
    };

    /// <summary>The int8 scale of a row: max|w| / 127 (0 for a row of zeros).</summary>
    public static float Int8Scale(float[] weights, int offset, int length)
    {
        float max = 0f;
        for (int i = 0; i < length; i++) max = Math.Max(max, Math.Abs(weights[offset + i]));
        return (float)(max / 127f); // the cast rounds to float32 on every host (an x87 host may keep more precision)
    }

    /// <summary>The int8 value of <paramref name="weight"/> in a row of scale <paramref name="scale"/>.</summary>
    public static sbyte Int8(float weight, float scale)
    {
        if (scale == 0f) return 0;
        double q = Math.Round((double)((double)weight / scale), MidpointRounding.ToEven);
        return (sbyte)Math.Max(-127.0, Math.Min(127.0, q));
    }

    /// <summary>The weight a quantised value stands for: scale · q, rounded to float32.</summary>
    public static float Int8Value(sbyte q, float scale) => (float)(scale * q);

    /// <summary>
    /// The values a [rows × columns] row-major matrix computes with once stored as <paramref name="type"/>; the
    /// same array for float32.
    /// </summary>
    public static float[] Dequantized(float[] weights, int rows, int columns, GruWeightType type)
    {
        if (type == GruWeightType.Float32) return weights;
        var values = new float[weights.Length];
        for (int r = 0; r < rows; r++)
        {
            int at = r * columns;
            if (type == GruWeightType.Int8)
            {
                float scale = Int8Scale(weights, at, columns);
                for (int c = 0; c < columns; c++) values[at + c] = Int8Value(Int8(weights[at + c], scale), scale);
            }
            else
            {
                for (int c = 0; c < columns; c++) values[at + c] = HalfBits.ToSingle(HalfBits.FromSingle(weights[at + c]));
            }
        }

        return values;
    }

    /// <summary>
    /// The model whose layers compute with the dequantised weights (what a model built with
    /// <paramref name="type"/> computes): every layer's <see cref="LayerDescription.WithWeights"/>.
    /// </summary>
    public static ModelDescription Dequantized(ModelDescription model, GruWeightType type)
    {
        if (type == GruWeightType.Float32) return model;
        var layers = new LayerDescription[model.Layers.Length];
        for (int i = 0; i < layers.Length; i++)
            layers[i] = model.Layers[i].WithWeights((weights, rows, columns, _) => Dequantized(weights, rows, columns, type));
        return new ModelDescription(model.InputSize, layers, model.InputNormalization, model.OutputNormalization);
    }

    /// <summary>
    /// Why <paramref name="model"/>'s weights cannot be stored as float16, or null: the first weight beyond
    /// ±65504 by half a unit or more (it would round to infinity), named by its tensor (<c>layers[0].weight_hh[5][3]</c>) and value.
    /// </summary>
    public static string? Float16Overflow(ModelDescription model)
    {
        string? problem = null;
        Visit(model, (name, weights, rows, columns) =>
        {
            for (int i = 0; i < weights.Length && problem is null; i++)
            {
                if (Math.Abs(weights[i]) >= 65520f) // rounds to infinity: 65504 + half an ulp (16)
                    problem = $"{name}[{i / columns}][{i % columns}] is {weights[i].ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, which rounds past float16's largest value, 65504";
            }
        });
        return problem;
    }

    /// <summary>
    /// The weights that are not zero but become zero as float16 (magnitude at most 2^-25, the tie rounding to even
    /// zero): how many, and where the largest of them is; null when there are none.
    /// </summary>
    public static string? Float16FlushedToZero(ModelDescription model)
    {
        long count = 0;
        string? largestAt = null;
        float largest = 0f;
        Visit(model, (name, weights, rows, columns) =>
        {
            for (int i = 0; i < weights.Length; i++)
            {
                float w = weights[i];
                if (w == 0f || (HalfBits.FromSingle(w) & 0x7FFF) != 0) continue;
                count++;
                if (Math.Abs(w) > largest)
                {
                    largest = Math.Abs(w);
                    largestAt = $"{name}[{i / columns}][{i % columns}] = {w.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}";
                }
            }
        });
        return count == 0 ? null : $"{count} weight{(count == 1 ? "" : "s")} not zero become zero as float16 (magnitude at most 2^-25; the smallest half is 2^-24), the largest {largestAt}";
    }

    /// <summary>Calls <paramref name="visit"/> with every weight matrix that quantises: its name, values and shape.</summary>
    private static void Visit(ModelDescription model, Action<string, float[], int, int> visit)
    {
        for (int i = 0; i < model.Layers.Length; i++)
        {
            string prefix = $"layers[{i}].";
            model.Layers[i].WithWeights((weights, rows, columns, name) =>
            {
                visit(prefix + name, weights, rows, columns);
                return weights;
            });
        }
    }
}
