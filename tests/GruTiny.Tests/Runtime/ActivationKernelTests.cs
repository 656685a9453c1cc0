using System;
using System.Linq;
using GruTiny.Kernels;
using GruTiny.Model;
using GruTiny.Model.Reference;
using Xunit;

namespace GruTiny.Tests.Runtime;

/// <summary>
/// The element-wise kernels (activations, layer and batch normalisation) against the float64 reference, on rows
/// of 11 values (two whole vectors and a tail of three), with strides wider than the rows and in place. The
/// vector path runs by default; CI runs these tests again with hardware intrinsics off (the scalar path) and
/// under ARM64 emulation.
/// </summary>
public sealed class ActivationKernelTests
{
    private const int Size = 11;

    private static readonly float[] SlopeValues = Enumerable.Range(0, Size).Select(i => 0.05f * i - 0.2f).ToArray();

    private struct Act<TKind> : IActivationLayer where TKind : IKind
    {
        public static int Size => ActivationKernelTests.Size;
        public static ActivationKind Kind => TKind.Kind;
        public static float Alpha => TKind.Alpha;
        public static float Beta => TKind.Beta;
        public static ReadOnlySpan<float> Slopes => TKind.Kind == ActivationKind.Prelu ? SlopeValues : default;
    }

    public interface IKind
    {
        static abstract ActivationKind Kind { get; }
        static virtual float Alpha => 0f;
        static virtual float Beta => 0f;
    }

    private struct Relu : IKind { public static ActivationKind Kind => ActivationKind.Relu; }
    private struct Sigmoid : IKind { public static ActivationKind Kind => ActivationKind.Sigmoid; }
    private struct Tanh : IKind { public static ActivationKind Kind => ActivationKind.Tanh; }
    private struct Softmax : IKind { public static ActivationKind Kind => ActivationKind.Softmax; }
    private struct LogSoftmax : IKind { public static ActivationKind Kind => ActivationKind.LogSoftmax; }
    private struct LeakyRelu : IKind { public static ActivationKind Kind => ActivationKind.LeakyRelu; public static float Alpha => 0.2f; }
    private struct Prelu : IKind { public static ActivationKind Kind => ActivationKind.Prelu; }
    private struct Elu : IKind { public static ActivationKind Kind => ActivationKind.Elu; public static float Alpha => 0.7f; }
    private struct Gelu : IKind { public static ActivationKind Kind => ActivationKind.Gelu; }
    private struct GeluTanh : IKind { public static ActivationKind Kind => ActivationKind.GeluTanh; }
    private struct Hardtanh : IKind { public static ActivationKind Kind => ActivationKind.Hardtanh; public static float Alpha => -0.5f; public static float Beta => 0.8f; }
    private struct Hardsigmoid : IKind { public static ActivationKind Kind => ActivationKind.Hardsigmoid; public static float Alpha => 1f / 6f; public static float Beta => 0.5f; }
    private struct Silu : IKind { public static ActivationKind Kind => ActivationKind.Silu; }
    private struct Softsign : IKind { public static ActivationKind Kind => ActivationKind.Softsign; }
    private struct Linear : IKind { public static ActivationKind Kind => ActivationKind.Linear; }

    [Fact] public void Relu_matches_the_reference() => Check<Relu>();
    [Fact] public void Sigmoid_matches_the_reference() => Check<Sigmoid>();
    [Fact] public void Tanh_matches_the_reference() => Check<Tanh>();
    [Fact] public void Softmax_matches_the_reference() => Check<Softmax>();
    [Fact] public void Log_softmax_matches_the_reference() => Check<LogSoftmax>();
    [Fact] public void Leaky_relu_matches_the_reference() => Check<LeakyRelu>();
    [Fact] public void Prelu_matches_the_reference() => Check<Prelu>();
    [Fact] public void Elu_matches_the_reference() => Check<Elu>();
    [Fact] public void Gelu_matches_the_reference() => Check<Gelu>();
    [Fact] public void Gelu_tanh_matches_the_reference() => Check<GeluTanh>();
    [Fact] public void Hardtanh_matches_the_reference() => Check<Hardtanh>();
    [Fact] public void Hardsigmoid_matches_the_reference() => Check<Hardsigmoid>();
    [Fact] public void Silu_matches_the_reference() => Check<Silu>();
    [Fact] public void Softsign_matches_the_reference() => Check<Softsign>();
    [Fact] public void Linear_copies() => Check<Linear>();

