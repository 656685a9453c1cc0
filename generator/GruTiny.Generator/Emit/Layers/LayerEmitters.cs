using System;
using GruTiny.Model;

namespace GruTiny.Generator.Emit.Layers;

/// <summary>The one place the generator dispatches over layer kinds.</summary>
internal static class LayerEmitters
{
    /// <summary>The emitter of <paramref name="layer"/>'s kind; a kind without one is a bug in GruTiny (GRUT099), never skipped.</summary>
    /// <param name="sequence">The layer is part of a model that reads whole sequences (<see cref="ModelDescription.Streams"/> false).</param>
    /// <param name="weights">How the layer's weight matrices are stored (a kind without any ignores it).</param>
    public static LayerEmitter For(LayerDescription layer, bool sequence = false, GruWeightType weights = GruWeightType.Float32) => layer switch
    {
        GruLayerDescription gru => new GruLayerEmitter(gru, sequence, weights),
        DenseLayerDescription dense => new DenseLayerEmitter(dense, weights),
        EmbeddingLayerDescription embedding => new EmbeddingLayerEmitter(embedding, weights),
        ActivationLayerDescription activation => new ActivationLayerEmitter(activation),
        LayerNormLayerDescription norm => new LayerNormLayerEmitter(norm),
        BatchNormLayerDescription norm => new BatchNormLayerEmitter(norm),
        ArithmeticLayerDescription arithmetic => new ArithmeticLayerEmitter(arithmetic),
        _ => throw new InvalidOperationException(
            $"The generator has no emitter for layer kind {layer.GetType().Name}: register it in LayerEmitters.For (docs/design.md, \"Adding a layer kind\")."),
    };
}
