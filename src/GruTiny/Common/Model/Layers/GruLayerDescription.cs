namespace GruTiny.Model;

/// <summary>A GRU layer: tensors exactly as PyTorch's <c>nn.GRU</c> holds them (gates r, z, n).</summary>
internal sealed class GruLayerDescription : LayerDescription
{
    private readonly int _hash;

    public GruLayerDescription(
        int inputSize, int hiddenSize, bool linearBeforeReset,
        float[] weightIh, float[] weightHh, float[]? biasIh, float[]? biasHh)
        : base(inputSize, hiddenSize)
    {
        LinearBeforeReset = linearBeforeReset;
        WeightIh = weightIh;
        WeightHh = weightHh;
        BiasIh = biasIh;
        BiasHh = biasHh;
        _hash = ((((inputSize * 31 + hiddenSize) * 2 + (linearBeforeReset ? 1 : 0)) * 31 + HashBits(weightIh)) * 31
            + HashBits(weightHh)) * 31 + HashBits(biasIh) * 7 + HashBits(biasHh);
    }

    public int HiddenSize => OutputSize;

    public override int StateSize => HiddenSize;

    public bool LinearBeforeReset { get; }

    /// <summary>[3H × in], row-major.</summary>
    public float[] WeightIh { get; }

    /// <summary>[3H × H], row-major.</summary>
    public float[] WeightHh { get; }

    /// <summary>[3H], or null when the file has none (zero).</summary>
    public float[]? BiasIh { get; }

    /// <summary>[3H], or null when the file has none (zero).</summary>
    public float[]? BiasHh { get; }

    public override long ParameterCount =>
        (long)WeightIh.Length + WeightHh.Length + (BiasIh?.Length ?? 0) + (BiasHh?.Length ?? 0);

    public override bool Equals(LayerDescription? other) =>
        other is GruLayerDescription o && _hash == o._hash && InputSize == o.InputSize && HiddenSize == o.HiddenSize
        && LinearBeforeReset == o.LinearBeforeReset && SameBits(WeightIh, o.WeightIh) && SameBits(WeightHh, o.WeightHh)
        && SameBits(BiasIh, o.BiasIh) && SameBits(BiasHh, o.BiasHh);

    public override int GetHashCode() => _hash;
}
