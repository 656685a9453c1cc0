using System.Globalization;
using GruTiny.Model;
using static GruTiny.Generator.Emit.GeneratedNames;

namespace GruTiny.Generator.Emit.Layers;

/// <summary>A GRU layer: its hidden state, its forward call (GruLayerKernel) and its packed weights.</summary>
internal sealed class GruLayerEmitter(GruLayerDescription gru) : LayerEmitter
{
    private string Variant => gru.LinearBeforeReset ? "true" : "false";

    // What the layer does besides the plain GRU, for its comments: ", clip: 3", ", initial state from the model".
    private string Extras => (gru.Clip is { } c ? ", clip: " + c.ToString("R", CultureInfo.InvariantCulture) : "")
        + (gru.InitialState is null ? "" : ", initial state from the model");

    public override string? ConstantName(int index) => $"Layer{index}HiddenSize";

    public override void EmitConstant(CodeWriter w, int index)
    {
        w.Doc($"Hidden units of layer {index} (gru, linear_before_reset: {Variant}{Extras}).");
        w.Line($"public const int {ConstantName(index)} = {gru.HiddenSize};");
    }

    public override int StateSize => gru.HiddenSize;

    public override float[]? InitialState => gru.InitialState;

    public override int PaddedStateSize => KernelLayout.PaddedHidden(gru.HiddenSize);

    public override long LiteralFloats => KernelLayout.GruLength(gru.InputSize, gru.HiddenSize, gru.LinearBeforeReset);

    public override int LargestBlockFloats => System.Linq.Enumerable.Max(KernelLayout.GruSectionBlockLengths(gru.InputSize, gru.HiddenSize, gru.LinearBeforeReset));

    public override void Plan(WorkLayout.Needs needs) => needs.Recurrent(KernelLayout.PaddedHidden(gru.HiddenSize), needsScratch: !gru.LinearBeforeReset);

    public override void EmitForward(CodeWriter w, int index, Advance advance)
    {
        int padded = PaddedStateSize;
        string target = advance.HiddenBuffers[advance.HiddenUsed++ % advance.HiddenBuffers.Length];
        w.Line($"// Layer {index}: gru {gru.InputSize} → {gru.HiddenSize}, linear_before_reset: {Variant}{Extras}.");
        w.Line($"{KernelsNamespace}.GruLayerKernel.Forward<__GruTiny_Layer{index}>({advance.Source}, {advance.SourceStride}, gates, state.Slice({advance.StateOffset}, {padded}), {target}, n, scratch);");
        advance.StateOffset += padded;
        advance.Source = target;
        advance.SourceStride = padded.ToString(CultureInfo.InvariantCulture); // the kernel writes rows of the layer's own padded width
        if (advance.IsLast(index))
        {
            w.Line("for (int s = 0; s < n; s++)");
            w.Line($"    {advance.Source}.Slice(s * {advance.SourceStride}, OutputSize).CopyTo(outputs.Slice(s * OutputSize, OutputSize));");
        }
    }

    public override void EmitType(CodeWriter w, int index, bool commentWeights)
    {
        w.Generated();
        w.Line($"private struct __GruTiny_Layer{index} : {KernelsNamespace}.IGruLayer");
        w.Open();
        w.Line($"public static int InputSize => {gru.InputSize};");
        w.Line($"public static int HiddenSize => {gru.HiddenSize};");
        w.Line($"public static bool LinearBeforeReset => {Variant};");
        if (gru.Clip is { } clip) w.Line($"public static float Clip => {WeightLiterals.FloatLiteral(clip)};");
        w.Line();
        if (commentWeights)
        {
            w.Line($"// Layer {index}: gru {gru.InputSize} → {gru.HiddenSize}, linear_before_reset: {Variant}, PyTorch layout (gates r, z, n):");
            WeightLiterals.CommentTensor(w, "weight_ih", gru.WeightIh, 3 * gru.HiddenSize, gru.InputSize);
            WeightLiterals.CommentTensor(w, "weight_hh", gru.WeightHh, 3 * gru.HiddenSize, gru.HiddenSize);
            WeightLiterals.CommentTensor(w, "bias_ih", gru.BiasIh, 1, 3 * gru.HiddenSize);
            WeightLiterals.CommentTensor(w, "bias_hh", gru.BiasHh, 1, 3 * gru.HiddenSize);
            if (gru.InitialState is not null) WeightLiterals.CommentTensor(w, "initial_state", gru.InitialState, 1, gru.HiddenSize);
        }

        WeightLiterals.EmitAlignedChunks(w, KernelLayout.Chunk(
            KernelLayout.PackGru(gru.InputSize, gru.HiddenSize, gru.LinearBeforeReset, gru.WeightIh, gru.WeightHh, gru.BiasIh, gru.BiasHh),
            KernelLayout.GruBlocks(gru.HiddenSize),
            KernelLayout.GruSectionBlockLengths(gru.InputSize, gru.HiddenSize, gru.LinearBeforeReset)));
        w.Close();
    }
}
