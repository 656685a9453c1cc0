using System;
using GruTiny;

namespace GruTiny.Bench;

// Models compiled only so that jit-check reads the kernels the six shapes never run: the projection's and the
// recurrence's remainders (one strip at 256 bits, two at 128: hidden size 5) and linear_before_reset = false (its
// pairs from hidden size 13, its single strip at 256 bits from 5), in each weight type. Their files are the test
// suite's reference models.

/// <summary>GRU 3 → 13 → 32 → 5 (linear_before_reset = true).</summary>
[GruModel("../../tests/GruTiny.ReferenceModels/Models/stacked3_in3_h13_h32_h5.gru.json")] public partial struct JitRemainders;

/// <summary>The same, int8 weights.</summary>
[GruModel("../../tests/GruTiny.ReferenceModels/Models/stacked3_in3_h13_h32_h5.gru.json", Weights = GruWeightType.Int8)] public partial struct JitRemaindersInt8;

/// <summary>The same, float16 weights.</summary>
[GruModel("../../tests/GruTiny.ReferenceModels/Models/stacked3_in3_h13_h32_h5.gru.json", Weights = GruWeightType.Float16)] public partial struct JitRemaindersFloat16;

/// <summary>GRU 1 → 13 → 5, linear_before_reset = false.</summary>
[GruModel("../../tests/GruTiny.ReferenceModels/Models/cho_stacked2_in1_h13_h5_sigmoid1.gru.json")] public partial struct JitResetBefore;

/// <summary>The same, int8 weights.</summary>
[GruModel("../../tests/GruTiny.ReferenceModels/Models/cho_stacked2_in1_h13_h5_sigmoid1.gru.json", Weights = GruWeightType.Int8)] public partial struct JitResetBeforeInt8;

/// <summary>The same, float16 weights.</summary>
[GruModel("../../tests/GruTiny.ReferenceModels/Models/cho_stacked2_in1_h13_h5_sigmoid1.gru.json", Weights = GruWeightType.Float16)] public partial struct JitResetBeforeFloat16;

/// <summary>Runs the jit-check models of a weight type once each (<c>Step</c> and <c>Run</c>), so that the JIT compiles their kernels.</summary>
internal static class JitCheckShapes
{
    /// <summary>Set by jit-check in its workers' environment.</summary>
    public const string Variable = "GRUTINY_JIT_CHECK_SHAPES";

    public static void Run(GruWeightType weights)
    {
        switch (weights)
        {
            case GruWeightType.Int8: Exercise<JitRemaindersInt8>(); Exercise<JitResetBeforeInt8>(); break;
            case GruWeightType.Float16: Exercise<JitRemaindersFloat16>(); Exercise<JitResetBeforeFloat16>(); break;
            default: Exercise<JitRemainders>(); Exercise<JitResetBefore>(); break;
        }
    }

    private static void Exercise<T>() where T : struct, IGruModel
    {
        var model = new T();
        var inputs = new float[5 * model.InputSize];
        var outputs = new float[5 * model.OutputSize];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = MathF.Sin(i);
        model.Step(inputs.AsSpan(0, model.InputSize), outputs.AsSpan(0, model.OutputSize));
        model.Run(inputs, outputs);
        if (!float.IsFinite(outputs[^1])) throw new InvalidOperationException($"{typeof(T).Name} gave {outputs[^1]}");
    }
}
