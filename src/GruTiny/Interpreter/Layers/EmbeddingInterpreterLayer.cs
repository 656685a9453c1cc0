using System;
using GruTiny.Model;

namespace GruTiny.Interpreter.Layers;

/// <summary>A token embedding (layer 0): the step's input is the token id, already checked by the caller; the output is its row.</summary>
internal sealed class EmbeddingInterpreterLayer(EmbeddingLayerDescription embedding) : InterpreterLayer(embedding.Dimension)
{
    public override void Step(ReadOnlySpan<float> x) =>
        embedding.Weight.AsSpan((int)x[0] * embedding.Dimension, embedding.Dimension).CopyTo(Output);
}
