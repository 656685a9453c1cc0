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

    /// <summary>
    /// The start of section <paramref name="section"/> (0, 1 or 2) of a GRU layer when the section is a single chunk, checked
    /// to hold every block; otherwise a null reference. Found once per step, it makes <see cref="GruBlock{TLayer}"/>
    /// an offset from it: finding each block's chunk (a call into the generated layer, a division and a length check
    /// per strip) took about a tenth of a step of 8 → 64 + 4 at 128 bits, compiled without tiering.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float GruSection<TLayer>(int section) where TLayer : IGruLayer
    {
        if (!OneChunk<TLayer>(section)) return ref Unsafe.NullRef<float>();
        ReadOnlySpan<float> chunk = TLayer.Weights(FirstChunk<TLayer>(section));
        if (chunk.Length < KernelLayout.GruBlocks(TLayer.HiddenSize) * SectionLength<TLayer>(section)) ThrowMissing();
        return ref MemoryMarshal.GetReference(chunk);
    }

    /// <summary>
    /// Block <paramref name="block"/> of section <paramref name="section"/> of a GRU layer, from the section's
    /// <see cref="GruSection{TLayer}"/> (a single chunk) or else from its chunk (<see cref="Gru{TLayer}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float GruBlock<TLayer>(ref float start, int section, int block) where TLayer : IGruLayer
    {
        if (OneChunk<TLayer>(section)) return ref Unsafe.Add(ref start, block * SectionLength<TLayer>(section));
        return ref GruInChunks<TLayer>(section, block);
    }

    /// <summary>Whether every block of section <paramref name="section"/> is in its first chunk (a constant of the layer type).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool OneChunk<TLayer>(int section) where TLayer : IGruLayer =>
        KernelLayout.ChunkCount(KernelLayout.GruBlocks(TLayer.HiddenSize), SectionLength<TLayer>(section)) == 1;

    // Not inlined: a layer of several chunks per section is large enough for a call per block not to matter, and every
    // inlined helper adds locals to the kernel that inlines it (past RyuJIT's limit of tracked locals, accumulators
    // live on the stack).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ref float GruInChunks<TLayer>(int section, int block) where TLayer : IGruLayer =>
        ref Gru<TLayer>(FirstChunk<TLayer>(section), SectionLength<TLayer>(section), block);

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
