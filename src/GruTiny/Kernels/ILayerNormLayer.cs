using System;

namespace GruTiny.Kernels;

/// <summary>A layer normalisation as a type: width, epsilon, and the optional affine weight and bias.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
public interface ILayerNormLayer
{
    /// <summary>Features per row.</summary>
    static abstract int Size { get; }

    /// <summary>Added to the variance.</summary>
    static abstract float Epsilon { get; }

    /// <summary><see cref="Size"/> weights, or empty (ones).</summary>
    static abstract ReadOnlySpan<float> Weight { get; }

    /// <summary><see cref="Size"/> biases, or empty (zeros).</summary>
    static abstract ReadOnlySpan<float> Bias { get; }
}
