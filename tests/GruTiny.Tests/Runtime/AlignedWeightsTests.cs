using System;
using System.Linq;
using System.Runtime.CompilerServices;
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
    public void The_copy_is_64_byte_aligned_holds_the_literal_floats_and_is_made_once(int count)
    {
        float[] floats = RandomFloats(count);
        string literal = new(MemoryMarshal.Cast<float, char>(floats));

        nint slot = 0;
        ReadOnlySpan<float> copy = AlignedWeights.Span(ref slot, literal, count);

        Assert.NotEqual(0, slot);
        Assert.Equal(0, slot % AlignedWeights.Alignment);
        Assert.Equal(Bits(floats), Bits(copy));
        nint first = slot;
        ReadOnlySpan<float> again = AlignedWeights.Span(ref slot, literal, count);
        Assert.Equal(first, slot);
        Assert.True(Unsafe.AreSame(ref MemoryMarshal.GetReference(copy), ref MemoryMarshal.GetReference(again)));
    }

    [Fact]
    public void Threads_racing_for_the_first_use_all_get_the_one_published_copy()
    {
        float[] floats = RandomFloats(1_000);
        string literal = new(MemoryMarshal.Cast<float, char>(floats));
        for (int round = 0; round < 50; round++)
        {
            var slot = new nint[1];
            nint[] seen = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8)
                .Select(_ =>
                {
                    ReadOnlySpan<float> span = AlignedWeights.Span(ref slot[0], literal, floats.Length);
                    Assert.Equal(Bits(floats), Bits(span));
                    return slot[0];
                })
                .ToArray();
            Assert.All(seen, address => Assert.Equal(slot[0], address));
        }
    }

    [Fact]
    public void A_literal_of_another_length_is_refused()
    {
        string literal = new(MemoryMarshal.Cast<float, char>(RandomFloats(5)));
        nint slot = 0;
        var error = Assert.Throws<ArgumentException>(() => AlignedWeights.Span(ref slot, literal, 6).Length);
        Assert.Contains("holds 5 floats, not 6", error.Message);
        Assert.Equal(0, slot);
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

    private static float[] RandomFloats(int count)
    {
        var random = new Random(count);
        var floats = new float[count];
        for (int i = 0; i < count; i++) floats[i] = (float)(random.NextDouble() * 2 - 1);
        if (count > 0) floats[0] = float.NegativeZero;
        return floats;
    }

    private static int[] Bits(ReadOnlySpan<float> values) => MemoryMarshal.Cast<float, int>(values).ToArray();
}
