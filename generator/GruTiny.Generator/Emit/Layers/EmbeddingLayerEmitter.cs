using GruTiny.Model;
using static GruTiny.Generator.Emit.GeneratedNames;

namespace GruTiny.Generator.Emit.Layers;

/// <summary>
/// A token embedding, always layer 0: a row lookup per token into a buffer of its own. It also supplies the
/// token API (<c>Step(int)</c>, <c>IGruTokenModel</c>, <c>VocabularySize</c>: <see cref="EmbeddingTokenInput"/>).
/// </summary>
internal sealed class EmbeddingLayerEmitter(EmbeddingLayerDescription embedding, GruWeightType weights = GruWeightType.Float32) : LayerEmitter
{
    /// <summary>Token ids, with their own API (<see cref="EmbeddingTokenInput"/>).</summary>
    public override ModelInput? Input => new EmbeddingTokenInput(embedding);

    // VocabularySize and EmbeddingSize name its sizes instead.
    public override string? ConstantName(int index) => null;

    public override long LiteralFloats => (long)embedding.VocabularySize * RowFloats;

    public override int LargestBlockFloats => RowFloats;

    // Floats of one stored row (KernelLayout.EmbeddingRowFloats): D floats, or an int8 row's scale and bytes, or halves.
    private int RowFloats => KernelLayout.EmbeddingRowFloats(embedding.Dimension, weights);

    public override void Plan(WorkLayout.Needs needs) => needs.Embedding(embedding.Dimension);

    public override void EmitForward(CodeWriter w, int index, Advance advance)
    {
        w.Line($"// Layer {index}: embedding, a row lookup per token (the ids were checked by the caller).");
        w.Line($"{Span} embedded = work.Slice({advance.ExtraBufferOffset}, n * EmbeddingSize);");
        w.Line("for (int s = 0; s < n; s++)");
        w.Line(weights == GruWeightType.Float32
            ? $"    __GruTiny_Layer{index}.Row((int)inputs[s]).CopyTo(embedded.Slice(s * EmbeddingSize, EmbeddingSize));"
            : $"    {KernelsNamespace}.EmbeddingRows.Dequantize(__GruTiny_Layer{index}.Row((int)inputs[s]), embedded.Slice(s * EmbeddingSize, EmbeddingSize), global::GruTiny.GruWeightType.{weights});");
        advance.Source = "embedded";
        advance.SourceStride = "EmbeddingSize";
    }

    // Rows of the embedding in string literals of at most MaxChunkFloats floats, whole rows per literal; read in
    // place (a row is copied once per step, so alignment does not matter).
    public override void EmitType(CodeWriter w, int index, bool commentWeights)
    {
        int d = RowFloats, v = embedding.VocabularySize;
        uint[] packed = KernelLayout.PackEmbedding(embedding.Weight, v, embedding.Dimension, weights);
        int rowsPerChunk = System.Math.Max(1, KernelLayout.MaxChunkFloats / d);
        int chunks = (v + rowsPerChunk - 1) / rowsPerChunk;
        w.Generated();
        w.Line($"private static class __GruTiny_Layer{index}");
        w.Open();
        w.Line($"private const int RowsPerChunk = {rowsPerChunk};");
        w.Line();
        w.Line(weights == GruWeightType.Float32
            ? $"// Row t of the [{v} × {d}] embedding."
            : $"// Row t of the [{v} × {embedding.Dimension}] embedding, stored as {WeightQuantizer.Name(weights)} in {d} floats (EmbeddingRows.Dequantize).");
        w.Line($"public static {ReadOnlySpan} Row(int token)");
        w.Open();
        w.Line($"if (!global::System.BitConverter.IsLittleEndian) {Throw}.ThrowBigEndian();");
        w.Line("global::System.ReadOnlySpan<float> rows = global::System.Runtime.InteropServices.MemoryMarshal.Cast<char, float>((token / RowsPerChunk) switch");
        w.Open();
        for (int c = 0; c < chunks; c++) w.Line($"{c} => Chunk{c},");
        w.Line("_ => \"\",");
        w.Close(");");
        w.Line($"return rows.Slice(token % RowsPerChunk * {d}, {d});");
        w.Close();
        for (int c = 0; c < chunks; c++)
        {
            int first = c * rowsPerChunk, count = System.Math.Min(rowsPerChunk, v - first);
            var values = new uint[count * d];
            System.Array.Copy(packed, first * d, values, 0, values.Length);
            WeightLiterals.EmitChunk(w, c, values, $"Rows {first} to {first + count - 1}.");
        }

        w.Close();
    }
}
