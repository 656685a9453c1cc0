using System;

namespace GruTiny.Model;

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
