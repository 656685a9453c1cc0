using System;
using System.Linq;
using GruTiny.Generator.Emit.Layers;
using GruTiny.Generator.Specs;
using GruTiny.Kernels;
using GruTiny.Model;
using static GruTiny.Generator.Emit.GeneratedNames;

namespace GruTiny.Generator.Emit;

/// <summary>
/// The type of a model that reads whole sequences (a reverse or bidirectional GRU; <see cref="ModelDescription.Streams"/>
/// is false): <c>IGruSequenceModel</c>, no state, and <c>Run</c>/<c>RunFinal</c> that compute layer after layer over the
/// whole sequence, in a workspace of the caller's or, for short sequences, on the stack. The layers' own pieces
/// come from the same <see cref="LayerEmitter"/>s as a streaming model's, with <see cref="Advance.Sequence"/> set.
/// </summary>
internal static class SequenceModelEmitter
{
    public static void EmitBody(CodeWriter w, ModelDescription model, LayerEmitter[] layers)
    {
        var layout = new SequenceLayout(model);
        EmitConstants(w, model, layout, layers);
        EmitWorkspaceLength(w);
        EmitRun(w, workspace: false);
        EmitRun(w, workspace: true);
        EmitRunFinal(w, workspace: false);
        EmitRunFinal(w, workspace: true);
        EmitSequence(w, model, layers);
    }

    private static void EmitConstants(CodeWriter w, ModelDescription model, SequenceLayout layout, LayerEmitter[] layers)
    {
        ModelEmitter.EmitSizes(w, model, layers, new FeatureInput(model.InputSize), withState: false);
        w.Doc("The longest sequence <c>Run</c> and <c>RunFinal</c> without a workspace take (they keep it on the stack); a longer one needs a workspace of <see cref=\"WorkspaceLength\"/> floats.");
        w.Line($"public const int StackSteps = {layout.StackSteps};");
        w.Line();
        w.Line("// Each layer computes the whole sequence before the next starts (a reverse-running layer needs every step");
        w.Line("// of its input): two workspace rows per step alternate between the layers, then the normalised input and");
        w.Line("// RunFinal's outputs. The GRU layers project their inputs in chunks of __GruTiny_ChunkSteps on the stack.");
        ModelEmitter.EmitWorkConstants(w, layout.ChunkSteps, layout.HiddenStride, layout.RowStride, layout.ScratchLength, layout.StepWork);
        w.Line();
        w.Generated();
        w.Line("int global::GruTiny.IGruSequenceModel.InputSize => InputSize;");
        w.Line();
        w.Generated();
        w.Line("int global::GruTiny.IGruSequenceModel.OutputSize => OutputSize;");
        w.Line();
    }

    private static void EmitWorkspaceLength(CodeWriter w)
    {
        w.Doc("Floats of workspace a sequence of <paramref name=\"steps\"/> steps needs.",
            "<exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"steps\"/> is negative, or the length would overflow.</exception>");
        w.Generated();
        w.Line("public static int WorkspaceLength(int steps)");
        w.Open();
        w.Line("if ((uint)steps > (uint)(int.MaxValue / __GruTiny_StepWork)) throw new global::System.ArgumentOutOfRangeException(nameof(steps), steps, \"Expected 0 to \" + (int.MaxValue / __GruTiny_StepWork) + \" steps.\");");
        w.Line("return steps * __GruTiny_StepWork;");
        w.Close();
        w.Line();
        w.Generated();
        w.Line("int global::GruTiny.IGruSequenceModel.WorkspaceLength(int steps) => WorkspaceLength(steps);");
        w.Line();
    }