    // Within 2e-6 · max(1, |f(x)|) of float64 over −20 … 20 in steps of 1/64 (tails of each vector included), and NaN for NaN.
    private static void Check<TKind>() where TKind : IKind
    {
        var f = new ActivationFunction(TKind.Kind, TKind.Alpha, TKind.Beta, TKind.Kind == ActivationKind.Prelu ? SlopeValues : null);
        const int inputStride = Size + 2, outputStride = Size + 1;
        float[] values = Enumerable.Range(-20 * 64, 40 * 64 + 1).Select(i => i / 64f).ToArray();
        int steps = (values.Length + Size - 1) / Size;
        var inputs = new float[steps * inputStride];
        for (int i = 0; i < values.Length; i++) inputs[i / Size * inputStride + i % Size] = values[i];
        var outputs = new float[steps * outputStride];
        outputs.AsSpan().Fill(42f);
        ActivationKernel.Forward<Act<TKind>>(inputs, inputStride, outputs, outputStride, steps);
        double worst = 0;
        for (int s = 0; s < steps; s++)
        {
            double[] expected = inputs.AsSpan(s * inputStride, Size).ToArray().Select(v => (double)v).ToArray();
            ActivationReference.Apply(f, expected);
            for (int j = 0; j < Size; j++)
            {
                double got = outputs[s * outputStride + j];
                double error = Math.Abs(got - expected[j]) / Math.Max(1, Math.Abs(expected[j]));
                Assert.True(error <= 2e-6, $"{TKind.Kind}({inputs[s * inputStride + j]}): {got} vs {expected[j]}");
                worst = Math.Max(worst, error);
            }

            Assert.Equal(42f, outputs[s * outputStride + Size]); // the gap after each row stays untouched
        }

        // In place, and NaN in, NaN out (row-wise: the whole row).
        float[] row = inputs.AsSpan(0, Size).ToArray();
        row[4] = float.NaN;
        ActivationKernel.Forward<Act<TKind>>(row, Size, row, Size, 1);
        Assert.True(float.IsNaN(row[4]), $"{TKind.Kind}(NaN) = {row[4]}");
        if (f.IsRowWise) Assert.All(row, v => Assert.True(float.IsNaN(v)));
    }

    [Fact]
    public void Erf_in_float64_matches_tabulated_values()
    {
        // Python 3.11 math.erf.
        (double X, double Erf)[] table =
        [
            (0, 0), (1e-8, 1.1283791670955126e-08), (0.1, 0.1124629160182849), (0.5, 0.5204998778130465),
            (1, 0.8427007929497149), (1.5, 0.9661051464753108), (2, 0.9953222650189527), (3, 0.9999779095030014),
            (4, 0.9999999845827421), (5.5, 0.9999999999999927), (-0.7, -0.6778011938374184), (6.5, 1), (-30, -1),
        ];
        foreach ((double x, double erf) in table)
            Assert.True(Math.Abs(Erf.Of(x) - erf) <= 1e-15 * Math.Abs(erf), $"erf({x}) = {Erf.Of(x):R}, expected {erf:R}");
        Assert.True(double.IsNaN(Erf.Of(double.NaN)));
    }

    private struct Norm : ILayerNormLayer
    {
        public static int Size => ActivationKernelTests.Size;
        public static float Epsilon => 1e-5f;
        public static ReadOnlySpan<float> Weight => Weights;
        public static ReadOnlySpan<float> Bias => Biases;
    }

    private struct PlainNorm : ILayerNormLayer
    {
        public static int Size => ActivationKernelTests.Size;
        public static float Epsilon => 0.5f;
        public static ReadOnlySpan<float> Weight => default;
        public static ReadOnlySpan<float> Bias => default;
    }

    private static readonly float[] Weights = Enumerable.Range(0, Size).Select(i => 0.3f + 0.1f * i).ToArray();
    private static readonly float[] Biases = Enumerable.Range(0, Size).Select(i => 0.05f * i - 0.25f).ToArray();

    [Fact] public void Layer_norm_matches_the_reference() => CheckLayerNorm<Norm>(new LayerNormLayerDescription(Size, 1e-5f, Weights, Biases));

    [Fact] public void Layer_norm_without_affine_matches_the_reference() => CheckLayerNorm<PlainNorm>(new LayerNormLayerDescription(Size, 0.5f, null, null));

