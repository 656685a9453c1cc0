using GruTiny.Kernels;
using GruTiny.Model;
using static GruTiny.Generator.Emit.GeneratedNames;

namespace GruTiny.Generator.Emit.Layers;

/// <summary>
/// A dense layer with its activation: its forward call (DenseLayerKernel) and its packed weights. The dense kernel
/// applies linear, relu, sigmoid, tanh and softmax itself; any other activation runs after it, in place, through
/// ActivationKernel, with the layer type declaring the activation too (<see cref="ActivationLayerEmitter"/>).
/// </summary>
internal sealed class DenseLayerEmitter(DenseLayerDescription dense, GruWeightType weights = GruWeightType.Float32) : LayerEmitter
{
    private string ActivationName => dense.Activation.Describe();

    /// <summary>The activation as the dense kernel applies it, or null when ActivationKernel applies it after.</summary>
    private DenseActivation? Fused => dense.Activation.Kind switch
    {
        ActivationKind.Linear => DenseActivation.Linear,
        ActivationKind.Relu => DenseActivation.Relu,
        ActivationKind.Sigmoid => DenseActivation.Sigmoid,
        ActivationKind.Tanh => DenseActivation.Tanh,
        ActivationKind.Softmax => DenseActivation.Softmax,
        _ => null,
    };

    public override string? ConstantName(int index) => $"Layer{index}OutputSize";

    public override void EmitConstant(CodeWriter w, int index)
    {
        w.Doc($"Outputs of layer {index} (dense, {ActivationName}).");
        w.Line($"public const int {ConstantName(index)} = {dense.OutputSize};");
    }

    public override long LiteralFloats => KernelLayout.DenseLength(dense.InputSize, dense.OutputSize, weights) + ActivationLayerEmitter.LiteralFloatsOf(dense.Activation);

    public override int LargestBlockFloats => KernelLayout.DenseBlockLength(dense.InputSize, weights);

    public override void Plan(WorkLayout.Needs needs) => needs.Dense(KernelLayout.Padded(dense.OutputSize));

    public override void EmitForward(CodeWriter w, int index, Advance advance)
    {
        (string target, string targetStride) = advance.RowsFor(index);
        w.Line($"// Layer {index}: dense {dense.InputSize} → {dense.OutputSize}, {ActivationName}.");
        w.Line($"{KernelsNamespace}.DenseLayerKernel.Forward<__GruTiny_Layer{index}>({advance.Source}, {advance.SourceStride}, {target}, {targetStride}, n);");
        if (Fused is null)
            w.Line($"{KernelsNamespace}.ActivationKernel.Forward<__GruTiny_Layer{index}>({target}, {targetStride}, {target}, {targetStride}, n);");
        advance.Wrote(target, targetStride);
    }

    public override void EmitType(CodeWriter w, int index, bool commentWeights)
    {
        w.Generated();
        w.Line(Fused is null
            ? $"private struct __GruTiny_Layer{index} : {KernelsNamespace}.IDenseLayer, {KernelsNamespace}.IActivationLayer"
            : $"private struct __GruTiny_Layer{index} : {KernelsNamespace}.IDenseLayer");
        w.Open();
        w.Line($"public static int InputSize => {dense.InputSize};");
        w.Line($"public static int OutputSize => {dense.OutputSize};");
        w.Line($"public static {KernelsNamespace}.DenseActivation Activation => {KernelsNamespace}.DenseActivation.{Fused ?? DenseActivation.Linear};");
        WeightLiterals.EmitWeightType(w, weights);
        if (Fused is null) ActivationLayerEmitter.EmitMembers(w, dense.OutputSize, dense.Activation, commentWeights);
        w.Line();
        if (commentWeights)
        {
            w.Line($"// Layer {index}: dense {dense.InputSize} → {dense.OutputSize}, {ActivationName}{WeightLiterals.FileValuesNote(weights)}:");
            WeightLiterals.CommentTensor(w, "weight", dense.Weight, dense.OutputSize, dense.InputSize);
            WeightLiterals.CommentTensor(w, "bias", dense.Bias, 1, dense.OutputSize);
        }

        WeightLiterals.EmitAlignedChunks(w, KernelLayout.Chunk(
            KernelLayout.PackDense(dense.InputSize, dense.OutputSize, dense.Weight, dense.Bias, weights),
            KernelLayout.Padded(dense.OutputSize) / KernelLayout.Lanes,
            new[] { KernelLayout.DenseBlockLength(dense.InputSize, weights) }), weights);
        w.Close();
    }
}