    // The checks of both Run overloads and both RunFinal overloads, then the call.
    private static void EmitChecks(CodeWriter w, bool final, bool workspace)
    {
        ModelEmitter.EmitSequenceChecks(w, final);
        if (workspace)
        {
            w.Line($"if (workspace.Length < (long)steps * __GruTiny_StepWork) {Throw}.ThrowWorkspaceTooShort(nameof(workspace), (long)steps * __GruTiny_StepWork, steps, workspace.Length);");
            w.Line($"if (global::System.MemoryExtensions.Overlaps(({ReadOnlySpan})workspace, inputs) || global::System.MemoryExtensions.Overlaps(workspace, {(final ? "output" : "outputs")})) {Throw}.ThrowOverlap(nameof(workspace));");
            w.Line($"{Span} work = workspace.Slice(0, steps * __GruTiny_StepWork);");
        }
        else
        {
            w.Line($"if (steps > StackSteps) {Throw}.ThrowNeedsWorkspace(nameof(inputs), steps, StackSteps, (long)steps * __GruTiny_StepWork);");
            w.Line($"{Span} work = stackalloc float[steps * __GruTiny_StepWork];");
        }
    }

    private static void EmitRun(CodeWriter w, bool workspace)
    {
        string inputs = "<param name=\"inputs\">Row-major [T × <see cref=\"InputSize\"/>] values; T may be zero.</param>";
        string outputs = "<param name=\"outputs\">Receives row-major [T × <see cref=\"OutputSize\"/>] values; must not overlap <paramref name=\"inputs\"/>.</param>";
        if (workspace)
        {
            w.Doc("Runs a whole sequence from the initial state and writes every step's output; never allocates.", inputs, outputs,
                "<param name=\"workspace\">At least <see cref=\"WorkspaceLength\"/>(T) floats, overwritten; must not overlap the other spans.</param>",
                "<exception cref=\"global::System.ArgumentException\">A span has the wrong length, or spans overlap.</exception>");
        }
        else
        {
            w.Doc("Runs a whole sequence from the initial state and writes every step's output; a new sequence each call (nothing is carried over). Up to <see cref=\"StackSteps\"/> steps on the stack.", inputs, outputs,
                "<exception cref=\"global::System.ArgumentException\">A span has the wrong length, the spans overlap, or T is above <see cref=\"StackSteps\"/> (pass a workspace).</exception>");
        }

        w.Generated();
        if (!workspace) w.SkipLocalsInit();
        w.Line($"public void Run({ReadOnlySpan} inputs, {Span} outputs{(workspace ? $", {Span} workspace" : "")})");
        w.Open();
        EmitChecks(w, final: false, workspace);
        w.Line("__GruTiny_Sequence(inputs, outputs, steps, work);");
        w.Close();
        w.Line();
    }

    private static void EmitRunFinal(CodeWriter w, bool workspace)
    {
        string summary = workspace
            ? "Runs a whole sequence of T ≥ 1 steps from the initial state and writes only the last step's output; never allocates."
            : "Runs a whole sequence of T ≥ 1 steps from the initial state and writes only the last step's output (sequence classification). Up to <see cref=\"StackSteps\"/> steps on the stack.";
        string[] more = workspace
            ? new[]
            {
                "<param name=\"inputs\">Row-major [T × <see cref=\"InputSize\"/>] values, T ≥ 1.</param>",
                "<param name=\"output\">Receives the last step's <see cref=\"OutputSize\"/> values.</param>",
                "<param name=\"workspace\">At least <see cref=\"WorkspaceLength\"/>(T) floats, overwritten; must not overlap the other spans.</param>",
                "<exception cref=\"global::System.ArgumentException\">A span has the wrong length, spans overlap, or there are no steps.</exception>",
            }
            : new[]
            {
                "<param name=\"inputs\">Row-major [T × <see cref=\"InputSize\"/>] values, T ≥ 1.</param>",
                "<param name=\"output\">Receives the last step's <see cref=\"OutputSize\"/> values.</param>",
                "<exception cref=\"global::System.ArgumentException\">A span has the wrong length, there are no steps, or T is above <see cref=\"StackSteps\"/> (pass a workspace).</exception>",
            };
        w.Doc(summary, more);
        w.Generated();
        if (!workspace) w.SkipLocalsInit();
        w.Line($"public void RunFinal({ReadOnlySpan} inputs, {Span} output{(workspace ? $", {Span} workspace" : "")})");
        w.Open();
        EmitChecks(w, final: true, workspace);
        w.Line("// Every step's output into the workspace's last rows, then the last one out.");
        w.Line($"{Span} rows = work.Slice(work.Length - steps * OutputSize);");
        w.Line("__GruTiny_Sequence(inputs, rows, steps, work);");
        w.Line("rows.Slice((steps - 1) * OutputSize, OutputSize).CopyTo(output);");
        w.Close();
        w.Line();
    }

