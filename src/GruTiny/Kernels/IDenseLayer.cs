using System;

namespace GruTiny.Kernels;

/// <summary>One dense layer as a type: sizes, activation and packed weights; see <see cref="IGruLayer"/>.</summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
public interface IDenseLayer
{
    /// <summary>Input features of the layer.</summary>
    static abstract int InputSize { get; }

    /// <summary>Outputs of the layer.</summary>
    static abstract int OutputSize { get; }

    /// <summary>The activation applied to W x + b.</summary>
    static abstract DenseActivation Activation { get; }

    /// <summary>
    /// How the weight matrices are stored in <c>Weights</c> (KernelLayout): float32 (the default), float16, or int8
    /// with a float32 scale per row. A constant of the layer type, so each kernel is compiled for one type.
    /// </summary>
    static virtual GruWeightType WeightType => GruWeightType.Float32;

    /// <summary>Chunk <paramref name="index"/> of the packed weights (blocks of 4 outputs, cut into chunks as for <see cref="IGruLayer.Weights"/>).</summary>
    static abstract ReadOnlySpan<float> Weights(int index);
}
