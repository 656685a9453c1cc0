namespace GruTiny.Kernels;

/// <summary>The activations the dense kernel applies inside its own loop (<c>DenseLayerKernel</c>): the values of
/// <see cref="ActivationKind"/> it shares. A dense layer with another activation runs with <see cref="Linear"/> and
/// the activation kernel after it.</summary>
/// <remarks>Public in the library (generated code in the user's assembly uses it), internal in the generator.</remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
#if GRUTINY_GENERATOR
internal
#else
public
#endif
enum DenseActivation
{
    // The same numbers as ActivationKind's members of the same names.
    /// <summary>y = W x + b.</summary>
    Linear = 0,

    /// <summary>y = max(0, W x + b).</summary>
    Relu = 1,

    /// <summary>y = 1 / (1 + exp(−(W x + b))).</summary>
    Sigmoid = 2,

    /// <summary>y = tanh(W x + b).</summary>
    Tanh = 3,

    /// <summary>y = softmax(W x + b) over the layer's outputs.</summary>
    Softmax = 4,
}