    private static void EmitSequence(CodeWriter w, ModelDescription model, LayerEmitter[] layers)
    {
        w.Line("// The whole sequence, layer after layer: each reads the rows the one before wrote (a GRU in chunks, forward");
        w.Line("// or from the last step back) and writes rows of its own; the last writes the caller's rows. Static: a model");
        w.Line("// that reads whole sequences keeps nothing between calls.");
        w.Generated();
        w.SkipLocalsInit();
        w.Line($"private static void __GruTiny_Sequence({ReadOnlySpan} inputs, {Span} outputs, int n, {Span} work)");
        w.Open();
        w.Line($"{Span} denseA = work.Slice(0, n * __GruTiny_DenseStride);");
        w.Line($"{Span} denseB = work.Slice(n * __GruTiny_DenseStride, n * __GruTiny_DenseStride);");
        w.Line($"{Span} chunk = stackalloc float[__GruTiny_ChunkSteps * 3 * __GruTiny_HiddenStride + __GruTiny_HiddenStride + __GruTiny_ScratchLength];");
        w.Line($"{Span} gates = chunk.Slice(0, __GruTiny_ChunkSteps * 3 * __GruTiny_HiddenStride);");
        w.Line($"{Span} hstate = chunk.Slice(__GruTiny_ChunkSteps * 3 * __GruTiny_HiddenStride, __GruTiny_HiddenStride);");
        w.Line($"{Span} scratch = chunk.Slice(__GruTiny_ChunkSteps * 3 * __GruTiny_HiddenStride + __GruTiny_HiddenStride);");
        var advance = new Advance(Array.Empty<string>(), new[] { "denseA", "denseB" }, "2 * n * __GruTiny_DenseStride", layers.Length) { Sequence = true };
        NormalizationEmitter.EmitNormalizeInput(w, model, advance);
        for (int i = 0; i < layers.Length; i++) layers[i].EmitForward(w, i, advance);
        NormalizationEmitter.EmitDenormalizeOutput(w, model);
        w.Close();
        w.Line();
        NormalizationEmitter.EmitVectors(w, model);
    }

    /// <summary>How a sequence model's workspace and stack are cut (the counterpart of <see cref="WorkLayout"/>).</summary>
    private sealed class SequenceLayout
    {
        public SequenceLayout(ModelDescription model)
        {
            var needs = new WorkLayout.Needs();
            int rows = 0;
            foreach (LayerDescription layer in model.Layers)
            {
                LayerEmitters.For(layer).Plan(needs);
                if (layer is GruLayerDescription gru) rows = Math.Max(rows, GruLayerEmitter.SequenceRowWidth(gru));
            }

            HiddenStride = needs.Hidden.Max();
            RowStride = Math.Max(rows, needs.DenseOutputs.Count > 0 ? needs.DenseOutputs.Max() : 0);
            ScratchLength = needs.Scratch ? 2 * HiddenStride : 0;
            int normalized = model.InputNormalization is null ? 0 : model.InputSize;
            StepWork = 2 * RowStride + normalized + model.OutputSize;
            ChunkSteps = Math.Max(1, Math.Min(WorkLayout.MaxChunkSteps, (WorkLayout.ChunkBudgetFloats - HiddenStride - ScratchLength) / (3 * HiddenStride)));
            long chunkFloats = (long)ChunkSteps * 3 * HiddenStride + HiddenStride + ScratchLength;
            StackSteps = (int)Math.Max(0, (WorkLayout.MaxStackFloats - chunkFloats) / StepWork);
        }

        /// <summary>Widest padded hidden state of one direction.</summary>
        public int HiddenStride { get; }

        /// <summary>Floats per step of a layer's rows in the workspace: the widest layer's.</summary>
        public int RowStride { get; }

        public int ScratchLength { get; }

        /// <summary>Workspace floats per step: two rows, the normalised input, RunFinal's output row.</summary>
        public int StepWork { get; }

        public int ChunkSteps { get; }

        public int StackSteps { get; }
    }
}
