using System;
using System.Linq;
using System.Runtime.Intrinsics;
using GruTiny.Kernels;
using GruTiny.Kernels.Simd;
using GruTiny.Model;
using Xunit;

namespace GruTiny.Tests.Runtime;

/// <summary>
/// The quantisation rule (WeightQuantizer, HalfBits: shared by the generator and the interpreter) against .NET's own
/// <see cref="Half"/> and the rule's definition, and the kernels' vector conversions against the scalar ones.
/// </summary>
public sealed class QuantizationTests
{
    [Fact]
    public void Every_half_converts_to_the_float_System_Half_gives()
    {
        for (int bits = 0; bits <= 0xFFFF; bits++)
        {
            Half half = BitConverter.UInt16BitsToHalf((ushort)bits);
            float expected = (float)half, actual = HalfBits.ToSingle((ushort)bits);
            if (float.IsNaN(expected)) Assert.True(float.IsNaN(actual), $"0x{bits:X4}");
            else Assert.Equal(BitConverter.SingleToUInt32Bits(expected), BitConverter.SingleToUInt32Bits(actual));
        }
    }

    [Fact]
    public void Floats_round_to_the_half_System_Half_gives()
    {
        // Every half's value and its neighbours (the ties and the floats one ulp either side of them), then random bits.
        var random = new Random(5);
        for (int bits = 0; bits < 0x7C00; bits++)
        {
            float value = HalfBits.ToSingle((ushort)bits);
            float next = HalfBits.ToSingle((ushort)(bits + 1));
            float tie = (float)(((double)value + next) / 2);
            foreach (float f in new[] { value, tie, BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(tie) + 1), BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(tie) - 1) })
            {
                AssertSameHalf(f);
                AssertSameHalf(-f);
            }
        }

        for (int i = 0; i < 200_000; i++) AssertSameHalf(BitConverter.UInt32BitsToSingle((uint)random.NextInt64(0, 1L << 32)));

        // The top of the range: 65504 is the largest half, 65520 the tie between it and infinity (which rounds up),
        // and the quantiser's overflow test agrees with the conversion.
        foreach (float f in new[] { 65504f, 65519.996f, 65520f, 65536f, float.MaxValue, float.PositiveInfinity, 5.9604645E-08f, 2.9802322E-08f, 2.9802326E-08f, 0f })
        {
            AssertSameHalf(f);
            AssertSameHalf(-f);
            bool overflows = (HalfBits.FromSingle(f) & 0x7FFF) == 0x7C00;
            var model = new ModelDescription(1, [new DenseLayerDescription(1, 1, new ActivationFunction(ActivationKind.Linear), [-f], null)]);
            if (!float.IsInfinity(f)) Assert.Equal(overflows, WeightQuantizer.Float16Overflow(model) is not null);
        }

        static void AssertSameHalf(float f)
        {
            ushort expected = BitConverter.HalfToUInt16Bits((Half)f), actual = HalfBits.FromSingle(f);
            if (float.IsNaN(f)) Assert.True((actual & 0x7C00) == 0x7C00 && (actual & 0x3FF) != 0, $"NaN {f}");
            else Assert.True(expected == actual, $"{f:R} (0x{BitConverter.SingleToUInt32Bits(f):X8}): 0x{actual:X4}, System.Half 0x{expected:X4}");
        }
    }

    [Fact]
    public void The_vector_half_loads_are_exact_for_every_finite_half()
    {
        var bytes = new byte[16];
        for (int bits = 0; bits < 0x10000; bits++)
        {
            if ((bits & 0x7C00) == 0x7C00) continue; // infinities and NaN never occur (refused by the quantiser)
            for (int lane = 0; lane < 8; lane++) BitConverter.TryWriteBytes(bytes.AsSpan(2 * lane), (ushort)(lane % 2 == 0 ? bits : bits ^ 0x8000));
            float expected = HalfBits.ToSingle((ushort)bits), negated = HalfBits.ToSingle((ushort)(bits ^ 0x8000));
            Vector128<float> narrow = Simd128.LoadHalf(ref bytes[0]);
            for (int lane = 0; lane < 4; lane++)
                Assert.Equal(BitConverter.SingleToUInt32Bits(lane % 2 == 0 ? expected : negated), BitConverter.SingleToUInt32Bits(narrow.GetElement(lane)));
            if (!Vector256.IsHardwareAccelerated) continue;
            Vector256<float> wide = Simd256.LoadHalf(ref bytes[0]);
            for (int lane = 0; lane < 8; lane++)
                Assert.Equal(BitConverter.SingleToUInt32Bits(lane % 2 == 0 ? expected : negated), BitConverter.SingleToUInt32Bits(wide.GetElement(lane)));
        }
    }

    [Fact]
    public void The_vector_int8_loads_give_every_value_in_every_lane()
    {
        var bytes = new byte[8];
        for (int value = -128; value <= 127; value++)
        {
            for (int lane = 0; lane < 8; lane++) bytes[lane] = unchecked((byte)(sbyte)(lane % 2 == 0 ? value : -value - 1));
            Vector128<float> narrow = Simd128.LoadInt8(ref bytes[0]);
            for (int lane = 0; lane < 4; lane++) Assert.Equal(lane % 2 == 0 ? value : -value - 1, narrow.GetElement(lane));
            if (!Vector256.IsHardwareAccelerated) continue;
            Vector256<float> wide = Simd256.LoadInt8(ref bytes[0]);
            for (int lane = 0; lane < 8; lane++) Assert.Equal(lane % 2 == 0 ? value : -value - 1, wide.GetElement(lane));
        }
    }

    [Fact]
    public void Int8_rows_follow_the_rule()
    {
        // scale = max|w| / 127 (here exactly 0.25); q = round half to even (w / scale); the largest magnitude is ±127.
        float[] row = [0.375f, 0.625f, -0.125f, 0.1f, -31.75f, 12.3f, 0f];
        float scale = WeightQuantizer.Int8Scale(row, 0, row.Length);
        Assert.Equal(0.25f, scale);
        Assert.Equal(new sbyte[] { 2, 2, 0, 0, -127, 49, 0 }, Array.ConvertAll(row, w => WeightQuantizer.Int8(w, scale)));

        // A row of zeros: scale 0, every q 0, and the dequantised row stays zero.
        float[] zeros = new float[5];
        Assert.Equal(0f, WeightQuantizer.Int8Scale(zeros, 0, 5));
        Assert.All(WeightQuantizer.Dequantized(zeros, 1, 5, GruWeightType.Int8), v => Assert.Equal(0f, v));

        // Dequantised = scale · q rounded once to float32, row by row.
        float[] matrix = [0.3f, -0.7f, 0.1f, 4f, 2f, -1f];
        float[] values = WeightQuantizer.Dequantized(matrix, 2, 3, GruWeightType.Int8);
        for (int r = 0; r < 2; r++)
        {
            float s = WeightQuantizer.Int8Scale(matrix, 3 * r, 3);
            for (int c = 0; c < 3; c++) Assert.Equal(s * WeightQuantizer.Int8(matrix[3 * r + c], s), values[3 * r + c]);
        }
    }

    [Fact]
    public void Float16_overflow_and_flush_to_zero_are_found_and_named()
    {
        var dense = new DenseLayerDescription(2, 2, new ActivationFunction(ActivationKind.Linear), [1f, 65519.99f, 1e-8f, -2e-8f], null);
        var model = new ModelDescription(2, [dense]);
        Assert.Null(WeightQuantizer.Float16Overflow(model)); // 65519.99 rounds to 65504
        string flushed = WeightQuantizer.Float16FlushedToZero(model)!;
        Assert.Contains("2 weights", flushed);
        Assert.Contains("layers[0].weight[1][1] = -2E-08", flushed);

        var big = new DenseLayerDescription(2, 1, new ActivationFunction(ActivationKind.Linear), [1f, -65520f], null);
        string overflow = WeightQuantizer.Float16Overflow(new ModelDescription(2, [big]))!;
        Assert.Contains("layers[0].weight[0][1] is -65520", overflow);
        Assert.Contains("65504", overflow);
    }

    [Theory]
    [InlineData(GruWeightType.Int8, true)]
    [InlineData(GruWeightType.Int8, false)]
    [InlineData(GruWeightType.Float16, true)]
    [InlineData(GruWeightType.Float16, false)]
    public void Packed_weights_are_the_interpreters_dequantised_weights_bit_for_bit(GruWeightType type, bool linearBeforeReset)
    {
        // What the generator embeds (KernelLayout's packers) read back by the layout's definition, against what the
        // interpreter computes with (WeightQuantizer.Dequantized): the same q, scales and halves, for every weight.
        const int input = 5, hidden = 11, dense = 6, vocabulary = 7, dimension = 9;
        var random = new Random(17);
        float[] Random(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
        float[] wih = Random(3 * hidden * input, 0.7), whh = Random(3 * hidden * hidden, 0.3), wd = Random(dense * hidden, 2), emb = Random(vocabulary * dimension, 1.5);
        wih[4] = 0; Array.Clear(whh, 2 * hidden, hidden); // a zero weight, and a row of zeros (scale 0)

        byte[] gru = Bytes(KernelLayout.PackGru(input, hidden, linearBeforeReset, wih, whh, null, null, type));
        float[] ih = WeightQuantizer.Dequantized(wih, 3 * hidden, input, type), hh = WeightQuantizer.Dequantized(whh, 3 * hidden, hidden, type);
        int blocks = KernelLayout.GruBlocks(hidden), at = 0;
        // Each section: per block, its header (bias floats, then int8 scales per row) and one column per input or unit.
        void Section(int section, int columns, float[] expected, int firstGate)
        {
            int bias = KernelLayout.GruSectionBiasFloats(section, linearBeforeReset), rows = KernelLayout.GruSectionRows(section, linearBeforeReset);
            for (int b = 0; b < blocks; b++)
            {
                int scales = at + 4 * bias, weights = scales + (type == GruWeightType.Int8 ? 4 * rows : 0);
                for (int k = 0; k < columns; k++)
                    for (int row = 0; row < rows; row++)
                    {
                        int unit = b * 8 + row % 8, gate = firstGate + row / 8, index = k * rows + row;
                        float value = type == GruWeightType.Int8
                            ? WeightQuantizer.Int8Value((sbyte)gru[weights + index], BitConverter.ToSingle(gru, scales + 4 * row))
                            : HalfBits.ToSingle(BitConverter.ToUInt16(gru, weights + 2 * index));
                        float want = unit < hidden ? expected[(gate * hidden + unit) * columns + k] : 0f;
                        Assert.Equal(BitConverter.SingleToUInt32Bits(want), BitConverter.SingleToUInt32Bits(value));
                    }

                at += 4 * KernelLayout.GruSectionBlockLength(section, input, hidden, linearBeforeReset, type);
            }
        }

        Section(0, input, ih, 0);
        Section(1, hidden, hh, 0);
        if (!linearBeforeReset) Section(2, hidden, hh, 2);
        Assert.Equal(gru.Length, at);

        byte[] packedDense = Bytes(KernelLayout.PackDense(hidden, dense, wd, null, type));
        float[] denseValues = WeightQuantizer.Dequantized(wd, dense, hidden, type);
        int header = KernelLayout.DenseHeaderFloats(type), blockBytes = 4 * KernelLayout.DenseBlockLength(hidden, type);
        for (int row = 0; row < dense; row++)
            for (int k = 0; k < hidden; k++)
            {
                int block = row / 4 * blockBytes, index = 4 * k + row % 4;
                float value = type == GruWeightType.Int8
                    ? WeightQuantizer.Int8Value((sbyte)packedDense[block + 4 * header + index], BitConverter.ToSingle(packedDense, block + 16 + 4 * (row % 4)))
                    : HalfBits.ToSingle(BitConverter.ToUInt16(packedDense, block + 4 * header + 2 * index));
                Assert.Equal(BitConverter.SingleToUInt32Bits(denseValues[row * hidden + k]), BitConverter.SingleToUInt32Bits(value));
            }

        // Embedding rows through the kernel that reads them (EmbeddingRows.Dequantize).
        float[] packedEmbedding = KernelLayout.Floats(KernelLayout.PackEmbedding(emb, vocabulary, dimension, type));
        float[] embeddingValues = WeightQuantizer.Dequantized(emb, vocabulary, dimension, type);
        int rowFloats = KernelLayout.EmbeddingRowFloats(dimension, type);
        Assert.Equal(vocabulary * rowFloats, packedEmbedding.Length);
        var stored = new float[dimension];
        for (int t = 0; t < vocabulary; t++)
        {
            GruTiny.Kernels.EmbeddingRows.Dequantize(packedEmbedding.AsSpan(t * rowFloats, rowFloats), stored, type);
            Assert.Equal(embeddingValues.AsSpan(t * dimension, dimension).ToArray().Select(BitConverter.SingleToUInt32Bits), stored.Select(BitConverter.SingleToUInt32Bits));
        }
    }

    private static byte[] Bytes(uint[] words)
    {
        var bytes = new byte[4 * words.Length];
        Buffer.BlockCopy(words, 0, bytes, 0, bytes.Length);
        return bytes;
    }

    [Fact]
    public void Quantised_layers_read_their_literals_in_place()
    {
        uint[] words = [0x7FC00001, 0x807F7F81, 0, 0x3F800000];  // a signalling-NaN pattern of int8 bytes survives
        string literal = new(System.Runtime.InteropServices.MemoryMarshal.Cast<uint, char>(words));
        ReadOnlySpan<float> span = GruTiny.Kernels.LiteralWeights.Span(literal, words.Length);
        Assert.Equal(words, System.Runtime.InteropServices.MemoryMarshal.Cast<float, uint>(span).ToArray());
        Assert.True(System.Runtime.CompilerServices.Unsafe.AreSame(
            ref System.Runtime.CompilerServices.Unsafe.AsRef(in System.Runtime.InteropServices.MemoryMarshal.GetReference(span)),
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(System.Runtime.InteropServices.MemoryMarshal.Cast<char, float>(literal.AsSpan()))));
        Assert.Contains("holds 4 floats, not 5", Assert.Throws<ArgumentException>(() => GruTiny.Kernels.LiteralWeights.Span(literal, 5)).Message);
    }

    [Fact]
    public void Weight_type_names_parse()
    {
        Assert.Equal(GruWeightType.Int8, WeightQuantizer.Parse(" INT8 "));
        Assert.Equal(GruWeightType.Float16, WeightQuantizer.Parse("fp16"));
        Assert.Equal(GruWeightType.Float32, WeightQuantizer.Parse("float32"));
        Assert.Null(WeightQuantizer.Parse("int4"));
        Assert.Null(WeightQuantizer.Parse(null));
    }
}
