using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GruTiny.Model;

namespace GruTiny.Kernels;

/// <summary>An embedding row stored in a quantised weight type (KernelLayout.PackEmbedding), read back as floats.</summary>
[EditorBrowsable(EditorBrowsableState.Never)] // for generated code only
public static class EmbeddingRows
{
    /// <summary>
    /// Writes the <paramref name="destination"/>.Length values of a stored row: scale · q for int8 (the float32
    /// product the quantiser defines), the halves' values for float16.
    /// </summary>
    public static void Dequantize(ReadOnlySpan<float> row, Span<float> destination, GruWeightType weights)
    {
        int dimension = destination.Length;
        if (row.Length < KernelLayout.EmbeddingRowFloats(dimension, weights))
            throw new ArgumentException("The stored row is shorter than the embedding's dimension requires.", nameof(row));
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(row);
        switch (weights)
        {
            case GruWeightType.Int8:
                float scale = row[0];
                for (int i = 0; i < dimension; i++) destination[i] = WeightQuantizer.Int8Value((sbyte)bytes[4 + i], scale);
                break;
            case GruWeightType.Float16:
                for (int i = 0; i < dimension; i++)
                    destination[i] = HalfBits.ToSingle(Unsafe.ReadUnaligned<ushort>(ref Unsafe.AsRef(in bytes[2 * i])));
                break;
            default:
                row.Slice(0, dimension).CopyTo(destination);
                break;
        }
    }
}
