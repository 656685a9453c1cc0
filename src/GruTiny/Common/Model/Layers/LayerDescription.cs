using System;

namespace GruTiny.Model;

/// <summary>Maps a [rows × columns] row-major weight matrix named <paramref name="name"/> (<c>weight_ih</c>) to the values to use instead.</summary>
internal delegate float[] WeightMap(float[] values, int rows, int columns, string name);

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

    /// <summary>Floats of recurrent state the layer keeps between steps (0: none).</summary>
    public virtual int StateSize => 0;

    /// <summary>
    /// The layer with each weight matrix that a weight type quantises replaced by <paramref name="map"/>(values,
    /// rows, columns, tensor name): GRU and dense weight matrices, an embedding's table (by row). Biases,
    /// normalisation and activation parameters and initial states are never quantised (they are few, and they
    /// shift or scale activations directly), so those kinds return themselves. Abstract so that a new kind decides.
    /// </summary>
    public abstract LayerDescription WithWeights(WeightMap map);

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
