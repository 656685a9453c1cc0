using System.Globalization;
using GruTiny.Model;
using static GruTiny.Generator.Emit.GeneratedNames;

namespace GruTiny.Generator.Emit.Layers;

/// <summary>
/// A GRU layer: its hidden state, its forward call (GruLayerKernel) and its packed weights; a bidirectional layer
/// has a second layer type, <c>__GruTiny_LayerNReverse</c>, for its reverse half. In a model that reads whole
/// sequences (<paramref name="sequence"/>) the layer runs over the whole sequence in chunks, forward and/or from the
/// last step back, each half from its initial state, and the layer types carry their initial states.
/// </summary>
internal sealed class GruLayerEmitter(GruLayerDescription gru, bool sequence = false, GruWeightType weights = GruWeightType.Float32) : LayerEmitter
{
    private string Variant => gru.LinearBeforeReset ? "true" : "false";

    // What the layer does besides the plain forward GRU, for its comments: ", bidirectional", ", clip: 3", ", initial state from the model".
    private string Extras => (gru.Direction switch { GruDirection.Reverse => ", reverse", GruDirection.Bidirectional => ", bidirectional", _ => "" })
        + (gru.Clip is { } c ? ", clip: " + c.ToString("R", CultureInfo.InvariantCulture) : "")
        + (gru.InitialState is null && gru.Backward?.InitialState is null ? "" : ", initial state from the model");

    private int Padded => KernelLayout.PaddedHidden(gru.HiddenSize);

    /// <summary>Floats per step of the layer's rows in a sequence model: a bidirectional layer's reverse half starts at H and writes its padded width.</summary>
    public static int SequenceRowWidth(GruLayerDescription gru) =>
        (gru.Direction == GruDirection.Bidirectional ? gru.HiddenSize : 0) + KernelLayout.PaddedHidden(gru.HiddenSize);

    public override string? ConstantName(int index) => $"Layer{index}HiddenSize";

    public override void EmitConstant(CodeWriter w, int index)
    {
        w.Doc(gru.Direction == GruDirection.Bidirectional
            ? $"Hidden units of each direction of layer {index} (gru, linear_before_reset: {Variant}{Extras}); its outputs are both directions', 2 × this."
            : $"Hidden units of layer {index} (gru, linear_before_reset: {Variant}{Extras}).");
        w.Line($"public const int {ConstantName(index)} = {gru.HiddenSize};");
    }

    public override int StateSize => gru.HiddenSize;

    public override float[]? InitialState => gru.InitialState;

    public override int PaddedStateSize => Padded;

    public override long LiteralFloats => KernelLayout.GruLength(gru.InputSize, gru.HiddenSize, gru.LinearBeforeReset, weights) * (gru.Backward is null ? 1 : 2);

    public override int LargestBlockFloats => System.Linq.Enumerable.Max(KernelLayout.GruSectionBlockLengths(gru.InputSize, gru.HiddenSize, gru.LinearBeforeReset, weights));

    public override void Plan(WorkLayout.Needs needs) => needs.Recurrent(Padded, needsScratch: !gru.LinearBeforeReset);

    public override void EmitForward(CodeWriter w, int index, Advance advance)
    {
        if (advance.Sequence)
        {
            EmitSequenceForward(w, index, advance);
            return;
        }

        int padded = PaddedStateSize;
        string target = advance.HiddenBuffers[advance.HiddenUsed++ % advance.HiddenBuffers.Length];
        w.Line($"// Layer {index}: gru {gru.InputSize} → {gru.HiddenSize}, linear_before_reset: {Variant}{Extras}.");
        w.Line($"{KernelsNamespace}.GruLayerKernel.Forward<__GruTiny_Layer{index}>({advance.Source}, {advance.SourceStride}, gates, state.Slice({advance.StateOffset}, {padded}), {target}, n, scratch, {StripOrderField}.BackwardFirst);");
        advance.StateOffset += padded;
        advance.Source = target;
        advance.SourceStride = padded.ToString(CultureInfo.InvariantCulture); // the kernel writes rows of the layer's own padded width
        if (advance.IsLast(index)) EmitCopyOut(w, advance);
    }

