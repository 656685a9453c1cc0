using System;

namespace GruTiny.Kernels;

/// <summary>A per-feature affine map y = x · scale + shift as a type (a batch normalisation, folded at build time).</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
public interface IAffineLayer
{
    /// <summary>Features per row.</summary>
    static abstract int Size { get; }

    /// <summary><see cref="Size"/> factors.</summary>
    static abstract ReadOnlySpan<float> Scale { get; }

    /// <summary><see cref="Size"/> offsets.</summary>
    static abstract ReadOnlySpan<float> Shift { get; }
}
