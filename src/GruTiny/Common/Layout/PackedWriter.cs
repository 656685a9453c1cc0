using System;

namespace GruTiny.Model;

/// <summary>
/// A weight matrix as the packer reads it in a weight type: its float32 values, or the int8 values and per-row
/// scales, or the float16 bits, all by <see cref="WeightQuantizer"/>'s one rule.
/// </summary>
internal sealed class QuantizedMatrix
{
    private readonly float[] _values;
    private readonly int _columns;
    private readonly float[]? _scales;

    public QuantizedMatrix(float[] values, int rows, int columns, GruWeightType type)
    {
        _values = values;
        _columns = columns;
        Type = type;
        if (type == GruWeightType.Int8)
        {
            _scales = new float[rows];
            for (int r = 0; r < rows; r++) _scales[r] = WeightQuantizer.Int8Scale(values, r * columns, columns);
        }
    }

    public GruWeightType Type { get; }

    /// <summary>The int8 scale of row <paramref name="row"/>.</summary>
    public float Scale(int row) => _scales![row];

    public float Float(int row, int column) => _values[row * _columns + column];

    public sbyte Int8(int row, int column) => WeightQuantizer.Int8(_values[row * _columns + column], _scales![row]);

    public ushort Half(int row, int column) => HalfBits.FromSingle(_values[row * _columns + column]);
}

/// <summary>
/// Writes a packed layer: float32 biases and scales, and weights of the layer's type (little-endian bytes), as the
/// 32-bit words the generator embeds bit for bit. Words, never floats: a quantised block's columns are bytes, whose
/// words may be signalling-NaN patterns, and a float passed through x87 registers (a 32-bit .NET Framework compiler
/// host returns floats in ST0) comes back quieted, one byte changed.
/// </summary>
internal sealed class PackedWriter(int floats, GruWeightType type)
{
    private readonly byte[] _bytes = new byte[4L * floats];
    private int _at;

    public void Float(float value) => Bytes(unchecked((uint)FloatBits.ToInt32(value)), 4);

    /// <summary>The weight at (<paramref name="row"/>, <paramref name="column"/>) of <paramref name="matrix"/>; row −1 is a padding lane (zero).</summary>
    public void Weight(QuantizedMatrix matrix, int row, int column)
    {
        switch (type)
        {
            case GruWeightType.Int8:
                Bytes(row < 0 ? 0u : unchecked((byte)matrix.Int8(row, column)), 1);
                break;
            case GruWeightType.Float16:
                Bytes(row < 0 ? 0u : matrix.Half(row, column), 2);
                break;
            default:
                Float(row < 0 ? 0f : matrix.Float(row, column));
                break;
        }
    }

    /// <summary>Zero bytes (to the end of a float).</summary>
    public void Padding(int bytes) => _at += bytes;

    private void Bytes(uint value, int count)
    {
        for (int i = 0; i < count; i++) _bytes[_at++] = (byte)(value >> (8 * i));
    }

    public uint[] Finish(string kind)
    {
        if (_at != _bytes.Length) throw new InvalidOperationException($"{kind} packing length mismatch.");
        var packed = new uint[_bytes.Length / 4];
        for (int i = 0; i < packed.Length; i++)
            packed[i] = (uint)(_bytes[4 * i] | _bytes[4 * i + 1] << 8 | _bytes[4 * i + 2] << 16 | _bytes[4 * i + 3] << 24);
        return packed;
    }
}
