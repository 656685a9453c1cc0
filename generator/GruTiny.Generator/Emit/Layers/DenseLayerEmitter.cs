using GruTiny.Kernels;
using GruTiny.Model;
using static GruTiny.Generator.Emit.GeneratedNames;

namespace GruTiny.Generator.Emit.Layers;

/// <summary>A dense layer with its activation: its forward call (DenseLayerKernel) and its packed weights.</summary>
internal sealed class DenseLayerEmitter(DenseLayerDescription dense) : LayerEmitter
{
    private string ActivationName => DenseActivationNames.Name(dense.Activation);

    public override string? ConstantName(int index) => $"Layer{index}OutputSize";

    public override void EmitConstant(CodeWriter w, int index)
    {
        w.Doc($"Outputs of layer {index} (dense, {ActivationName}).");
        w.Line($"public const int {ConstantName(index)} = {dense.OutputSize};");
    }

    public override long LiteralFloats => KernelLayout.DenseLength(dense.InputSize, dense.OutputSize);

    public override int LargestBlockFloats => KernelLayout.DenseBlockLength(dense.InputSize);

    public override void Plan(WorkLayout.Needs needs) => needs.Dense(KernelLayout.Padded(dense.OutputSize));

    public override void EmitForward(CodeWriter w, int index, Advance advance)
    {
        bool last = advance.IsLast(index);
        string target = last ? "outputs" : advance.DenseBuffers[advance.DenseUsed++ % advance.DenseBuffers.Length];
        string targetStride = last ? "OutputSize" : "__GruTiny_DenseStride";
        w.Line($"// Layer {index}: dense {dense.InputSize} → {dense.OutputSize}, {ActivationName}.");
        w.Line($"{KernelsNamespace}.DenseLayerKernel.Forward<__GruTiny_Layer{index}>({advance.Source}, {advance.SourceStride}, {target}, {targetStride}, n);");
        advance.Source = target;
        advance.SourceStride = targetStride;
    }

    public override void EmitType(CodeWriter w, int index, bool commentWeights)
    {
        w.Generated();
        w.Line($"private struct __GruTiny_Layer{index} : {KernelsNamespace}.IDenseLayer");
        w.Open();
        w.Line($"public static int InputSize => {dense.InputSize};");
        w.Line($"public static int OutputSize => {dense.OutputSize};");
        w.Line($"public static {KernelsNamespace}.DenseActivation Activation => {KernelsNamespace}.DenseActivation.{dense.Activation};");
        w.Line();
        if (commentWeights)
        {
            w.Line($"// Layer {index}: dense {dense.InputSize} → {dense.OutputSize}, {ActivationName}:");
            WeightLiterals.CommentTensor(w, "weight", dense.Weight, dense.OutputSize, dense.InputSize);
            WeightLiterals.CommentTensor(w, "bias", dense.Bias, 1, dense.OutputSize);
        }

        WeightLiterals.EmitAlignedChunks(w, KernelLayout.Chunk(
            KernelLayout.PackDense(dense.InputSize, dense.OutputSize, dense.Weight, dense.Bias),
            KernelLayout.Padded(dense.OutputSize) / KernelLayout.Lanes,
            new[] { KernelLayout.DenseBlockLength(dense.InputSize) }));
        w.Close();
    }
}
