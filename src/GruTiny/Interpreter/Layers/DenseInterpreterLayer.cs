using System;
using System.Numerics.Tensors;
using GruTiny.Kernels;
using GruTiny.Model;

namespace GruTiny.Interpreter.Layers;

/// <summary>A dense layer and its activation with TensorPrimitives.</summary>
internal sealed class DenseInterpreterLayer(DenseLayerDescription layer) : InterpreterLayer(layer.OutputSize)
{
    public override void Step(ReadOnlySpan<float> x)
    {
        Span<float> y = Output;
        MatVec(layer.Weight, layer.Bias, x, y);
        switch (layer.Activation)
        {
            case DenseActivation.Linear: break;
            case DenseActivation.Relu: TensorPrimitives.Max(y, 0f, y); break;
            case DenseActivation.Sigmoid: TensorPrimitives.Sigmoid(y, y); break;
            case DenseActivation.Tanh: TensorPrimitives.Tanh(y, y); break;
            case DenseActivation.Softmax:
                // Shift by the maximum first: TensorPrimitives.SoftMax computes e^x / Σ e^x as it is, which
                // overflows to ∞/∞ = NaN above x ≈ 88 (the generated kernel shifts too).
                TensorPrimitives.Subtract(y, TensorPrimitives.Max(y), y);
                TensorPrimitives.SoftMax(y, y);
                break;
            default: throw new InvalidOperationException($"The interpreter has no step for dense activation {layer.Activation}.");
        }
    }
}
