namespace GruTiny.Kernels;

/// <summary>An element-wise (or, for softmax and log_softmax, row-wise) activation function.</summary>
/// <remarks>The one enum of activations: the model description holds it (with its parameters, in
/// <c>ActivationFunction</c>), the reference, the kernels and the interpreter switch on it, and generated code names
/// its members. Public in the library (generated code in the user's assembly uses it), internal in the generator.
/// <see cref="DenseActivation"/> is the subset the dense kernel applies in its own loop.</remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
#if GRUTINY_GENERATOR
internal
#else
public
#endif
enum ActivationKind
{
    /// <summary>y = x.</summary>
    Linear = 0,

    /// <summary>y = max(0, x).</summary>
    Relu = 1,

    /// <summary>y = 1 / (1 + exp(−x)).</summary>
    Sigmoid = 2,

    /// <summary>y = tanh x.</summary>
    Tanh = 3,

    /// <summary>y = softmax(x) over the row.</summary>
    Softmax = 4,

    /// <summary>y = x for x ≥ 0, α·x below (α: negative_slope).</summary>
    LeakyRelu = 5,

    /// <summary>y = x for x ≥ 0, a·x below, with a learned slope a per feature (or one for all).</summary>
    Prelu = 6,

    /// <summary>y = x for x &gt; 0, α·(exp x − 1) below.</summary>
    Elu = 7,

    /// <summary>y = x·Φ(x) = ½·x·(1 + erf(x/√2)).</summary>
    Gelu = 8,

    /// <summary>y = ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): GELU's tanh approximation.</summary>
    GeluTanh = 9,

    /// <summary>y = min(max(x, α), β) (α: min_val, β: max_val).</summary>
    Hardtanh = 10,

    /// <summary>y = max(0, min(1, α·x + β)).</summary>
    Hardsigmoid = 11,

    /// <summary>y = x·sigmoid(x) (SiLU, swish).</summary>
    Silu = 12,

    /// <summary>y = x / (1 + |x|).</summary>
    Softsign = 13,

    /// <summary>y = x − max − log Σ exp(x − max) over the row.</summary>
    LogSoftmax = 14,
}
