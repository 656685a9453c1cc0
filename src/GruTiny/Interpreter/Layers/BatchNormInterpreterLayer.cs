using System;
using GruTiny.Kernels;
using GruTiny.Model;

namespace GruTiny.Interpreter.Layers;

/// <summary>Batch normalisation (inference mode), folded into y = x · scale + shift as generated code folds it.</summary>
internal sealed class BatchNormInterpreterLayer : InterpreterLayer
{
    private readonly float[] _scale, _shift;

    public BatchNormInterpreterLayer(BatchNormLayerDescription layer)
        : base(layer.OutputSize) => (_scale, _shift) = layer.Folded();

    public override void Step(ReadOnlySpan<float> x)
    {
        int size = Output.Length;
        ArithmeticKernel.Forward(x, size, Output, size, 1, size, ArithmeticOperator.Multiply, _scale);
        ArithmeticKernel.Forward(Output, size, Output, size, 1, size, ArithmeticOperator.Add, _shift);
    }
}
