using System;
using GruTiny.Kernels;

namespace GruTiny.Model;

/// <summary>
/// A validated model: the input size and the layers with their tensors in PyTorch's layout (row-major,
/// gates r, z, n). Immutable and compared by value, bit for bit, so that the generator's incremental pipeline
/// can cache on it.
/// </summary>
internal sealed class ModelDescription : IEquatable<ModelDescription>
{
    private readonly int _hash;

    public ModelDescription(int inputSize, LayerDescription[] layers, Normalization? inputNormalization = null, Normalization? outputNormalization = null)
    {
        InputSize = inputSize;
        Layers = layers;
        InputNormalization = inputNormalization;
        OutputNormalization = outputNormalization;
        int hash = inputSize;
        foreach (LayerDescription layer in layers) hash = hash * 31 + layer.GetHashCode();
        _hash = (hash * 31 + (inputNormalization?.GetHashCode() ?? 0)) * 31 + (outputNormalization?.GetHashCode() ?? 0);
    }

    /// <summary>x' = (x − mean) / std before layer 0, or null.</summary>
    public Normalization? InputNormalization { get; }

    /// <summary>y = y' · std + mean after the last layer, or null.</summary>
    public Normalization? OutputNormalization { get; }

    public int InputSize { get; }

    public LayerDescription[] Layers { get; }

    /// <summary>The embedding when the model takes tokens (its first layer is one), else null.</summary>
    public EmbeddingLayerDescription? Embedding => Layers[0] as EmbeddingLayerDescription;

    /// <summary>Values per step of the float API: 1 (the token id) for a token model, else InputSize.</summary>
    public int StepInputWidth => Embedding is null ? InputSize : 1;

    /// <summary>Outputs per step: the last layer's width.</summary>
    public int OutputSize => Layers[Layers.Length - 1].OutputSize;

    /// <summary>Floats of recurrent state: every GRU layer's hidden size, added up.</summary>
    public int StateSize
    {
        get
        {
            int size = 0;
            foreach (LayerDescription layer in Layers)
                if (layer is GruLayerDescription gru) size += gru.HiddenSize;
            return size;
        }
    }

    /// <summary>Number of weights and biases present in the file.</summary>
    public long ParameterCount
    {
        get
        {
            long count = 0;
            foreach (LayerDescription layer in Layers) count += layer.ParameterCount;
            return count;
        }
    }

    public bool Equals(ModelDescription? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (_hash != other._hash || InputSize != other.InputSize || Layers.Length != other.Layers.Length) return false;
        if (!Equals(InputNormalization, other.InputNormalization) || !Equals(OutputNormalization, other.OutputNormalization)) return false;
        for (int i = 0; i < Layers.Length; i++)
            if (!Layers[i].Equals(other.Layers[i])) return false;
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as ModelDescription);

    public override int GetHashCode() => _hash;
}

/// <summary>A layer of a <see cref="ModelDescription"/>.</summary>
internal abstract class LayerDescription : IEquatable<LayerDescription>
{
    protected LayerDescription(int inputSize, int outputSize)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
    }

    public int InputSize { get; }

    public int OutputSize { get; }

    public abstract long ParameterCount { get; }

    public abstract bool Equals(LayerDescription? other);

    public override bool Equals(object? obj) => Equals(obj as LayerDescription);

    public override abstract int GetHashCode();

    /// <summary>Bitwise equality of two optional tensors (so that −0 and 0, or two NaN payloads, differ).</summary>
    internal static bool SameBits(float[]? a, float[]? b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a is null || b is null || a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
            if (Bits(a[i]) != Bits(b[i])) return false;
        return true;
    }

    internal static int HashBits(float[]? a)
    {
        if (a is null) return 0;
        int hash = a.Length;
        for (int i = 0; i < a.Length; i++) hash = hash * 16777619 ^ Bits(a[i]);
        return hash;
    }

    private static int Bits(float value) => FloatBits.ToInt32(value);
}

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

    public override bool Equals(LayerDescription? other) =>
        other is EmbeddingLayerDescription o && _hash == o._hash && InputSize == o.InputSize && OutputSize == o.OutputSize && SameBits(Weight, o.Weight);

    public override int GetHashCode() => _hash;
}

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

/// <summary>A dense layer y = act(W x + b): <c>weight</c> [out × in] as <c>nn.Linear</c> holds it.</summary>
internal sealed class DenseLayerDescription : LayerDescription
{
    private readonly int _hash;

    public DenseLayerDescription(int inputSize, int outputSize, DenseActivation activation, float[] weight, float[]? bias)
        : base(inputSize, outputSize)
    {
        Activation = activation;
        Weight = weight;
        Bias = bias;
        _hash = (((inputSize * 31 + outputSize) * 8 + (int)activation) * 31 + HashBits(weight)) * 31 + HashBits(bias);
    }

    public DenseActivation Activation { get; }

    /// <summary>[out × in], row-major.</summary>
    public float[] Weight { get; }

    /// <summary>[out], or null when the file has none (zero).</summary>
    public float[]? Bias { get; }

    public override long ParameterCount => (long)Weight.Length + (Bias?.Length ?? 0);

    public override bool Equals(LayerDescription? other) =>
        other is DenseLayerDescription o && _hash == o._hash && InputSize == o.InputSize && OutputSize == o.OutputSize
        && Activation == o.Activation && SameBits(Weight, o.Weight) && SameBits(Bias, o.Bias);

    public override int GetHashCode() => _hash;
}

/// <summary>An element-wise affine map in raw units: mean and standard deviation per feature (std &gt; 0).</summary>
internal sealed class Normalization : IEquatable<Normalization>
{
    public Normalization(float[] mean, float[] std)
    {
        Mean = mean;
        Std = std;
    }

    public float[] Mean { get; }

    public float[] Std { get; }

    public bool Equals(Normalization? other) =>
        other is not null && LayerDescription.SameBits(Mean, other.Mean) && LayerDescription.SameBits(Std, other.Std);

    public override bool Equals(object? obj) => Equals(obj as Normalization);

    public override int GetHashCode() => LayerDescription.HashBits(Mean) * 31 + LayerDescription.HashBits(Std);
}
