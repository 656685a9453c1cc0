using System;
using System.Runtime.InteropServices;
using GruTiny.Kernels;
using Xunit;

namespace GruTiny.Tests.Runtime;

/// <summary>The aligned copies generated layers read their weights from.</summary>
public sealed class AlignedWeightsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(72)]
    [InlineData(16_000)]
    public void A_copy_is_64_byte_aligned_and_holds_the_literal_floats(int count)
    {
        var random = new Random(count);
        var floats = new float[count];
        for (int i = 0; i < count; i++) floats[i] = (float)(random.NextDouble() * 2 - 1);
        if (count > 0) floats[0] = float.NegativeZero;
        string literal = new(MemoryMarshal.Cast<float, char>(floats));

        nint address = AlignedWeights.Copy(literal);
        ReadOnlySpan<float> copy = AlignedWeights.Span(address, count);

        Assert.Equal(0, address % AlignedWeights.Alignment);
        Assert.Equal(
            MemoryMarshal.Cast<float, int>(floats).ToArray(),
            MemoryMarshal.Cast<float, int>(copy).ToArray());
    }

    [Fact]
    public void A_literal_is_only_float_aligned_which_is_why_it_is_copied()
    {
        // The premise of the copy: characters of a string start 12 bytes into the object (8-byte aligned), so
        // no literal's floats are 8-byte aligned, let alone 32.
        string literal = new('\u1234', 64);
        GCHandle handle = GCHandle.Alloc(literal, GCHandleType.Pinned);
        try
        {
            Assert.Equal(4, handle.AddrOfPinnedObject() % 8);
        }
        finally
        {
            handle.Free();
        }
    }
}
