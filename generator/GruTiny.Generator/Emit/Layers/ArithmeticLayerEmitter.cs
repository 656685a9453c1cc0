using System.Globalization;
using System.Linq;
using GruTiny.Kernels;
using GruTiny.Model;
using static GruTiny.Generator.Emit.GeneratedNames;

namespace GruTiny.Generator.Emit.Layers;

/// <summary>An arithmetic layer: one ArithmeticKernel call per step (the first into the layer's rows, the rest in place), the constants in its type.</summary>
internal sealed class ArithmeticLayerEmitter(ArithmeticLayerDescription layer) : LayerEmitter
{
    public override string? ConstantName(int index) => null;

    public override long LiteralFloats => layer.ParameterCount;

    public override int LargestBlockFloats => 0;

    public override void Plan(WorkLayout.Needs needs) => needs.Dense(KernelLayout.Padded(layer.OutputSize));

    public override void EmitForward(CodeWriter w, int index, Advance advance)
    {
        (string target, string targetStride) = advance.RowsFor(index);
        w.Line($"// Layer {index}: arithmetic, {string.Join(" then ", layer.Steps.Select(s => ArithmeticNames.Name(s.Operator)))}, {layer.OutputSize} values.");
        EmitSteps(w, advance.Source, advance.SourceStride, target, targetStride, layer.OutputSize.ToString(CultureInfo.InvariantCulture),
            layer.Steps.Select((step, i) => (step.Operator, $"__GruTiny_Layer{index}.Value{i}")).ToArray());
        advance.Wrote(target, targetStride);
    }

    /// <summary>
    /// One ArithmeticKernel call per step over n rows of <paramref name="size"/> values: the first from the source
    /// rows into the target rows, the rest in place. Also how a batch_norm (x · scale, then + shift) and the input and
    /// output normalisation ((x − mean) / std; y · std + mean) are computed.
    /// </summary>
    internal static void EmitSteps(CodeWriter w, string source, string sourceStride, string target, string targetStride, string size, (ArithmeticOperator Op, string Values)[] steps)
    {
        foreach ((ArithmeticOperator op, string values) in steps)
        {
            w.Line($"{KernelsNamespace}.ArithmeticKernel.Forward({source}, {sourceStride}, {target}, {targetStride}, n, {size}, {KernelsNamespace}.ArithmeticOperator.{op}, {values});");
            source = target;
            sourceStride = targetStride;
        }
    }

    public override void EmitType(CodeWriter w, int index, bool commentWeights)
    {
        w.Generated();
        w.Line($"private static class __GruTiny_Layer{index}");
        w.Open();
        for (int i = 0; i < layer.Steps.Length; i++)
        {
            ArithmeticStep step = layer.Steps[i];
            if (commentWeights)
                w.Line($"// step {i}: {ArithmeticNames.Name(step.Operator)} {string.Join(", ", step.Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}");
            WeightLiterals.EmitSpanProperty(w, "public static", $"Value{i}", step.Values);
        }

        w.Close();
    }
}
