using System;
using GruTiny.Model;

namespace GruTiny.Interpreter.Layers;

/// <summary>An activation layer.</summary>
internal sealed class ActivationInterpreterLayer(ActivationLayerDescription layer) : InterpreterLayer(layer.OutputSize)
{
    public override void Step(ReadOnlySpan<float> x)
    {
        x.CopyTo(Output);
        ActivationSteps.Apply(layer.Activation, Output);
    }
}
