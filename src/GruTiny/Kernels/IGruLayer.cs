using System;

namespace GruTiny.Kernels;

/// <summary>
/// One GRU layer as a type: its sizes and its packed weights. Generated code declares one struct per layer
/// implementing this interface with constant sizes and weights embedded in the assembly; kernels are generic
/// over it, so the JIT compiles a copy of each kernel per layer in which every size is a constant (loops
/// specialise, bounds fold), much like a C++ template.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
public interface IGruLayer
{
    /// <summary>Input features of the layer.</summary>
    static abstract int InputSize { get; }

    /// <summary>Hidden units of the layer.</summary>
    static abstract int HiddenSize { get; }

    /// <summary>
    /// <see langword="true"/>: n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)) (PyTorch, cuDNN, Keras <c>reset_after=True</c>);
    /// <see langword="false"/>: n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn) (Cho et al. 2014, ONNX <c>linear_before_reset=0</c>).
    /// </summary>
    static abstract bool LinearBeforeReset { get; }

    /// <summary>
    /// ONNX's <c>clip</c>: each gate's input to its activation is clamped to [−Clip, Clip] first.
    /// <see cref="float.PositiveInfinity"/> (the default): no clipping, and no instruction spent on it.
    /// </summary>
    static virtual float Clip => float.PositiveInfinity;

    /// <summary>
    /// How the weight matrices are stored in <c>Weights</c> (KernelLayout): float32 (the default), float16, or int8
    /// with a float32 scale per row. A constant of the layer type, so each kernel is compiled for one type.
    /// </summary>
    static virtual GruWeightType WeightType => GruWeightType.Float32;

    /// <summary>
    /// Chunk <paramref name="index"/> of the packed weights (docs/design.md: blocks of 8 hidden units, cut into
    /// chunks of whole blocks of at most 64,000 bytes so that each stays on the runtime's frozen heap).
    /// </summary>
    static abstract ReadOnlySpan<float> Weights(int index);

    /// <summary>
    /// <see langword="true"/> when the chunks of each section lie back to back in memory, always at the same offsets
    /// from each other: chunk i + 1 of a section starts where chunk i ends (generated float32 layers, whose chunks
    /// are copied into one aligned block per layer). The kernels then find every block of a section as an offset
    /// from its first chunk, as they do for a section of one chunk, instead of looking up each block's chunk;
    /// they check the claim once per section, reading every chunk, and refuse a layer that breaks it.
    /// </summary>
    static virtual bool ContiguousSections => false;
}
