using System;
using GruTiny.Model;

namespace GruTiny.Interpreter.Layers;

/// <summary>A dense layer and its activation with TensorPrimitives.</summary>
internal sealed class DenseInterpreterLayer(DenseLayerDescription layer) : InterpreterLayer(layer.OutputSize)
{
    public override void Step(ReadOnlySpan<float> x)
    {
        Span<float> y = Output;
        MatVec(layer.Weight, layer.Bias, x, y);
        ActivationSteps.Apply(layer.Activation, y);
    }
}
