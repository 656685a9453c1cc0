using System.Globalization;
using GruTiny.Kernels;
using GruTiny.Model;
using static GruTiny.Generator.Emit.GeneratedNames;

namespace GruTiny.Generator.Emit.Layers;

/// <summary>An activation layer: its forward call (ActivationKernel) and its type (function and parameters as constants).</summary>
internal sealed class ActivationLayerEmitter(ActivationLayerDescription layer) : LayerEmitter
{
    public override string? ConstantName(int index) => null;

    public override long LiteralFloats => LiteralFloatsOf(layer.Activation);

    public override int LargestBlockFloats => 0;

    public override void Plan(WorkLayout.Needs needs) => needs.Dense(KernelLayout.Padded(layer.OutputSize));

    public override void EmitForward(CodeWriter w, int index, Advance advance) =>
        EmitRowsForward(w, index, advance, "ActivationKernel", $"activation {layer.Activation.Describe()}, {layer.OutputSize} values");

    public override void EmitType(CodeWriter w, int index, bool commentWeights)
    {
        w.Generated();
        w.Line($"private struct __GruTiny_Layer{index} : {KernelsNamespace}.IActivationLayer");
        w.Open();
        EmitMembers(w, layer.OutputSize, layer.Activation, commentWeights);
        w.Close();
    }

    /// <summary>Floats of prelu's slopes in a literal (one slope travels as a constant).</summary>
    internal static long LiteralFloatsOf(ActivationFunction f) => f.Kind == ActivationKind.Prelu && f.Slopes!.Length > 1 ? f.Slopes.Length : 0;

    /// <summary>The members of <c>IActivationLayer</c> for <paramref name="f"/> over rows of <paramref name="size"/> values.</summary>
    internal static void EmitMembers(CodeWriter w, int size, ActivationFunction f, bool commentWeights)
    {
        // A prelu with one slope for every feature is a leaky_relu with that slope; only per-feature slopes need a span.
        bool oneSlope = f.Kind == ActivationKind.Prelu && f.Slopes!.Length == 1;
        ActivationKind kind = oneSlope ? ActivationKind.LeakyRelu : f.Kind;
        float alpha = oneSlope ? f.Slopes![0] : f.Alpha;
        w.Line($"public static int Size => {size};");
        w.Line($"public static {KernelsNamespace}.ActivationKind Kind => {KernelsNamespace}.ActivationKind.{kind};");
        w.Line($"public static float Alpha => {WeightLiterals.FloatLiteral(alpha)};");
        w.Line($"public static float Beta => {WeightLiterals.FloatLiteral(f.Beta)};");
        if (commentWeights && kind == ActivationKind.Prelu)
            WeightLiterals.CommentTensor(w, "prelu weight", f.Slopes, 1, f.Slopes!.Length);
        WeightLiterals.EmitSpanProperty(w, "public static", "Slopes", kind == ActivationKind.Prelu ? f.Slopes : null);
    }
}
