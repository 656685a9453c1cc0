namespace GruTiny.Model;

/// <summary>An activation as a layer of its own: y = f(x), as many outputs as inputs.</summary>
internal sealed class ActivationLayerDescription : LayerDescription
{
    public ActivationLayerDescription(int size, ActivationFunction activation)
        : base(size, size)
    {
        Activation = activation;
    }

    public ActivationFunction Activation { get; }

    // Its parameters shift or scale activations directly and are few: never quantised.
    public override LayerDescription WithWeights(WeightMap map) => this;

    public override long ParameterCount => Activation.ParameterCount;

    public override bool Equals(LayerDescription? other) =>
        other is ActivationLayerDescription o && InputSize == o.InputSize && Activation.Equals(o.Activation);

    public override int GetHashCode() => InputSize * 31 + Activation.GetHashCode();
}
