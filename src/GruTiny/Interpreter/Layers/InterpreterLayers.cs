using System;
using GruTiny.Model;

namespace GruTiny.Interpreter.Layers;

/// <summary>The one place the interpreter dispatches over layer kinds.</summary>
internal static class InterpreterLayers
{
    /// <summary>The step of <paramref name="layer"/>'s kind; a kind without one is a bug in GruTiny, never skipped.</summary>
    public static InterpreterLayer For(LayerDescription layer) => layer switch
    {
        GruLayerDescription gru => new GruInterpreterLayer(gru),
        DenseLayerDescription dense => new DenseInterpreterLayer(dense),
        EmbeddingLayerDescription embedding => new EmbeddingInterpreterLayer(embedding),
        ActivationLayerDescription activation => new ActivationInterpreterLayer(activation),
        LayerNormLayerDescription norm => new LayerNormInterpreterLayer(norm),
        BatchNormLayerDescription norm => new BatchNormInterpreterLayer(norm),
        ArithmeticLayerDescription arithmetic => new ArithmeticInterpreterLayer(arithmetic),
        _ => throw new InvalidOperationException(
            $"The interpreter has no step for layer kind {layer.GetType().Name}: register it in InterpreterLayers.For (docs/design.md, \"Adding a layer kind\")."),
    };
}
