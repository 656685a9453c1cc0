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

    // A GRU layer's chunks go into one aligned copy per layer, a section's chunks back to back
    // (KernelLayout.ChunkOffsets), which is what lets the kernels find its blocks by an offset (IGruLayer.ContiguousSections).
    [Fact]
    public void A_layer_copy_holds_each_chunk_at_its_offset_and_each_section_from_a_64_byte_boundary()
    {
        int blocks = 15;
        int[] blockLengths = [24 * 17, 8 + 24 * 120]; // 16 → 120: one input chunk, three recurrent ones
        float[][] chunks = GruTiny.Model.KernelLayout.Chunk(RandomFloats(blocks * (blockLengths[0] + blockLengths[1])), blocks, blockLengths);
        int[] offsets = GruTiny.Model.KernelLayout.ChunkOffsets(blocks, blockLengths, out int length);
        Assert.Equal(4, chunks.Length);
        // The input section is 15 × 408 = 6120 floats; the recurrent one starts at the next multiple of 16 floats (64 bytes).
        Assert.Equal([0, 6128, 6128 + 5 * 2888, 6128 + 10 * 2888], offsets);
        Assert.Equal(6128 + 15 * 2888, length);

        string[] literals = chunks.Select(c => new string(MemoryMarshal.Cast<float, char>(c))).ToArray();
        var slots = new nint[chunks.Length];
        nint layer = 0;
        for (int c = chunks.Length - 1; c >= 0; c--) // any order: the first chunk asked for allocates the copy
        {
            ReadOnlySpan<float> copy = AlignedWeights.Span(ref slots[c], ref layer, length, offsets[c], literals[c], chunks[c].Length);
            Assert.Equal(Bits(chunks[c]), Bits(copy));
            Assert.Equal(layer + AlignedWeights.Alignment + offsets[c] * sizeof(float), slots[c]); // after the copy's length
        }

        Assert.Equal(0, layer % AlignedWeights.Alignment);
        nint published = slots[2];
        AlignedWeights.Span(ref slots[2], ref layer, length, offsets[2], literals[2], chunks[2].Length);
        Assert.Equal(published, slots[2]);
    }

    [Fact]
    public void Threads_racing_for_a_layer_copy_all_get_one_copy_with_every_chunk()
    {
        int[] lengths = [1_000, 1_000, 360];
        float[][] chunks = lengths.Select((n, i) => RandomFloats(n + i)).ToArray();
        string[] literals = chunks.Select(c => new string(MemoryMarshal.Cast<float, char>(c))).ToArray();
        int[] offsets = [0, chunks[0].Length, chunks[0].Length + chunks[1].Length];
        int total = offsets[2] + chunks[2].Length;
        for (int round = 0; round < 50; round++)
        {
            var slots = new nint[3];
            var layer = new nint[1];
            nint[] seen = Enumerable.Range(0, 9).AsParallel().WithDegreeOfParallelism(8)
                .Select(i =>
                {
                    int c = i % 3;
                    ReadOnlySpan<float> span = AlignedWeights.Span(ref slots[c], ref layer[0], total, offsets[c], literals[c], chunks[c].Length);
                    Assert.Equal(Bits(chunks[c]), Bits(span));
                    return layer[0];
                })
                .ToArray();
            Assert.All(seen, address => Assert.Equal(layer[0], address));
            for (int c = 0; c < 3; c++) Assert.Equal(layer[0] + AlignedWeights.Alignment + offsets[c] * sizeof(float), slots[c]);
        }
    }

    [Fact]
    public void A_chunk_that_does_not_fit_in_its_layer_copy_is_refused()
    {
        string literal = new(MemoryMarshal.Cast<float, char>(RandomFloats(5)));
        nint slot = 0, layer = 0;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => AlignedWeights.Span(ref slot, ref layer, 9, 5, literal, 5).Length);
        Assert.Contains("A chunk of 5 floats at 5 does not fit in a layer of 9 floats", error.Message);
        Assert.Equal(0, slot);
        Assert.Equal(0, layer);
    }

    [Fact]
    public void A_chunk_that_gives_its_layer_another_length_than_the_copy_has_is_refused()
    {
        string literal = new(MemoryMarshal.Cast<float, char>(RandomFloats(5)));
        nint first = 0, second = 0, layer = 0;
        AlignedWeights.Span(ref first, ref layer, 10, 0, literal, 5);
        var error = Assert.Throws<ArgumentException>(() => AlignedWeights.Span(ref second, ref layer, 20, 15, literal, 5).Length);
        Assert.Contains("The layer's copy holds 10 floats, not 20", error.Message);
        Assert.Equal(0, second);
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
