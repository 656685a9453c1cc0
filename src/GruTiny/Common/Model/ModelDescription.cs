using System;

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

    /// <summary>
    /// Whether the model can run step by step: every GRU layer runs forward. A model with a reverse or bidirectional
    /// GRU reads whole sequences (its output at step t depends on later steps).
    /// </summary>
    public bool Streams
    {
        get
        {
            foreach (LayerDescription layer in Layers)
                if (layer is GruLayerDescription { Direction: not GruDirection.Forward }) return false;
            return true;
        }
    }

    /// <summary>Outputs per step: the last layer's width.</summary>
    public int OutputSize => Layers[Layers.Length - 1].OutputSize;

    /// <summary>Floats of recurrent state: every stateful layer's state (a GRU's hidden size), added up.</summary>
    public int StateSize
    {
        get
        {
            int size = 0;
            foreach (LayerDescription layer in Layers) size += layer.StateSize;
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
