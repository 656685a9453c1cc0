using System.Globalization;
using System.Text;
using GruTiny.Model;
using static GruTiny.Generator.Emit.GeneratedNames;

namespace GruTiny.Generator.Emit;

/// <summary>How a layer type's weights appear in generated code: chunks of string literals, the aligned copies the kernels read, and the readable comment of small models.</summary>
internal static class WeightLiterals
{
    /// <summary>
    /// <c>Weights(int index)</c> over the chunks of a packed layer: the kernels read 64-byte-aligned copies of the
    /// literals (see AlignedWeights), made at first use; their addresses are plain static fields, so the layer
    /// type has no static constructor.
    /// </summary>
    /// <param name="weights">The layer's weight type: a quantised chunk holds float32 headers and int8 or float16 columns (KernelLayout), which its comment says, and is read in place.</param>
    /// <param name="gruSections">A GRU layer's blocks and section block lengths: its float32 chunks are copied into one
    /// aligned block per layer type, each section's chunks back to back (KernelLayout.ChunkOffsets), and the type says
    /// so (<c>ContiguousSections</c>), so that the kernels find a block of a section of several chunks by an offset.</param>
    public static void EmitAlignedChunks(CodeWriter w, uint[][] chunks, GruWeightType weights = GruWeightType.Float32, (int Blocks, int[] BlockLengths)? gruSections = null)
    {
        // A quantised layer reads its literals in place (LiteralWeights: its loads are narrow, and a copy would keep the
        // weights resident twice over what quantising saves).
        bool inPlace = weights != GruWeightType.Float32;
        int[]? offsets = null;
        int layerLength = 0;
        if (!inPlace && gruSections is { } sections)
        {
            offsets = KernelLayout.ChunkOffsets(sections.Blocks, sections.BlockLengths, out layerLength);
            if (offsets.Length != chunks.Length) throw new System.InvalidOperationException("Chunk offsets do not match the chunks.");
            w.Line("public static bool ContiguousSections => true;");
        }

        w.Line($"public static {ReadOnlySpan} Weights(int index) => index switch");
        w.Open();
        for (int c = 0; c < chunks.Length; c++)
            w.Line(inPlace
                ? $"{c} => {KernelsNamespace}.LiteralWeights.Span(Chunk{c}, {chunks[c].Length}),"
                : offsets is null
                    ? $"{c} => {KernelsNamespace}.AlignedWeights.Span(ref Aligned{c}, Chunk{c}, {chunks[c].Length}),"
                    : $"{c} => {KernelsNamespace}.AlignedWeights.Span(ref Aligned{c}, ref AlignedLayer, {layerLength}, {offsets[c]}, Chunk{c}, {chunks[c].Length}),");
        w.Line("_ => default,");
        w.Close(";");
        if (offsets is not null) w.Line("private static nint AlignedLayer;");
        for (int c = 0; c < chunks.Length; c++)
        {
            EmitChunk(w, c, chunks[c], weights == GruWeightType.Float32 ? $"{chunks[c].Length} floats." : $"{chunks[c].Length} floats of packed blocks: float32 biases{(weights == GruWeightType.Int8 ? " and row scales" : "")}, {WeightQuantizer.Name(weights)} weights.");
            if (!inPlace) w.Line($"private static nint Aligned{c};");
        }
    }

    /// <summary>For the commented tensors of a quantised layer: they are the file's values, not the ones the model computes with.</summary>
    public static string FileValuesNote(GruWeightType weights) =>
        weights == GruWeightType.Float32 ? "" : $", the file's float32 values (the model computes with their {WeightQuantizer.Name(weights)} dequantisation)";

    /// <summary>The layer type's <c>WeightType</c>, only when it is not float32 (IGruLayer's and IDenseLayer's default).</summary>
    public static void EmitWeightType(CodeWriter w, GruWeightType weights)
    {
        if (weights != GruWeightType.Float32)
            w.Line($"public static global::GruTiny.GruWeightType WeightType => global::GruTiny.GruWeightType.{weights};");
    }

    /// <summary>
    /// One chunk as a property, never a const field: a const field's value is stored in the assembly's constant
    /// table as well as in the user-string heap its ldstr reads, which held every weight twice (8 bytes a weight
    /// in the DLL).
    /// </summary>
    public static void EmitChunk(CodeWriter w, int index, uint[] values, string comment)
    {
        var sb = new StringBuilder();
        WeightBlob.AppendLiteral(sb, values);
        w.Line();
        w.Line("// " + comment);
        w.Line($"private static string Chunk{index} => {sb};");
    }

    /// <summary>
    /// A short vector (a normalisation's mean, a layer norm's weight) as a span property over a string literal read
    /// back as floats, like the weights (WeightBlob): a span over a constant float array allocates on every call in
    /// Debug builds. <paramref name="values"/> null: an empty span.
    /// </summary>
    public static void EmitSpanProperty(CodeWriter w, string modifiers, string name, float[]? values)
    {
        if (values is null)
        {
            w.Line($"{modifiers} {ReadOnlySpan} {name} => default;");
            return;
        }

        var sb = new StringBuilder();
        WeightBlob.AppendLiteral(sb, values);
        w.Line($"{modifiers} {ReadOnlySpan} {name} => global::System.Runtime.InteropServices.MemoryMarshal.Cast<char, float>({sb});");
    }

    /// <summary>A tensor of a small model in a comment, row by row, every value round-trippable.</summary>
    public static void CommentTensor(CodeWriter w, string name, float[]? values, int rows, int columns)
    {
        if (values is null)
        {
            w.Line($"//   {name}: none (zero)");
            return;
        }

        w.Line(rows == 1 ? $"//   {name} [{columns}]:" : $"//   {name} [{rows}][{columns}]:");
        for (int r = 0; r < rows; r++)
        {
            var line = new StringBuilder("//     ");
            for (int c = 0; c < columns; c++)
            {
                if (c > 0) line.Append(", ");
                line.Append(values[r * columns + c].ToString("R", CultureInfo.InvariantCulture));
            }

            w.Line(line.ToString());
        }
    }

    /// <summary>
    /// A float constant that reads back to the same bits ("R"; −0, the integers and the infinities spelt as C#
    /// floats).
    /// </summary>
    public static string FloatLiteral(float value)
    {
        if (float.IsPositiveInfinity(value)) return "float.PositiveInfinity";
        if (float.IsNegativeInfinity(value)) return "float.NegativeInfinity";
        if (value == 0 && GruTiny.Model.FloatBits.ToInt32(value) < 0) return "-0f";
        return value.ToString("R", CultureInfo.InvariantCulture) + "f";
    }
}
