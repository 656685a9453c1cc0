using System.Globalization;
using GruTiny.Model;
using static GruTiny.Generator.Emit.GeneratedNames;

namespace GruTiny.Generator.Emit.Layers;

/// <summary>A layer normalisation: its forward call (LayerNormKernel) and its type (epsilon, weight and bias).</summary>
internal sealed class LayerNormLayerEmitter(LayerNormLayerDescription layer) : LayerEmitter
{
    public override string? ConstantName(int index) => null;

    public override long LiteralFloats => (long)(layer.Weight?.Length ?? 0) + (layer.Bias?.Length ?? 0);

    public override int LargestBlockFloats => 0;

    public override void Plan(WorkLayout.Needs needs) => needs.Dense(KernelLayout.Padded(layer.OutputSize));

    public override void EmitForward(CodeWriter w, int index, Advance advance) =>
        EmitRowsForward(w, index, advance, "LayerNormKernel", $"layer_norm over {layer.OutputSize} features");

    public override void EmitType(CodeWriter w, int index, bool commentWeights)
    {
        w.Generated();
        w.Line($"private struct __GruTiny_Layer{index} : {KernelsNamespace}.ILayerNormLayer");
        w.Open();
        w.Line($"public static int Size => {layer.OutputSize};");
        w.Line($"public static float Epsilon => {layer.Epsilon.ToString("R", CultureInfo.InvariantCulture)}f;");
        if (commentWeights)
        {
            w.Line($"// Layer {index}: layer_norm over {layer.OutputSize} features:");
            WeightLiterals.CommentTensor(w, "weight", layer.Weight, 1, layer.OutputSize);
            WeightLiterals.CommentTensor(w, "bias", layer.Bias, 1, layer.OutputSize);
        }

        WeightLiterals.EmitSpanProperty(w, "public static", "Weight", layer.Weight);
        WeightLiterals.EmitSpanProperty(w, "public static", "Bias", layer.Bias);
        w.Close();
    }
}
