using System;
using GruTiny.Kernels;
using GruTiny.Model;

namespace GruTiny.Interpreter.Layers;

/// <summary>An arithmetic layer: its steps in float32, in order, as generated code computes them.</summary>
internal sealed class ArithmeticInterpreterLayer(ArithmeticLayerDescription layer) : InterpreterLayer(layer.OutputSize)
{
    public override void Step(ReadOnlySpan<float> x)
    {
        x.CopyTo(Output);
        foreach (ArithmeticStep step in layer.Steps)
            ArithmeticKernel.Forward(Output, Output.Length, Output, Output.Length, 1, Output.Length, step.Operator, step.Values);
    }
}
