using System;

namespace GruTiny.Model;

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
