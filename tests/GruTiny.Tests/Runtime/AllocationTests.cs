using System;
using GruTiny.ReferenceModels;
using Xunit;

namespace GruTiny.Tests.Runtime;

/// <summary>
/// Zero allocation is a guarantee: bytes allocated by this thread do not change across thousands of calls,
/// counted from the very first call of a fresh type (no warm-up: the first call JIT-compiles the kernels).
/// The Debug-build case is in <see cref="Generator.DebugBuildTests"/>.
/// </summary>
[Collection(AllocationCollection.Name)]
public sealed class AllocationTests
{
    private const int Calls = 10_000;

    [Fact]
    public void Struct_model_allocates_nothing_from_the_first_call() =>
        AssertNone(AllocatedBytes<Stacked3In3H13H32H5>());    // struct, three gru layers

    [Fact]
    public void Class_model_allocates_nothing_from_the_first_call() =>
        AssertNone(AllocatedBytes<Stacked2In16H128H64Softmax10>());  // class, two gru layers, softmax

    [Fact]
    public void Cho_variant_allocates_nothing_from_the_first_call() =>
        AssertNone(AllocatedBytes<ChoIn7H13Relu8Softmax3>());  // struct, linear_before_reset=false

    [Fact]
    public void Record_models_allocate_nothing_from_the_first_call()
    {
        AssertNone(AllocatedBytes<In3H13Softmax4>());          // record struct
        AssertNone(AllocatedBytes<Stacked2In3H32x2Tanh5>());   // record class
    }

    [Fact]
    public void Models_compiled_from_onnx_allocate_nothing_from_the_first_call()
    {
        AssertNone(AllocatedBytes<OnnxBfStacked4Sigmoid2>());    // four GRU nodes, batch_first export
        AssertNone(AllocatedBytes<OnnxNodeStackedFloatData>());  // linear_before_reset 0, float_data weights
        AssertNone(AllocatedBytes<OnnxClassifierH13>());         // last-step output, Gemm + Softmax
    }

    [Fact]
    public void Token_model_allocates_nothing_from_the_first_call()
    {
        AssertNone(AllocatedBytes<EmbV30D7H16x2Linear5>());  // float API: the token id as the input
        var model = new EmbV30D7H16x2Linear5();
        int[] tokens = [0, 29, 7, 3];
        var outputs = new float[tokens.Length * EmbV30D7H16x2Linear5.OutputSize];
        var output = new float[EmbV30D7H16x2Linear5.OutputSize];
        var meter = AllocationMeter.Start();
        for (int i = 0; i < Calls; i++) model.Step(i % 30, output);
        for (int i = 0; i < Calls; i++) model.Run(tokens, outputs);
        for (int i = 0; i < 100; i++) model.RunFinal(tokens, output);
        AssertNone(meter.Stop());
    }

    [Fact]
    public void Quantized_models_allocate_nothing_from_the_first_call()
    {
        AssertNone(AllocatedBytes<Stacked2In16H128H64Softmax10Int8>());   // int8 GRU (every strip group) and dense softmax
        AssertNone(AllocatedBytes<Stacked2In16H128H64Softmax10Float16>());
        AssertNone(AllocatedBytes<ChoIn16H64Tanh4Int8>());                // linear_before_reset false
        AssertNone(AllocatedBytes<EmbV30D7H16x2Linear5Int8>());           // an int8 embedding's rows
        AssertNone(AllocatedBytes<EmbV30D7H16x2Linear5Float16>());
        AssertNone(AllocatedBytes<ActsIn4Prelu7H9Prelu1Gelutanh6SoftsignRelu6SigTanhFloat16>());
    }

    [Fact]
    public void Normalized_model_allocates_nothing_from_the_first_call() =>
        AssertNone(AllocatedBytes<NormInOutIn2H8Linear1>());  // input and output normalisation constants

    [Fact]
    public void Models_with_layers_in_any_order_allocate_nothing_from_the_first_call()
    {
        AssertNone(AllocatedBytes<ActsIn4Prelu7H9Prelu1Gelutanh6SoftsignRelu6SigTanh>());  // activation layers, prelu slopes, dense before the GRU
        AssertNone(AllocatedBytes<LayernormIn5LnH13LnGelu8Linear3>());      // layer_norm, gelu (erf)
        AssertNone(AllocatedBytes<BatchnormIn4BnH11BnSiluLinear2>());       // batch_norm folded, silu
        AssertNone(AllocatedBytes<ActsIn3H10LeakyElu9HardtanhHsig6Logsoftmax5>()); // log_softmax, hardsigmoid, elu
        AssertNone(AllocatedBytes<DenseThenGruLastIn2D5H6>());              // a GRU last
        AssertNone(AllocatedBytes<OnnxDecomposedOpset14>());                // decomposed forms from ONNX
    }

    [Fact]
    public void Models_with_initial_states_and_clip_allocate_nothing_from_the_first_call()
    {
        AssertNone(AllocatedBytes<H0In3H10Linear2>());            // struct with an initial state
        AssertNone(AllocatedBytes<H0Stacked2In4H8x2Tanh3>());     // class, two layers with initial states
        AssertNone(AllocatedBytes<ClipChoH0In4H9H5Linear3>());    // clip on the Cho variant, initial states
    }

    private static void AssertNone(AllocationReading reading) => reading.AssertNone();

    private static AllocationReading AllocatedBytes<T>() where T : IGruModel, IRunFinal, new()
    {
        T model = new();
        var random = new Random(7);
        var input = new float[model.InputSize];
        var output = new float[model.OutputSize];
        const int steps = 2; // 10,000 Run calls of 2 steps: the count, not the length, is what is checked
        var inputs = new float[steps * model.InputSize];
        var outputs = new float[steps * model.OutputSize];
        var state = new float[model.StateSize];
        int vocabulary = model is IGruTokenModel tokens ? tokens.VocabularySize : 0;
        for (int i = 0; i < inputs.Length; i++) inputs[i] = vocabulary > 0 ? random.Next(vocabulary) : (float)random.NextDouble() * 2 - 1;
        inputs.AsSpan(0, input.Length).CopyTo(input);

        var meter = AllocationMeter.Start();
        for (int i = 0; i < Calls; i++) model.Step(input, output);
        for (int i = 0; i < Calls; i++) model.Run(inputs, outputs);
        for (int i = 0; i < 100; i++) model.RunFinal(inputs, output);
        model.CopyStateTo(state);
        model.SetState(state);
        model.Reset();
        return meter.Stop();
    }
}
