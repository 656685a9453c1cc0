using System;
using System.Numerics.Tensors;
using GruTiny.Kernels;
using GruTiny.Model;

namespace GruTiny.Interpreter.Layers;

/// <summary>The activations for the interpreter, in place: TensorPrimitives where it has the function, plain loops otherwise.</summary>
internal static class ActivationSteps
{
    public static void Apply(ActivationFunction f, Span<float> y)
    {
        switch (f.Kind)
        {
            case ActivationKind.Linear: break;
            case ActivationKind.Relu: TensorPrimitives.Max(y, 0f, y); break;
            case ActivationKind.Sigmoid: TensorPrimitives.Sigmoid(y, y); break;
            case ActivationKind.Tanh: TensorPrimitives.Tanh(y, y); break;
            case ActivationKind.Softmax:
                // Shift by the maximum first: TensorPrimitives.SoftMax computes e^x / Σ e^x as it is, which
                // overflows to ∞/∞ = NaN above x ≈ 88 (the generated kernel shifts too).
                TensorPrimitives.Subtract(y, TensorPrimitives.Max(y), y);
                TensorPrimitives.SoftMax(y, y);
                break;
            case ActivationKind.LogSoftmax:
                float max = TensorPrimitives.Max(y);
                TensorPrimitives.Subtract(y, max, y);
                float sum = 0f;
                foreach (float v in y) sum += MathF.Exp(v);
                TensorPrimitives.Subtract(y, MathF.Log(sum), y);
                break;
            default:
                for (int j = 0; j < y.Length; j++) y[j] = Element(f, y[j], j);
                break;
        }
    }

    private static float Element(ActivationFunction f, float x, int j)
    {
        if (float.IsNaN(x)) return x;
        switch (f.Kind)
        {
            case ActivationKind.LeakyRelu: return x >= 0f ? x : f.Alpha * x;
            case ActivationKind.Prelu: return x >= 0f ? x : f.Slope(j) * x;
            case ActivationKind.Elu: return x > 0f ? x : f.Alpha * (MathF.Exp(x) - 1f);
            case ActivationKind.Gelu: return 0.5f * x * (1f + ScalarMath.Erf(x * 0.70710678118654752f));
            case ActivationKind.GeluTanh: return 0.5f * x * (1f + MathF.Tanh(0.7978845608028654f * (x + 0.044715f * x * x * x)));
            case ActivationKind.Hardtanh: return Math.Min(Math.Max(x, f.Alpha), f.Beta);
            case ActivationKind.Hardsigmoid: return Math.Min(Math.Max(f.Alpha * x + f.Beta, 0f), 1f);
            case ActivationKind.Silu: return x / (1f + MathF.Exp(-x));
            case ActivationKind.Softsign: return x / (1f + Math.Abs(x));
            default: throw new InvalidOperationException($"The interpreter has no step for activation {f.Kind}.");
        }
    }
}
