using System;

namespace GruTiny.Kernels;

/// <summary>The argument checks of the kernels that map rows to rows (activation, layer norm, affine).</summary>
internal static class RowChecks
{
    /// <summary>Throws unless <paramref name="steps"/> rows of <paramref name="size"/> values fit both spans at their strides.</summary>
    public static void Check(int size, ReadOnlySpan<float> inputs, int inputStride, ReadOnlySpan<float> outputs, int outputStride, int steps)
    {
        if (inputStride < size || inputs.Length < (long)(steps - 1) * inputStride + size) ThrowTooShort(nameof(inputs));
        if (outputStride < size || outputs.Length < (long)(steps - 1) * outputStride + size) ThrowTooShort(nameof(outputs));
    }

    /// <summary>Throws unless a per-feature vector of the layer type holds <paramref name="size"/> values (or none, where <paramref name="optional"/>).</summary>
    public static void CheckVector(ReadOnlySpan<float> vector, int size, bool optional, string name)
    {
        if (vector.Length != size && !(optional && vector.IsEmpty)) ThrowTooShort(name);
    }

    private static void ThrowTooShort(string paramName) =>
        throw new ArgumentException("The span is shorter than the layer shape requires.", paramName);
}
