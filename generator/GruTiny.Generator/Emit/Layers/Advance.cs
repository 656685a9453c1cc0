namespace GruTiny.Generator.Emit.Layers;

/// <summary>
/// Where the layers of <c>__GruTiny_Advance</c> read and write, as <see cref="ModelEmitter"/> laid the buffers out
/// (<see cref="WorkLayout"/>): each layer reads <see cref="Source"/>, writes rows of its own, and leaves them as the
/// next layer's source; the last layer writes the caller's <c>outputs</c>.
/// </summary>
internal sealed class Advance
{
    public Advance(string[] hiddenBuffers, string[] denseBuffers, string extraBufferOffset, int layerCount)
    {
        HiddenBuffers = hiddenBuffers;
        DenseBuffers = denseBuffers;
        ExtraBufferOffset = extraBufferOffset;
        LayerCount = layerCount;
    }

    /// <summary>Rows of hidden states, used in turn by the GRU layers.</summary>
    public string[] HiddenBuffers { get; }

    /// <summary>Rows of intermediate outputs, used in turn by the layers other than GRUs that are not last.</summary>
    public string[] DenseBuffers { get; }

    /// <summary>Where the buffer after the hidden and dense rows starts (the embedding's or the normalised input's).</summary>
    public string ExtraBufferOffset { get; }

    public int LayerCount { get; }

    /// <summary>
    /// A model that reads whole sequences (SequenceModelEmitter): <c>n</c> is the whole sequence, every layer reads and
    /// writes <see cref="DenseBuffers"/> of the workspace in turn, and a GRU runs its directions over them in chunks.
    /// </summary>
    public bool Sequence { get; init; }

    /// <summary>The span the next layer reads, one row of <see cref="SourceStride"/> floats per step.</summary>
    public string Source { get; set; } = "inputs";

    public string SourceStride { get; set; } = "InputSize";

    /// <summary>Where the next stateful layer's state starts in the model's state.</summary>
    public int StateOffset { get; set; }

    /// <summary>GRU layers emitted so far (they take <see cref="HiddenBuffers"/> in turn).</summary>
    public int HiddenUsed { get; set; }

    /// <summary>Layers other than GRUs emitted so far that were not last (they take <see cref="DenseBuffers"/> in turn).</summary>
    public int DenseUsed { get; set; }

    public bool IsLast(int index) => index == LayerCount - 1;

    /// <summary>
    /// Where a layer that writes rows of its own (all but a GRU) writes: the caller's <c>outputs</c> when it is last,
    /// else the next of <see cref="DenseBuffers"/>, which is never the one it reads (they alternate).
    /// </summary>
    public (string Target, string Stride) RowsFor(int index) => IsLast(index)
        ? ("outputs", "OutputSize")
        : (DenseBuffers[DenseUsed++ % DenseBuffers.Length], "__GruTiny_DenseStride");

    /// <summary>The rows just written become the next layer's source.</summary>
    public void Wrote(string target, string stride)
    {
        Source = target;
        SourceStride = stride;
    }
}
