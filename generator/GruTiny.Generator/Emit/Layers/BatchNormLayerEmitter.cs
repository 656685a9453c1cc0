using GruTiny.Kernels;
using GruTiny.Model;
using static GruTiny.Generator.Emit.GeneratedNames;

namespace GruTiny.Generator.Emit.Layers;

/// <summary>A batch normalisation (inference mode), folded at build time into y = x · scale, then + shift: two ArithmeticKernel steps.</summary>
internal sealed class BatchNormLayerEmitter(BatchNormLayerDescription layer) : LayerEmitter
{
    public override string? ConstantName(int index) => null;

    public override long LiteralFloats => 2L * layer.OutputSize;

    public override int LargestBlockFloats => 0;

    public override void Plan(WorkLayout.Needs needs) => needs.Dense(KernelLayout.Padded(layer.OutputSize));

    public override void EmitForward(CodeWriter w, int index, Advance advance)
    {
        (string target, string targetStride) = advance.RowsFor(index);
        w.Line($"// Layer {index}: batch_norm over {layer.OutputSize} features, folded into x · scale + shift.");
        ArithmeticLayerEmitter.EmitSteps(w, advance.Source, advance.SourceStride, target, targetStride, layer.OutputSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new[] { (ArithmeticOperator.Multiply, $"__GruTiny_Layer{index}.Scale"), (ArithmeticOperator.Add, $"__GruTiny_Layer{index}.Shift") });
        advance.Wrote(target, targetStride);
    }

    public override void EmitType(CodeWriter w, int index, bool commentWeights)
    {
        (float[] scale, float[] shift) = layer.Folded();
        w.Generated();
        w.Line($"private static class __GruTiny_Layer{index}");
        w.Open();
        if (commentWeights)
        {
            w.Line($"// Layer {index}: batch_norm over {layer.OutputSize} features, eps {layer.Epsilon.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, as the file holds it:");
            WeightLiterals.CommentTensor(w, "running_mean", layer.RunningMean, 1, layer.OutputSize);
            WeightLiterals.CommentTensor(w, "running_var", layer.RunningVar, 1, layer.OutputSize);
            WeightLiterals.CommentTensor(w, "weight", layer.Weight, 1, layer.OutputSize);
            WeightLiterals.CommentTensor(w, "bias", layer.Bias, 1, layer.OutputSize);
            w.Line("// folded into x · scale + shift:");
            WeightLiterals.CommentTensor(w, "scale", scale, 1, layer.OutputSize);
            WeightLiterals.CommentTensor(w, "shift", shift, 1, layer.OutputSize);
        }

        WeightLiterals.EmitSpanProperty(w, "public static", "Scale", scale);
        WeightLiterals.EmitSpanProperty(w, "public static", "Shift", shift);
        w.Close();
    }
}
