namespace GruTiny.Kernels;

/// <summary>Activation of a dense layer.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
public enum DenseActivation
{
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
