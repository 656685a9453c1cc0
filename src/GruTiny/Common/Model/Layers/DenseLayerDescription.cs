namespace GruTiny.Model;

/// <summary>A dense layer y = act(W x + b): <c>weight</c> [out × in] as <c>nn.Linear</c> holds it.</summary>
internal sealed class DenseLayerDescription : LayerDescription
{
    private readonly int _hash;

    public DenseLayerDescription(int inputSize, int outputSize, ActivationFunction activation, float[] weight, float[]? bias)
        : base(inputSize, outputSize)
    {
        Activation = activation;
        Weight = weight;
        Bias = bias;
        _hash = (((inputSize * 31 + outputSize) * 31 + activation.GetHashCode()) * 31 + HashBits(weight)) * 31 + HashBits(bias);
    }

    public ActivationFunction Activation { get; }

    /// <summary>[out × in], row-major.</summary>
    public float[] Weight { get; }

    /// <summary>[out], or null when the file has none (zero).</summary>
    public float[]? Bias { get; }

    public override long ParameterCount => (long)Weight.Length + (Bias?.Length ?? 0) + Activation.ParameterCount;

    public override LayerDescription WithWeights(WeightMap map) =>
        new DenseLayerDescription(InputSize, OutputSize, Activation, map(Weight, OutputSize, InputSize, "weight"), Bias);

    public override bool Equals(LayerDescription? other) =>
        other is DenseLayerDescription o && _hash == o._hash && InputSize == o.InputSize && OutputSize == o.OutputSize
        && Activation.Equals(o.Activation) && SameBits(Weight, o.Weight) && SameBits(Bias, o.Bias);

    public override int GetHashCode() => _hash;
}
