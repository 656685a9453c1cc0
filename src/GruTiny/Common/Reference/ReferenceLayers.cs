using System;

namespace GruTiny.Model.Reference;

/// <summary>The one place the float64 reference dispatches over layer kinds.</summary>
internal static class ReferenceLayers
{
    /// <summary>The equations of <paramref name="layer"/>'s kind; a kind without them is a bug in GruTiny, never skipped.</summary>
    public static ReferenceLayer For(LayerDescription layer) => layer switch
    {
        GruLayerDescription gru => new GruReference(gru),
        DenseLayerDescription dense => new DenseReference(dense),
        EmbeddingLayerDescription embedding => new EmbeddingReference(embedding),
        ActivationLayerDescription activation => new ActivationLayerReference(activation),
        LayerNormLayerDescription norm => new LayerNormReference(norm),
        BatchNormLayerDescription norm => new BatchNormReference(norm),
        ArithmeticLayerDescription arithmetic => new ArithmeticReference(arithmetic),
        _ => throw new InvalidOperationException(
            $"The float64 reference has no equations for layer kind {layer.GetType().Name}: register it in ReferenceLayers.For (docs/design.md, \"Adding a layer kind\")."),
    };
}
