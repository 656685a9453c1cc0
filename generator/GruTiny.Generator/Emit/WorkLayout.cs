using System;
using System.Collections.Generic;
using System.Linq;
using GruTiny.Generator.Emit.Layers;
using GruTiny.Model;

namespace GruTiny.Generator.Emit;

/// <summary>
/// The stack working memory of generated <c>Step</c>/<c>Run</c>: how it is cut into buffers and how many steps
/// <c>Run</c> processes per chunk, so that a call never uses more than <see cref="MaxStackFloats"/> floats of
/// stack whatever T is.
/// </summary>
/// <remarks>
/// Per step of a chunk: the gate rows of the widest GRU layer (3·HS), one or two rows of hidden states
/// (layer k writes, layer k+1 reads), one or two rows of intermediate outputs of the other layers (dense,
/// activation, normalisation; they alternate), and a row of outputs
/// for <c>RunFinal</c>. Fixed: the scratch of <c>linear_before_reset=false</c> layers (2·HS).
/// </remarks>
internal sealed class WorkLayout
{
    /// <summary>Budget for a chunk's buffers: 24 KiB, leaving room under the 32 KiB promise for the frames.</summary>
    public const int ChunkBudgetFloats = 6 * 1024;

    /// <summary>The most stack one call's buffers may take: 28 KiB, so that with the kernels' frames a call stays under 32 KiB.</summary>
    public const int MaxStackFloats = 7 * 1024;

    /// <summary>More steps per chunk stop paying off: the input weights are already streamed once per 64 steps.</summary>
    public const int MaxChunkSteps = 64;

    public WorkLayout(ModelDescription model)
    {
        // Each layer says what it needs (LayerEmitter.Plan); the buffers are planned here, and only here.
        var needs = new Needs();
        int beforeLast = 0;
        foreach (LayerDescription layer in model.Layers)
        {
            beforeLast = needs.DenseOutputs.Count;
            LayerEmitters.For(layer).Plan(needs);
        }

        // The last layer's rows, when it writes rows of its own, are the caller's outputs and need no buffer.
        List<int> intermediate = needs.DenseOutputs.Take(beforeLast).ToList();
        HiddenStride = needs.Hidden.Max();
        HiddenBuffers = Math.Min(2, needs.Hidden.Count);
        DenseStride = intermediate.Count > 0 ? intermediate.Max() : 0;
        DenseBuffers = Math.Min(2, intermediate.Count);
        ScratchLength = needs.Scratch ? 2 * HiddenStride : 0;
        NormalizedInputLength = model.InputNormalization is null ? 0 : model.InputSize;
        EmbeddingLength = needs.EmbeddingWidth;
        OutputSize = model.OutputSize;
        long perStep = PerStepFloats;
        StepFloats = perStep + ScratchLength;
        ChunkSteps = (int)Math.Max(1, Math.Min(MaxChunkSteps, (ChunkBudgetFloats - ScratchLength) / perStep));
    }

    /// <summary>What the layers of a model ask of the working memory, in layer order.</summary>
    internal sealed class Needs
    {
        /// <summary>Padded widths of the recurrent layers' hidden rows.</summary>
        public List<int> Hidden { get; } = new();

        /// <summary>Padded output widths of the layers that write rows of their own (all but GRUs), in layer order.</summary>
        public List<int> DenseOutputs { get; } = new();

        /// <summary>Whether any recurrent layer needs the scratch of <c>linear_before_reset=false</c>.</summary>
        public bool Scratch { get; private set; }

        /// <summary>Floats per step of looked-up embedding rows.</summary>
        public int EmbeddingWidth { get; private set; }

        public void Recurrent(int paddedHidden, bool needsScratch)
        {
            Hidden.Add(paddedHidden);
            Scratch |= needsScratch;
        }

        public void Dense(int paddedOutputs) => DenseOutputs.Add(paddedOutputs);

        public void Embedding(int width) => EmbeddingWidth += width;
    }

    // Where each buffer of __GruTiny_Advance's work span starts and how long it is, as C# expressions over n (the
    // steps of the chunk) and the type's constants: [gates | hidden rows | dense rows | embedding or normalised
    // input | …], and the scratch at the end. The emitter prints these and computes none.

    /// <summary>Start of the gate rows (3 × the widest hidden state per step).</summary>
    public const string GatesOffset = "0";

    public const string GatesLength = "n * 3 * __GruTiny_HiddenStride";

    public const string HiddenBufferLength = "n * __GruTiny_HiddenStride";

    public const string DenseBufferLength = "n * __GruTiny_DenseStride";

    /// <summary>The scratch of <c>linear_before_reset=false</c>: the last <see cref="ScratchLength"/> floats.</summary>
    public const string ScratchOffset = "work.Length - __GruTiny_ScratchLength";

    /// <summary>Start of hidden row buffer <paramref name="index"/>, after the gate rows.</summary>
    public string HiddenBufferOffset(int index) => $"n * {3 + index} * __GruTiny_HiddenStride";

    /// <summary>Start of dense row buffer <paramref name="index"/>, after the hidden rows.</summary>
    public string DenseBufferOffset(int index) => $"n * {3 + HiddenBuffers} * __GruTiny_HiddenStride + n * {index} * __GruTiny_DenseStride";

    /// <summary>Start of the buffer after the dense rows: the looked-up embedding rows or the normalised input.</summary>
    public string ExtraBufferOffset => $"n * ({3 + HiddenBuffers} * __GruTiny_HiddenStride + {DenseBuffers} * __GruTiny_DenseStride)";

    /// <summary>Widest padded hidden state.</summary>
    public int HiddenStride { get; }

    /// <summary>Rows of hidden states kept per step (1 or 2).</summary>
    public int HiddenBuffers { get; }

    /// <summary>Widest padded intermediate dense output (0 if no dense layer feeds another).</summary>
    public int DenseStride { get; }

    /// <summary>Rows of intermediate dense outputs per step (0, 1 or 2).</summary>
    public int DenseBuffers { get; }

    /// <summary>Fixed scratch for <c>linear_before_reset=false</c>.</summary>
    public int ScratchLength { get; }

    /// <summary>Floats per step of normalised input (input_normalization), else 0.</summary>
    public int NormalizedInputLength { get; }

    /// <summary>Floats per step of looked-up embedding rows (token models), else 0.</summary>
    public int EmbeddingLength { get; }

    /// <summary>Outputs per step (the <c>RunFinal</c> row).</summary>
    public int OutputSize { get; }

    /// <summary>Floats one step needs, scratch included.</summary>
    public long StepFloats { get; }

    /// <summary>Steps per chunk of <c>Run</c>.</summary>
    public int ChunkSteps { get; }

    /// <summary>Whether one step fits in <see cref="MaxStackFloats"/>.</summary>
    public bool FitsOnStack => StepFloats <= MaxStackFloats;

    /// <summary>Floats per step of the buffers every call uses: gate rows, hidden rows, intermediate dense rows, the normalised input.</summary>
    public int StepWork => 3 * HiddenStride + HiddenBuffers * HiddenStride + DenseBuffers * DenseStride + NormalizedInputLength + EmbeddingLength;

    /// <summary>Floats per step of a chunk, scratch excluded: <see cref="StepWork"/> and RunFinal's output row.</summary>
    public long PerStepFloats => (long)StepWork + OutputSize + (EmbeddingLength > 0 ? 1 : 0); // + a token model's row of ids
}
