namespace GruTiny.Model;

/// <summary>
/// A token embedding, only ever the first layer: step input is a token id t in [0, V), and the layer's output
/// is row t of <see cref="Weight"/> ([V × D], as <c>nn.Embedding.weight</c>); no multiplication.
/// </summary>
internal sealed class EmbeddingLayerDescription : LayerDescription
{
    private readonly int _hash;

    public EmbeddingLayerDescription(int vocabularySize, int dimension, float[] weight)
        : base(vocabularySize, dimension)
    {
        Weight = weight;
        _hash = (vocabularySize * 31 + dimension) * 31 + HashBits(weight) + 17;
    }

    public int VocabularySize => InputSize;

    public int Dimension => OutputSize;

    /// <summary>[V × D], row-major.</summary>
    public float[] Weight { get; }

    public override long ParameterCount => Weight.Length;

    public override LayerDescription WithWeights(WeightMap map) =>
        new EmbeddingLayerDescription(VocabularySize, Dimension, map(Weight, VocabularySize, Dimension, "weight"));

    public override bool Equals(LayerDescription? other) =>
        other is EmbeddingLayerDescription o && _hash == o._hash && InputSize == o.InputSize && OutputSize == o.OutputSize && SameBits(Weight, o.Weight);

    public override int GetHashCode() => _hash;
}
