using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GruTiny.Model;

namespace GruTiny.Kernels;

/// <summary>Finds a block of packed weights in its chunk (see <see cref="KernelLayout.Chunk"/>).</summary>
internal static class WeightBlocks
{
    /// <summary>
    /// A reference to block <paramref name="block"/> of the section whose blocks are
    /// <paramref name="blockLength"/> floats and whose first chunk is <paramref name="firstChunk"/>.
    /// </summary>
    /// <remarks>Called once per block, outside the inner loops; checks the chunk really holds the block.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float Gru<TLayer>(int firstChunk, int blockLength, int block) where TLayer : IGruLayer
    {
        int perChunk = KernelLayout.BlocksPerChunk(blockLength);
        int offset = block % perChunk * blockLength;
        ReadOnlySpan<float> chunk = TLayer.Weights(firstChunk + block / perChunk);
        if (chunk.Length < offset + blockLength) ThrowMissing();
        return ref Unsafe.Add(ref MemoryMarshal.GetReference(chunk), offset);
    }

    /// <inheritdoc cref="Gru{TLayer}"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float Dense<TLayer>(int blockLength, int block) where TLayer : IDenseLayer
    {
        int perChunk = KernelLayout.BlocksPerChunk(blockLength);
        int offset = block % perChunk * blockLength;
        ReadOnlySpan<float> chunk = TLayer.Weights(block / perChunk);
        if (chunk.Length < offset + blockLength) ThrowMissing();
        return ref Unsafe.Add(ref MemoryMarshal.GetReference(chunk), offset);
    }

    /// <summary>Chunks before section <paramref name="section"/> (0, 1 or 2) of a GRU layer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FirstChunk<TLayer>(int section) where TLayer : IGruLayer
    {
        int blocks = KernelLayout.GruBlocks(TLayer.HiddenSize);
        int first = 0;
        if (section > 0) first += KernelLayout.ChunkCount(blocks, SectionLength<TLayer>(0));
        if (section > 1) first += KernelLayout.ChunkCount(blocks, SectionLength<TLayer>(1));
        return first;
    }

    /// <summary>Block length of section <paramref name="section"/> of a GRU layer (<see cref="KernelLayout.GruSectionBlockLength"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SectionLength<TLayer>(int section) where TLayer : IGruLayer =>
        KernelLayout.GruSectionBlockLength(section, TLayer.InputSize, TLayer.HiddenSize, TLayer.LinearBeforeReset, TLayer.WeightType);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowMissing() =>
        throw new InvalidOperationException("The layer's weight chunks do not match its shape; regenerate the model with the matching GruTiny version.");
}
