using System.Globalization;
using System.Linq;
using GruTiny.Kernels;
using GruTiny.Model;
using static GruTiny.Generator.Emit.GeneratedNames;

namespace GruTiny.Generator.Emit;

/// <summary>
/// input_normalization and output_normalization (fields of grutiny/1, not layers): x' = (x − mean) / std into a
/// buffer of its own before layer 0, y = y' · std + mean in place after the last layer, as arithmetic steps
/// (ArithmeticKernel: a subtraction then a division; a multiplication then an addition, never fused).
/// </summary>
internal static class NormalizationEmitter
{
    /// <summary>Before the layers: the normalised rows become the first layer's source.</summary>
    public static void EmitNormalizeInput(CodeWriter w, ModelDescription model, Emit.Layers.Advance advance)
    {
        if (model.InputNormalization is null) return;
        w.Line("// input_normalization: x' = (x − mean) / std, into a buffer of its own (the caller's input is read-only).");
        w.Line($"{Span} normalized = work.Slice({advance.ExtraBufferOffset}, n * InputSize);");
        Layers.ArithmeticLayerEmitter.EmitSteps(w, "inputs", "InputSize", "normalized", "InputSize", "InputSize",
            new[] { (ArithmeticOperator.Subtract, "__GruTiny_InputMean"), (ArithmeticOperator.Divide, "__GruTiny_InputStd") });
        advance.Source = "normalized";
    }

    /// <summary>After the layers, on the rows the last one wrote.</summary>
    public static void EmitDenormalizeOutput(CodeWriter w, ModelDescription model)
    {
        if (model.OutputNormalization is null) return;
        w.Line("// output_normalization: y = y' · std + mean, in place on the rows just written.");
        Layers.ArithmeticLayerEmitter.EmitSteps(w, "outputs", "OutputSize", "outputs", "OutputSize", "OutputSize",
            new[] { (ArithmeticOperator.Multiply, "__GruTiny_OutputStd"), (ArithmeticOperator.Add, "__GruTiny_OutputMean") });
    }

    /// <summary>Mean and std as span properties over string literals (WeightLiterals.EmitSpanProperty).</summary>
    public static void EmitVectors(CodeWriter w, ModelDescription model)
    {
        EmitVectors(w, "Input", model.InputNormalization);
        EmitVectors(w, "Output", model.OutputNormalization);
    }

    private static void EmitVectors(CodeWriter w, string which, Normalization? normalization)
    {
        if (normalization is null) return;
        foreach ((string name, float[] values) in new[] { ("Mean", normalization.Mean), ("Std", normalization.Std) })
        {
            w.Line($"// {which.ToLowerInvariant()}_normalization {name.ToLowerInvariant()}: {string.Join(", ", values.Select(v => v.ToString("G9", CultureInfo.InvariantCulture)))}");
            w.Generated();
            WeightLiterals.EmitSpanProperty(w, "private static", $"__GruTiny_{which}{name}", values);
        }

        w.Line();
    }
}
