using System;
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
        Span<float> y = Output;
        for (int j = 0; j < y.Length; j++)
        {
            float scaled = x[j] * _scale[j];
            y[j] = scaled + _shift[j];
        }
    }
}