    // The whole sequence: the forward half in chunks from the first step, the reverse half in chunks from the last
    // step back, into the same rows (the reverse half at column H, after the forward half has finished). The
    // kernel writes padded rows, so a GRU that is last writes a workspace buffer and its rows are copied out.
    private void EmitSequenceForward(CodeWriter w, int index, Advance advance)
    {
        string target = advance.DenseBuffers[advance.DenseUsed++ % advance.DenseBuffers.Length];
        const string Stride = "__GruTiny_DenseStride";
        w.Line($"// Layer {index}: gru {gru.InputSize} → {gru.OutputSize}, linear_before_reset: {Variant}{Extras}.");
        if (gru.Direction != GruDirection.Reverse)
        {
            EmitStart(w, gru, $"__GruTiny_Layer{index}");
            w.Line("for (int t = 0; t < n; t += __GruTiny_ChunkSteps)");
            w.Open();
            w.Line("int m = global::System.Math.Min(__GruTiny_ChunkSteps, n - t);");
            w.Line($"{KernelsNamespace}.GruLayerKernel.Forward<__GruTiny_Layer{index}>({advance.Source}.Slice(t * {advance.SourceStride}), {advance.SourceStride}, gates, hstate, {target}.Slice(t * {Stride}), {Stride}, m, false, scratch);");
            w.Close();
        }

        if (gru.Direction != GruDirection.Forward)
        {
            GruLayerDescription half = gru.Backward ?? gru;
            string type = gru.Backward is null ? $"__GruTiny_Layer{index}" : $"__GruTiny_Layer{index}Reverse";
            string column = gru.Backward is null ? "" : $" + {gru.HiddenSize}";
            EmitStart(w, half, type);
            w.Line("for (int end = n; end > 0;)");
            w.Open();
            w.Line("int m = global::System.Math.Min(__GruTiny_ChunkSteps, end);");
            w.Line("end -= m;");
            w.Line($"{KernelsNamespace}.GruLayerKernel.Forward<{type}>({advance.Source}.Slice(end * {advance.SourceStride}), {advance.SourceStride}, gates, hstate, {target}.Slice(end * {Stride}{column}), {Stride}, m, true, scratch);");
            w.Close();
        }

        advance.Wrote(target, Stride);
        if (advance.IsLast(index)) EmitCopyOut(w, advance);
    }

    // A half's initial state into hstate, its padding lanes zero.
    private static void EmitStart(CodeWriter w, GruLayerDescription half, string type)
    {
        w.Line("hstate.Clear();");
        if (half.InitialState is not null) w.Line($"{type}.InitialState.CopyTo(hstate);");
    }

    private static void EmitCopyOut(CodeWriter w, Advance advance)
    {
        w.Line("for (int s = 0; s < n; s++)");
        w.Line($"    {advance.Source}.Slice(s * {advance.SourceStride}, OutputSize).CopyTo(outputs.Slice(s * OutputSize, OutputSize));");
    }

    public override void EmitType(CodeWriter w, int index, bool commentWeights)
    {
        EmitHalfType(w, index, gru, $"__GruTiny_Layer{index}", gru.Backward is null ? "" : " (forward half)", commentWeights);
        if (gru.Backward is { } backward)
        {
            w.Line();
            EmitHalfType(w, index, backward, $"__GruTiny_Layer{index}Reverse", " (reverse half: PyTorch's _reverse tensors)", commentWeights);
        }
    }

    private void EmitHalfType(CodeWriter w, int index, GruLayerDescription half, string name, string which, bool commentWeights)
    {
        w.Generated();
        w.Line($"private struct {name} : {KernelsNamespace}.IGruLayer");
        w.Open();
        w.Line($"public static int InputSize => {half.InputSize};");
        w.Line($"public static int HiddenSize => {half.HiddenSize};");
        w.Line($"public static bool LinearBeforeReset => {Variant};");
        if (half.Clip is { } clip) w.Line($"public static float Clip => {WeightLiterals.FloatLiteral(clip)};");
        WeightLiterals.EmitWeightType(w, weights);
        if (sequence && half.InitialState is not null)
            WeightLiterals.EmitSpanProperty(w, "public static", "InitialState", half.InitialState);
        w.Line();
        if (commentWeights)
        {
            w.Line($"// Layer {index}{which}: gru {half.InputSize} → {half.HiddenSize}, linear_before_reset: {Variant}, PyTorch layout (gates r, z, n){WeightLiterals.FileValuesNote(weights)}:");
            WeightLiterals.CommentTensor(w, "weight_ih", half.WeightIh, 3 * half.HiddenSize, half.InputSize);
            WeightLiterals.CommentTensor(w, "weight_hh", half.WeightHh, 3 * half.HiddenSize, half.HiddenSize);
            WeightLiterals.CommentTensor(w, "bias_ih", half.BiasIh, 1, 3 * half.HiddenSize);
            WeightLiterals.CommentTensor(w, "bias_hh", half.BiasHh, 1, 3 * half.HiddenSize);
            if (half.InitialState is not null) WeightLiterals.CommentTensor(w, "initial_state", half.InitialState, 1, half.HiddenSize);
        }

        int blocks = KernelLayout.GruBlocks(half.HiddenSize);
        int[] blockLengths = KernelLayout.GruSectionBlockLengths(half.InputSize, half.HiddenSize, half.LinearBeforeReset, weights);
        WeightLiterals.EmitAlignedChunks(w, KernelLayout.Chunk(
            KernelLayout.PackGru(half.InputSize, half.HiddenSize, half.LinearBeforeReset, half.WeightIh, half.WeightHh, half.BiasIh, half.BiasHh, weights),
            blocks, blockLengths), weights, (blocks, blockLengths));
        w.Close();
    }
}
