namespace GruTiny.Model;

/// <summary>
/// Layer normalisation over the features of each step, as <c>nn.LayerNorm(features)</c> and ONNX
/// <c>LayerNormalization</c> over the last axis compute it: y = (x − mean) / √(var + eps) · weight + bias, with the
/// biased variance.
/// </summary>
internal sealed class LayerNormLayerDescription : LayerDescription
{
    private readonly int _hash;

    public LayerNormLayerDescription(int size, float epsilon, float[]? weight, float[]? bias)
        : base(size, size)
    {
        Epsilon = epsilon;
        Weight = weight;
        Bias = bias;
        _hash = ((size * 31 + FloatBits.ToInt32(epsilon)) * 31 + HashBits(weight)) * 31 + HashBits(bias);
    }

    /// <summary>Added to the variance (&gt; 0 or 0).</summary>
    public float Epsilon { get; }

    /// <summary>[features], or null (ones: <c>elementwise_affine=False</c>).</summary>
    public float[]? Weight { get; }

    /// <summary>[features], or null (zeros).</summary>
    public float[]? Bias { get; }

    // Its parameters shift or scale activations directly and are few: never quantised.
    public override LayerDescription WithWeights(WeightMap map) => this;

    public override long ParameterCount => (long)(Weight?.Length ?? 0) + (Bias?.Length ?? 0);

    public override bool Equals(LayerDescription? other) =>
        other is LayerNormLayerDescription o && _hash == o._hash && InputSize == o.InputSize
        && FloatBits.ToInt32(Epsilon) == FloatBits.ToInt32(o.Epsilon) && SameBits(Weight, o.Weight) && SameBits(Bias, o.Bias);

    public override int GetHashCode() => _hash;
}
