using System.Globalization;
using System.Linq;
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
        string source = advance.Source, sourceStride = advance.SourceStride;
        for (int i = 0; i < layer.Steps.Length; i++)
        {
            w.Line($"{KernelsNamespace}.ArithmeticKernel.Forward({source}, {sourceStride}, {target}, {targetStride}, n, {layer.OutputSize}, {KernelsNamespace}.ArithmeticOperator.{layer.Steps[i].Operator}, __GruTiny_Layer{index}.Value{i});");
            source = target;
            sourceStride = targetStride;
        }

        advance.Wrote(target, targetStride);
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