    private static void CheckLayerNorm<TNorm>(LayerNormLayerDescription layer) where TNorm : ILayerNormLayer
    {
        var random = new Random(5);
        const int steps = 7, stride = Size + 3;
        var inputs = new float[steps * stride];
        // Rows with a large offset and a small spread, and one constant row (variance 0: eps alone).
        for (int s = 0; s < steps; s++)
            for (int j = 0; j < Size; j++)
                inputs[s * stride + j] = s == 3 ? 2.5f : (float)(s * 300 + random.NextDouble() * (s + 1));
        var outputs = (float[])inputs.Clone();
        LayerNormKernel.Forward<TNorm>(outputs, stride, outputs, stride, steps); // in place
        var reference = new LayerNormReference(layer);
        for (int s = 0; s < steps; s++)
        {
            double[] expected = reference.Step(inputs.AsSpan(s * stride, Size).ToArray().Select(v => (double)v).ToArray());
            for (int j = 0; j < Size; j++)
                Assert.True(Math.Abs(outputs[s * stride + j] - expected[j]) <= 2e-6 * Math.Max(1, Math.Abs(expected[j])), $"step {s} value {j}: {outputs[s * stride + j]} vs {expected[j]}");
        }
    }

    private static readonly BatchNormLayerDescription BatchNorm = new(Size, 1e-3f,
        Enumerable.Range(0, Size).Select(i => 0.4f * i - 2f).ToArray(), Enumerable.Range(0, Size).Select(i => 0.1f + 0.3f * i).ToArray(), Weights, Biases);

    private static readonly (float[] Scale, float[] Shift) Folded = BatchNorm.Folded();

    [Theory]
    [InlineData(ArithmeticOperator.Add)]
    [InlineData(ArithmeticOperator.Subtract)]
    [InlineData(ArithmeticOperator.SubtractFrom)]
    [InlineData(ArithmeticOperator.Multiply)]
    [InlineData(ArithmeticOperator.Divide)]
    public void Arithmetic_steps_match_the_reference(ArithmeticOperator op)
    {
        var random = new Random(8);
        const int steps = 4, inputStride = Size + 2, outputStride = Size + 1;
        float[] inputs = Enumerable.Range(0, steps * inputStride).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
        foreach (float[] values in new[] { new[] { 1.75f }, Enumerable.Range(0, Size).Select(i => 0.5f + 0.25f * i).ToArray() })
        {
            var outputs = new float[steps * outputStride];
            outputs.AsSpan().Fill(42f);
            ArithmeticKernel.Forward(inputs, inputStride, outputs, outputStride, steps, Size, op, values);
            var reference = new ArithmeticReference(new ArithmeticLayerDescription(Size, [new ArithmeticStep(op, values)]));
            for (int s = 0; s < steps; s++)
            {
                double[] expected = reference.Step(inputs.AsSpan(s * inputStride, Size).ToArray().Select(v => (double)v).ToArray());
                for (int j = 0; j < Size; j++)
                    Assert.Equal((float)expected[j], outputs[s * outputStride + j]); // one float operation: the correctly rounded result
                Assert.Equal(42f, outputs[s * outputStride + Size]);
            }
        }
    }

    [Fact]
    public void Folded_batch_norm_matches_the_reference()
    {
        var random = new Random(6);
        const int steps = 5;
        float[] inputs = Enumerable.Range(0, steps * Size).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
        var outputs = new float[inputs.Length];
        // As generated code computes a batch_norm: x · scale, then + shift, in place.
        ArithmeticKernel.Forward(inputs, Size, outputs, Size, steps, Size, ArithmeticOperator.Multiply, Folded.Scale);
        ArithmeticKernel.Forward(outputs, Size, outputs, Size, steps, Size, ArithmeticOperator.Add, Folded.Shift);
        var reference = new BatchNormReference(BatchNorm);
        for (int s = 0; s < steps; s++)
        {
            double[] expected = reference.Step(inputs.AsSpan(s * Size, Size).ToArray().Select(v => (double)v).ToArray());
            for (int j = 0; j < Size; j++)
                Assert.True(Math.Abs(outputs[s * Size + j] - expected[j]) <= 2e-6 * Math.Max(1, Math.Abs(expected[j])), $"step {s} value {j}: {outputs[s * Size + j]} vs {expected[j]}");
        }
    }
}
