using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
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
    /// The start of section <paramref name="section"/> (0, 1 or 2) of a GRU layer when every block of it is an offset
    /// from there: the section is a single chunk, checked to hold every block, or its chunks are back to back
    /// (<see cref="IGruLayer.ContiguousSections"/>, checked once per section and process); otherwise a null reference.
    /// Found once per step, it makes <see cref="GruBlock{TLayer}"/> an offset from it: finding each block's chunk (a
    /// call into the generated layer, a division and a length check per strip) took about a tenth of a step of
    /// 8 → 64 + 4 at 128 bits, compiled without tiering, and 3–9% of one of 16 → 128 + 16 and 32 → 256 × 2 + 1,
    /// whose recurrent sections take 4 and 16 chunks (bench/RESULTS.md).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float GruSection<TLayer>(int section) where TLayer : IGruLayer
    {
        if (OneChunk<TLayer>(section))
        {
            ReadOnlySpan<float> chunk = TLayer.Weights(FirstChunk<TLayer>(section));
            if (chunk.Length < KernelLayout.GruBlocks(TLayer.HiddenSize) * SectionLength<TLayer>(section)) ThrowMissing();
            return ref MemoryMarshal.GetReference(chunk);
        }

        if (!TLayer.ContiguousSections) return ref Unsafe.NullRef<float>();
        if ((Volatile.Read(ref ContiguousChecked<TLayer>.Sections) & (1 << section)) == 0) CheckContiguous<TLayer>(section);
        return ref MemoryMarshal.GetReference(TLayer.Weights(FirstChunk<TLayer>(section)));
    }

    /// <summary>
    /// Block <paramref name="block"/> of section <paramref name="section"/> of a GRU layer, from the section's
    /// <see cref="GruSection{TLayer}"/> (a single chunk, or chunks back to back) or else from its chunk (<see cref="Gru{TLayer}"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref float GruBlock<TLayer>(ref float start, int section, int block) where TLayer : IGruLayer
    {
        if (OneChunk<TLayer>(section) || TLayer.ContiguousSections) return ref Unsafe.Add(ref start, block * SectionLength<TLayer>(section));
        return ref GruInChunks<TLayer>(section, block);
    }

    /// <summary>Whether every block of section <paramref name="section"/> is in its first chunk (a constant of the layer type).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool OneChunk<TLayer>(int section) where TLayer : IGruLayer =>
        KernelLayout.ChunkCount(KernelLayout.GruBlocks(TLayer.HiddenSize), SectionLength<TLayer>(section)) == 1;

    // Not inlined: a layer of several chunks per section is large enough for a call per block not to matter, and every
    // inlined helper adds locals to the kernel that inlines it (past RyuJIT's limit of tracked locals, accumulators
    // live on the stack).
    [MethodImpl(KernelRoot.Options)] // called by the kernels once per block: optimised from its first call too
    private static ref float GruInChunks<TLayer>(int section, int block) where TLayer : IGruLayer =>
        ref Gru<TLayer>(FirstChunk<TLayer>(section), SectionLength<TLayer>(section), block);

    /// <summary>The sections of <typeparamref name="TLayer"/> whose chunks were found back to back (bit s: section s).</summary>
    private static class ContiguousChecked<TLayer> where TLayer : IGruLayer
    {
        // No static constructor and a default value: reading it needs no initialisation check, in Native AOT too.
        public static int Sections;
    }

    /// <summary>
    /// Reads every chunk of section <paramref name="section"/> (which makes each chunk's aligned copy, if it is not
    /// made yet) and checks that each holds its blocks and starts where the one before ends; a layer whose
    /// chunks are not where it says they are is refused, never read past its chunks.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void CheckContiguous<TLayer>(int section) where TLayer : IGruLayer
    {
        int blocks = KernelLayout.GruBlocks(TLayer.HiddenSize), length = SectionLength<TLayer>(section);
        int perChunk = KernelLayout.BlocksPerChunk(length), first = FirstChunk<TLayer>(section);
        ref float start = ref MemoryMarshal.GetReference(TLayer.Weights(first));
        for (int c = 0; c * perChunk < blocks; c++)
        {
            ReadOnlySpan<float> chunk = TLayer.Weights(first + c);
            if (chunk.Length < Math.Min(perChunk, blocks - c * perChunk) * length
                || !Unsafe.AreSame(ref MemoryMarshal.GetReference(chunk), ref Unsafe.Add(ref start, c * perChunk * length)))
                ThrowNotContiguous();
        }

        Interlocked.Or(ref ContiguousChecked<TLayer>.Sections, 1 << section);
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
    private static void ThrowNotContiguous() =>
        throw new InvalidOperationException("The layer says its weight chunks lie back to back, and they do not; regenerate the model with the matching GruTiny version.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowMissing() =>
        throw new InvalidOperationException("The layer's weight chunks do not match its shape; regenerate the model with the matching GruTiny version.");
}
