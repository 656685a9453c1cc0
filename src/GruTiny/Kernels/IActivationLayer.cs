using System;

namespace GruTiny.Kernels;

/// <summary>
/// An activation as a type: its width, its function and the function's parameters, constants the JIT folds into
/// <see cref="ActivationKernel"/>. An activation layer declares one; so does a dense layer whose activation the dense
/// kernel does not apply itself.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
public interface IActivationLayer
{
    /// <summary>Values per row.</summary>
    static abstract int Size { get; }

    /// <summary>The function.</summary>
    static abstract ActivationKind Kind { get; }

    /// <summary>leaky_relu: negative_slope; elu: alpha; hardtanh: min_val; hardsigmoid: alpha; else unused.</summary>
    static abstract float Alpha { get; }

    /// <summary>hardtanh: max_val; hardsigmoid: beta; else unused.</summary>
    static abstract float Beta { get; }

    /// <summary>prelu: one slope per value of a row (<see cref="Size"/> of them); else empty.</summary>
    static abstract ReadOnlySpan<float> Slopes { get; }
}
