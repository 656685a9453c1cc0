using System.Globalization;
using System.Linq;
using System.Text;
using GruTiny.Generator.Emit.Layers;
using GruTiny.Generator.Specs;
using GruTiny.Kernels;
using GruTiny.Model;
using static GruTiny.Generator.Emit.GeneratedNames;

namespace GruTiny.Generator.Emit;

/// <summary>
/// Writes the C# source that completes a [GruModel] type. Only numbers computed from the model and the
/// identifiers of the user's own declaration reach the output; no string from the model file does.
/// </summary>
internal static class ModelEmitter
{
    /// <summary>Models smaller than this also carry their weights in a readable comment.</summary>
    public const int CommentedParameterLimit = 4096;


    /// <summary>
    /// The hint name: unique per fully qualified type. Roslyn compares hint names ignoring case, and C# type
    /// names are case-sensitive, so a name with capitals also carries a hash of its exact spelling.
    /// </summary>
    public static string HintName(TargetSpec target)
    {
        string name = target.MetadataName;
        if (name == name.ToLowerInvariant()) return name + ".GruModel.g.cs";
        uint hash = 2166136261;
        foreach (char c in name) hash = (hash ^ c) * 16777619;
        return name + "." + hash.ToString("x8", CultureInfo.InvariantCulture) + ".GruModel.g.cs";
    }

    /// <param name="selfCheck">The passed self-check's summary (numbers only), or null when the file has no self-check data.</param>
    /// <param name="weights">How the weight matrices are stored (quantised here from the model's float weights).</param>
    /// <param name="skipLocalsInit">The user's project allows unsafe code: methods with work buffers get <c>[SkipLocalsInit]</c> (<see cref="CodeWriter.SkipLocalsInit"/>).</param>
    public static string Emit(TargetSpec target, ModelDescription model, string? selfCheck, GruWeightType weights = GruWeightType.Float32, bool skipLocalsInit = false)
    {
        var w = new CodeWriter(skipLocalsInit);
        var layout = new WorkLayout(model);
        LayerEmitter[] layers = model.Layers.Select(layer => LayerEmitters.For(layer, weights: weights)).ToArray();

        OpenContainers(w, target);
        // The type's documentation says whether the build compared the model with its training framework's
        // outputs: GRUT042 says so too, but an info diagnostic shows only at detailed build verbosity.
        w.Line(selfCheck is null
            ? "/// <remarks>Not verified at build time: the model file carries no self-check data (reference outputs from the training framework; see GruTiny's docs/model-format.md, self_check).</remarks>"
            : $"/// <remarks>Verified at build time against the reference outputs the model file carries: {selfCheck}.</remarks>");
        if (weights != GruWeightType.Float32)
            w.Line($"// Weights stored as {WeightQuantizer.Name(weights)}: the model computes with the dequantised weights (GruTiny's docs/model-format.md, \"Weight types\").");
        if (target.NeedsAutoLayout)
        {
            // The state field joins any fields of the user's own part: without a layout attribute the compiler
            // warns that partial structs with fields in several parts have no defined field order (CS0282).
            w.Line("[global::System.Runtime.InteropServices.StructLayout(global::System.Runtime.InteropServices.LayoutKind.Auto)]");
        }

        if (!model.Streams)
        {
            // A reverse or bidirectional GRU: the model reads whole sequences (IGruSequenceModel, no state).
            layers = model.Layers.Select(layer => LayerEmitters.For(layer, sequence: true, weights)).ToArray();
            w.Line($"partial {target.Keyword} {target.Name} : global::GruTiny.IGruSequenceModel");
            w.Open();
            SequenceModelEmitter.EmitBody(w, model, layers);
            EmitLayers(w, model, layers);
            w.Close();
            CloseContainers(w, target);
            return w.ToString();
        }

        // What a step takes: features, or (an embedding first) token ids with an API of their own.
        ModelInput input = layers[0].Input ?? new FeatureInput(model.InputSize);
        w.Line($"partial {target.Keyword} {target.Name} : global::GruTiny.{input.InterfaceName}");
        w.Open();
        EmitConstants(w, model, layout, layers, input);
        var state = new StateLayout(layers);
        EmitInterfaceMembers(w, target, input, state.HasInitial);
        EmitStep(w, input);
        EmitRun(w, input);
        EmitRunFinal(w, input);
        input.EmitApi(w);
        EmitState(w, layers, state);
        EmitAdvance(w, model, layout, layers, state);
        EmitLayers(w, model, layers);
        w.Close();
        CloseContainers(w, target);
        return w.ToString();
    }

    /// <summary>
    /// The type of a model that could not be compiled: its constants (0) and the float API (and the token API for a
    /// token model), every member throwing. The build fails with <paramref name="errorId"/> anyway; without the
    /// stand-in, every use of the type would add a compiler error of its own (CS0117, CS1061) after the one that
    /// matters.
    /// </summary>
    public static string EmitStandIn(TargetSpec target, string errorId, StandInShape shape)
    {
        var w = new CodeWriter();
        bool tokens = shape == StandInShape.Tokens, sequence = shape == StandInShape.Sequence;
        string api = tokens ? "IGruTokenModel" : sequence ? "IGruSequenceModel" : "IGruModel";
        OpenContainers(w, target);
        w.Line($"/// <remarks>Not compiled: GruTiny could not compile the model file ({errorId}; the build reports why). Every member throws.</remarks>");
        w.Line($"partial {target.Keyword} {target.Name} : global::GruTiny.{api}");
        w.Open();
        string[] constants = tokens ? new[] { "VocabularySize", "EmbeddingSize", "InputSize", "OutputSize", "StateSize", "ParameterCount", "WeightBytes" }
            : sequence ? new[] { "InputSize", "OutputSize", "ParameterCount", "WeightBytes", "StackSteps" }
            : new[] { "InputSize", "OutputSize", "StateSize", "ParameterCount", "WeightBytes" };
        foreach (string constant in constants)
        {
            w.Doc($"0: the model was not compiled ({errorId}).");
            w.Line($"public const int {constant} = 0;");
            w.Line();
        }

        string owner = sequence ? "IGruSequenceModel" : "IGruModel";
        w.Generated();
        w.Line($"int global::GruTiny.{owner}.InputSize => InputSize;");
        w.Line();
        w.Generated();
        w.Line($"int global::GruTiny.{owner}.OutputSize => OutputSize;");
        w.Line();
        w.Generated();
        w.Line(sequence ? "int global::GruTiny.IGruSequenceModel.WorkspaceLength(int steps) => WorkspaceLength(steps);" : "int global::GruTiny.IGruModel.StateSize => StateSize;");
        if (tokens)
        {
            w.Line();
            w.Generated();
            w.Line("int global::GruTiny.IGruTokenModel.VocabularySize => VocabularySize;");
        }

        string[] members = sequence
            ? new[]
            {
                $"Run({ReadOnlySpan} inputs, {Span} outputs)", $"Run({ReadOnlySpan} inputs, {Span} outputs, {Span} workspace)",
                $"RunFinal({ReadOnlySpan} inputs, {Span} output)", $"RunFinal({ReadOnlySpan} inputs, {Span} output, {Span} workspace)",
            }
            : new[]
            {
                "Reset()", $"Step({ReadOnlySpan} input, {Span} output)", $"Run({ReadOnlySpan} inputs, {Span} outputs)",
                $"RunFinal({ReadOnlySpan} inputs, {Span} output)", $"CopyStateTo({Span} state)", $"SetState({ReadOnlySpan} state)",
            };
        string[] tokenMembers = { $"Step(int token, {Span} output)", $"Run({Ints} tokens, {Span} outputs)", $"RunFinal({Ints} tokens, {Span} output)" };
        foreach (string member in tokens ? members.Concat(tokenMembers) : members)
        {
            w.Line();
            w.Doc($"Throws: the model was not compiled ({errorId}).");
            w.Generated();
            w.Line($"public void {member} => throw __GruTiny_NotCompiled();");
        }

        if (sequence)
        {
            w.Line();
            w.Doc($"Throws: the model was not compiled ({errorId}).");
            w.Generated();
            w.Line("public static int WorkspaceLength(int steps) => throw __GruTiny_NotCompiled();");
        }

        w.Line();
        w.Generated();
        w.Line($"private static global::System.InvalidOperationException __GruTiny_NotCompiled() => new(\"GruTiny could not compile this model ({errorId}); the build reported why.\");");
        w.Close();
        CloseContainers(w, target);
        return w.ToString();
    }

    // The file header, then the namespace and the containing types, opened.
    private static void OpenContainers(CodeWriter w, TargetSpec target)
    {
        w.Line("// <auto-generated>");
        w.Line("//     Generated by the GruTiny source generator from the model file named in the [GruModel] attribute.");
        w.Line("//     Changes to this file are lost when the model is compiled again.");
        w.Line("// </auto-generated>");
        w.Line("#nullable enable");
        w.Line();

        if (target.Namespace is not null)
        {
            w.Line("namespace " + target.Namespace);
            w.Open();
        }

        foreach (ContainingTypeSpec outer in target.ContainingTypes)
        {
            w.Line($"partial {outer.Keyword} {outer.Name}");
            w.Open();
        }
    }

    private static void CloseContainers(CodeWriter w, TargetSpec target)
    {
        foreach (ContainingTypeSpec _ in target.ContainingTypes) w.Close();
        if (target.Namespace is not null) w.Close();
    }

    private static void EmitConstants(CodeWriter w, ModelDescription model, WorkLayout layout, LayerEmitter[] layers, ModelInput input)
    {
        EmitSizes(w, model, layers, input, withState: true);
        w.Line($"// Run processes this many steps per chunk so that its stack use stays bounded whatever T is.");
        EmitWorkConstants(w, layout.ChunkSteps, layout.HiddenStride, layout.DenseStride, layout.ScratchLength, layout.StepWork);
        w.Line();
        w.Generated();
        w.Line("private __GruTiny_State __gruTinyState;");
        w.Line();
        if (HasGru(layers))
        {
            w.Line("// Which way the next step sweeps each GRU layer's recurrent weights: turned round every step, so that the");
            w.Line("// weights the last step read last, still in cache, are read first. Not part of the model's value: it");
            w.Line("// compares equal in every instance.");
            w.Generated();
            w.Line($"private {KernelsNamespace}.StripOrder {StripOrderField};");
            w.Line();
        }
    }

    private static bool HasGru(LayerEmitter[] layers) => layers.Any(layer => layer is GruLayerEmitter);

    private static void EmitInterfaceMembers(CodeWriter w, TargetSpec target, ModelInput input, bool initial)
    {
        w.Generated();
        w.Line("int global::GruTiny.IGruModel.InputSize => InputSize;");
        w.Line();
        input.EmitInterfaceMembers(w);

        w.Generated();
        w.Line("int global::GruTiny.IGruModel.OutputSize => OutputSize;");
        w.Line();
        w.Generated();
        w.Line("int global::GruTiny.IGruModel.StateSize => StateSize;");
        w.Line();
        w.Doc((initial ? "Sets the recurrent state back to the initial state the model file gives (zeros for a layer without one)" : "Sets the recurrent state back to zeros")
            + ", the state of a new instance" + (target.IsValueType ? " and of <c>default</c>." : "."));
        w.Generated();
        w.Line("public void Reset() => __gruTinyState = default;");
        w.Line();
    }

    /// <summary>The private sizes the layers' emitted statements read: chunk steps, strides, scratch and per-step work.</summary>
    internal static void EmitWorkConstants(CodeWriter w, int chunkSteps, int hiddenStride, int denseStride, int scratchLength, int stepWork)
    {
        w.Line($"private const int __GruTiny_ChunkSteps = {chunkSteps};");
        w.Line($"private const int __GruTiny_HiddenStride = {hiddenStride};");
        w.Line($"private const int __GruTiny_DenseStride = {denseStride};");
        w.Line($"private const int __GruTiny_ScratchLength = {scratchLength};");
        w.Line($"private const int __GruTiny_StepWork = {stepWork};");
    }

    /// <summary>
    /// The argument checks of <c>Run</c> (every step's outputs; no steps: return) and <c>RunFinal</c> (the last step's;
    /// at least one step) over float inputs, before anything is computed. Leaves <c>steps</c> declared.
    /// </summary>
    internal static void EmitSequenceChecks(CodeWriter w, bool final)
    {
        w.Line("int steps = inputs.Length / InputSize;");
        w.Line($"if (steps * InputSize != inputs.Length) {Throw}.ThrowNotWholeRows(nameof(inputs), InputSize, inputs.Length);");
        if (final)
        {
            w.Line($"if (steps == 0) {Throw}.ThrowEmptySequence(nameof(inputs), InputSize);");
            w.Line($"if (output.Length != OutputSize) {Throw}.ThrowLengthMismatch(nameof(output), OutputSize, output.Length);");
            return;
        }

        w.Line($"if ((long)steps * OutputSize != outputs.Length) {Throw}.ThrowStepsMismatch(nameof(outputs), (long)steps * OutputSize, steps, OutputSize, outputs.Length);");
        w.Line("if (steps == 0) return;");
        w.Line($"if (global::System.MemoryExtensions.Overlaps(inputs, ({ReadOnlySpan})outputs)) {Throw}.ThrowOverlap(nameof(outputs));");
    }

    /// <summary>The public sizes every model type has: input, outputs, state (when it keeps one), each layer's, parameters.</summary>
    internal static void EmitSizes(CodeWriter w, ModelDescription model, LayerEmitter[] layers, ModelInput input, bool withState)
    {
        input.EmitConstants(w);
        w.Line();
        w.Doc("Outputs per time step.");
        w.Line($"public const int OutputSize = {model.OutputSize};");
        w.Line();
        if (withState)
        {
            w.Doc("Floats of recurrent state: the hidden sizes of all GRU layers, in layer order.");
            w.Line($"public const int StateSize = {model.StateSize};");
            w.Line();
        }

        for (int i = 0; i < layers.Length; i++)
        {
            layers[i].EmitConstant(w, i);
            w.Line();
        }

        w.Doc("Weights and biases in the model.");
        w.Line($"public const int ParameterCount = {model.ParameterCount.ToString(CultureInfo.InvariantCulture)};");
        w.Line();
        // What the weights cost in the assembly (and, once copied for the kernels, in memory): 4 bytes a float32
        // weight, 2 a float16 one, 1 an int8 one plus a float32 scale per row; biases and other parameters 4.
        long bytes = layers.Sum(layer => layer.LiteralFloats) * sizeof(float);
        w.Doc("Bytes of packed weights and biases the model embeds (blocks padded to whole vectors), as its weight type stores them.");
        w.Line($"public const int WeightBytes = {bytes.ToString(CultureInfo.InvariantCulture)};");
        w.Line();
    }

    // Run and RunFinal advance in chunks of __GruTiny_ChunkSteps so that stack use is bounded whatever T is.
    // RunFinal collects a chunk's outputs in rows of its own and copies out the last; the token overloads
    // first turn a chunk's ids into the floats __GruTiny_Advance reads.
    internal static void EmitChunks(CodeWriter w, bool final, bool tokens)
    {
        string source = tokens ? "ids.Slice(0, n)" : "inputs.Slice(t * InputSize, n * InputSize)";
        if (tokens) w.Line($"{Span} ids = stackalloc float[__GruTiny_ChunkSteps];");
        if (final)
        {
            w.Line($"{Span} work = stackalloc float[__GruTiny_ChunkSteps * (__GruTiny_StepWork + OutputSize) + __GruTiny_ScratchLength];");
            w.Line($"{Span} rows = work.Slice(0, __GruTiny_ChunkSteps * OutputSize);");
            w.Line("work = work.Slice(__GruTiny_ChunkSteps * OutputSize);");
            w.Line("int last = 0;");
        }
        else
        {
            w.Line($"{Span} work = stackalloc float[__GruTiny_ChunkSteps * __GruTiny_StepWork + __GruTiny_ScratchLength];");
        }

        w.Line("for (int t = 0; t < steps; t += __GruTiny_ChunkSteps)");
        w.Open();
        w.Line("int n = global::System.Math.Min(__GruTiny_ChunkSteps, steps - t);");
        if (tokens) w.Line("for (int s = 0; s < n; s++) ids[s] = tokens[t + s];");
        w.Line($"__GruTiny_Advance({source}, {(final ? "rows.Slice(0, n * OutputSize)" : "outputs.Slice(t * OutputSize, n * OutputSize)")}, n, work);");
        if (final) w.Line("last = n - 1;");
        w.Close();
        if (final) w.Line("rows.Slice(last * OutputSize, OutputSize).CopyTo(output);");
    }

    private static void EmitStep(CodeWriter w, ModelInput input)
    {
        w.Doc("Advances the model by one time step.",
            "<param name=\"input\">Exactly <see cref=\"InputSize\"/> values.</param>",
            "<param name=\"output\">Receives exactly <see cref=\"OutputSize\"/> values; may be the same memory as <paramref name=\"input\"/>.</param>",
            "<exception cref=\"global::System.ArgumentException\">A span has the wrong length.</exception>");
        w.Generated();
        w.SkipLocalsInit();
        w.Line($"public void Step({ReadOnlySpan} input, {Span} output)");
        w.Open();
        w.Line($"if (input.Length != InputSize) {Throw}.ThrowLengthMismatch(nameof(input), InputSize, input.Length);");
        w.Line($"if (output.Length != OutputSize) {Throw}.ThrowLengthMismatch(nameof(output), OutputSize, output.Length);");
        input.EmitCheck(w, "input");
        w.Line($"{Span} work = stackalloc float[__GruTiny_StepWork + __GruTiny_ScratchLength];");
        w.Line("__GruTiny_Advance(input, output, 1, work);");
        w.Close();
        w.Line();
    }

    private static void EmitRun(CodeWriter w, ModelInput input)
    {
        // A token model also has Step(int, ...) and Run(ReadOnlySpan<int>, ...): its crefs name the overload.
        string step = input.HasOverloads ? "Step(global::System.ReadOnlySpan{float}, global::System.Span{float})" : "Step";
        w.Doc($"Advances the model by T time steps from its current state: the same as T calls of <see cref=\"{step}\"/>.",
            "<param name=\"inputs\">Row-major [T × <see cref=\"InputSize\"/>] values; T may be zero.</param>",
            "<param name=\"outputs\">Receives row-major [T × <see cref=\"OutputSize\"/>] values; must not overlap <paramref name=\"inputs\"/>.</param>",
            "<exception cref=\"global::System.ArgumentException\">A span has the wrong length, or the spans overlap.</exception>");
        w.Generated();
        w.SkipLocalsInit();
        w.Line($"public void Run({ReadOnlySpan} inputs, {Span} outputs)");
        w.Open();
        EmitSequenceChecks(w, final: false);
        input.EmitCheck(w, "inputs");
        EmitChunks(w, final: false, tokens: false);
        w.Close();
        w.Line();
    }

    private static void EmitRunFinal(CodeWriter w, ModelInput input)
    {
        string run = input.HasOverloads ? "Run(global::System.ReadOnlySpan{float}, global::System.Span{float})" : "Run";
        w.Doc($"Advances the model by T ≥ 1 time steps, as <see cref=\"{run}\"/>, and writes only the last step's output (sequence classification).",
            "<param name=\"inputs\">Row-major [T × <see cref=\"InputSize\"/>] values, T ≥ 1.</param>",
            "<param name=\"output\">Receives the last step's <see cref=\"OutputSize\"/> values; it is written only after every input was read.</param>",
            "<exception cref=\"global::System.ArgumentException\">A span has the wrong length, or there are no steps.</exception>");
        w.Generated();
        w.SkipLocalsInit();
        w.Line($"public void RunFinal({ReadOnlySpan} inputs, {Span} output)");
        w.Open();
        EmitSequenceChecks(w, final: true);
        input.EmitCheck(w, "inputs");
        EmitChunks(w, final: true, tokens: false);
        w.Close();
        w.Line();
    }

    // The state of every stateful layer, in layer order: packed for the API, each padded to whole blocks inside.
    private static void EmitState(CodeWriter w, LayerEmitter[] layers, StateLayout stateLayout)
    {
        w.Doc("Copies the recurrent state (each GRU layer's hidden state, in layer order: PyTorch's <c>h_n</c> for batch 1).",
            "<param name=\"state\">Receives exactly <see cref=\"StateSize\"/> values.</param>",
            "<exception cref=\"global::System.ArgumentException\">The span has the wrong length.</exception>");
        w.Generated();
        w.Line($"public void CopyStateTo({Span} state)");
        w.Open();
        w.Line($"if (state.Length != StateSize) {Throw}.ThrowLengthMismatch(nameof(state), StateSize, state.Length);");
        w.Line($"{ReadOnlySpan} current = __gruTinyState;");
        if (stateLayout.HasInitial) w.Line($"if (current[{stateLayout.StartedIndex}] == 0f) current = __GruTiny_InitialState; // not started: the initial state");
        int padded = 0, plain = 0;
        foreach (LayerEmitter layer in layers)
        {
            if (layer.StateSize == 0) continue;
            w.Line($"current.Slice({padded}, {layer.StateSize}).CopyTo(state.Slice({plain}, {layer.StateSize}));");
            padded += layer.PaddedStateSize;
            plain += layer.StateSize;
        }

        w.Close();
        w.Line();
        w.Doc("Replaces the recurrent state (each GRU layer's hidden state, in layer order: PyTorch's <c>h_n</c> for batch 1).",
            "<param name=\"state\">Exactly <see cref=\"StateSize\"/> values.</param>",
            "<exception cref=\"global::System.ArgumentException\">The span has the wrong length.</exception>");
        w.Generated();
        w.Line($"public void SetState({ReadOnlySpan} state)");
        w.Open();
        w.Line($"if (state.Length != StateSize) {Throw}.ThrowLengthMismatch(nameof(state), StateSize, state.Length);");
        w.Line("__gruTinyState = default; // padding lanes stay zero");
        w.Line($"{Span} current = __gruTinyState;");
        padded = 0;
        plain = 0;
        foreach (LayerEmitter layer in layers)
        {
            if (layer.StateSize == 0) continue;
            w.Line($"state.Slice({plain}, {layer.StateSize}).CopyTo(current.Slice({padded}, {layer.StateSize}));");
            padded += layer.PaddedStateSize;
            plain += layer.StateSize;
        }

        if (stateLayout.HasInitial) w.Line($"current[{stateLayout.StartedIndex}] = 1f; // started: the state given, not the initial one");
        w.Close();
        w.Line();
    }

    private static void EmitAdvance(CodeWriter w, ModelDescription model, WorkLayout layout, LayerEmitter[] layers, StateLayout stateLayout)
    {
        w.Line("// Advances n steps, layer by layer: each GRU layer computes all n steps (GruLayerKernel.Forward) before the next;");
        w.Line("// the last layer writes the caller's rows. The input is fully read before any output is written.");
        w.Generated();
        w.Line($"private void __GruTiny_Advance({ReadOnlySpan} inputs, {Span} outputs, int n, {Span} work)");
        w.Open();
        w.Line($"{Span} state = __gruTinyState;");
        if (stateLayout.HasInitial)
            w.Line($"if (state[{stateLayout.StartedIndex}] == 0f) __GruTiny_InitialState.CopyTo(state); // not started (new, Reset, default): start from the initial state");
        // The buffers as WorkLayout planned them; this only prints them.
        w.Line($"{Span} gates = work.Slice({WorkLayout.GatesOffset}, {WorkLayout.GatesLength});");
        string[] hidden = new string[layout.HiddenBuffers];
        for (int i = 0; i < hidden.Length; i++)
        {
            hidden[i] = "hidden" + (char)('A' + i);
            w.Line($"{Span} {hidden[i]} = work.Slice({layout.HiddenBufferOffset(i)}, {WorkLayout.HiddenBufferLength});");
        }

        string[] dense = new string[layout.DenseBuffers];
        for (int i = 0; i < dense.Length; i++)
        {
            dense[i] = "dense" + (char)('A' + i);
            w.Line($"{Span} {dense[i]} = work.Slice({layout.DenseBufferOffset(i)}, {WorkLayout.DenseBufferLength});");
        }

        w.Line($"{Span} scratch = work.Slice({WorkLayout.ScratchOffset});");

        var advance = new Advance(hidden, dense, layout.ExtraBufferOffset, layers.Length);
        NormalizationEmitter.EmitNormalizeInput(w, model, advance);
        for (int i = 0; i < layers.Length; i++) layers[i].EmitForward(w, i, advance);
        NormalizationEmitter.EmitDenormalizeOutput(w, model);
        if (HasGru(layers)) w.Line($"{StripOrderField}.Advance(n);");
        w.Close();
        w.Line();
        NormalizationEmitter.EmitVectors(w, model);

        int stateLength = stateLayout.Length;
        w.Line("// The hidden states of the GRU layers, each padded to whole blocks of 8; inline, so a struct");
        w.Line("// instance needs no heap and default(T) is a reset model.");
        if (stateLayout.HasInitial)
        {
            w.Line("// The model starts from an initial state that is not zero, so the last float says whether the state has");
            w.Line("// started: 0 (new, Reset, default(T), an array element) means \"the initial state\", which the first step");
            w.Line("// copies in; stored values are therefore exact, and every zero-filled instance starts where it must.");
        }
        w.Line("// Equality by value: the runtime's built-in Equals and GetHashCode throw for inline arrays, and records,");
        w.Line("// struct equality and hashing of the model type compare this field.");
        w.Generated();
        w.Line($"[global::System.Runtime.CompilerServices.InlineArray({stateLength})]");
        w.Line("private struct __GruTiny_State : global::System.IEquatable<__GruTiny_State>");
        w.Open();
        w.Line("private float _element0;");
        w.Line();
        w.Line("public readonly bool Equals(__GruTiny_State other)");
        w.Open();
        w.Line($"{ReadOnlySpan} mine = this, theirs = other;");
        if (stateLayout.HasInitial)
        {
            w.Line("// The states the models are in: one not started is in the initial state.");
            w.Line($"if (mine[{stateLayout.StartedIndex}] == 0f) mine = __GruTiny_InitialState;");
            w.Line($"if (theirs[{stateLayout.StartedIndex}] == 0f) theirs = __GruTiny_InitialState;");
        }

        w.Line("for (int i = 0; i < mine.Length; i++)");
        w.Line("    if (!mine[i].Equals(theirs[i])) return false;");
        w.Line("return true;");
        w.Close();
        w.Line();
        w.Line("public override readonly bool Equals(object? obj) => obj is __GruTiny_State other && Equals(other);");
        w.Line();
        w.Line("public override readonly int GetHashCode()");
        w.Open();
        w.Line("global::System.HashCode hash = default;");
        if (stateLayout.HasInitial)
        {
            w.Line($"{ReadOnlySpan} mine = this;");
            w.Line($"if (mine[{stateLayout.StartedIndex}] == 0f) mine = __GruTiny_InitialState;");
            w.Line("foreach (float value in mine) hash.Add(value);");
        }
        else
        {
            w.Line($"foreach (float value in ({ReadOnlySpan})this) hash.Add(value);");
        }
        w.Line("return hash.ToHashCode();");
        w.Close();
        w.Close();
        w.Line();
        if (stateLayout.HasInitial)
        {
            w.Line("// The state of a model that starts: each GRU layer's initial state (zeros for a layer without one), padded");
            w.Line("// as the state is, then 1, \"started\".");
            w.Generated();
            WeightLiterals.EmitSpanProperty(w, "private static", "__GruTiny_InitialState", stateLayout.Initial);
            w.Line();
        }
    }

    // Where each stateful layer's state lies in __GruTiny_State and, when a layer starts from a state that is not
    // zero, the model's initial state and the index of the float that says whether the state has started.
    private sealed class StateLayout
    {
        public StateLayout(LayerEmitter[] layers)
        {
            int padded = layers.Sum(layer => layer.PaddedStateSize);
            HasInitial = layers.Any(layer => layer.InitialState is not null);
            StartedIndex = padded;
            Length = padded + (HasInitial ? 1 : 0);
            if (!HasInitial) return;
            Initial = new float[Length];
            int at = 0;
            foreach (LayerEmitter layer in layers)
            {
                layer.InitialState?.CopyTo(Initial, at);
                at += layer.PaddedStateSize;
            }

            Initial[StartedIndex] = 1f;
        }

        public bool HasInitial { get; }

        /// <summary>Index of the "started" float (after every layer's state), when <see cref="HasInitial"/>.</summary>
        public int StartedIndex { get; }

        /// <summary>Floats of __GruTiny_State.</summary>
        public int Length { get; }

        /// <summary>The state a model starts in, started flag set; null without an initial state.</summary>
        public float[]? Initial { get; }
    }

    private static void EmitLayers(CodeWriter w, ModelDescription model, LayerEmitter[] layers)
    {
        w.Line("// The layers as types: sizes as constants, so the JIT specialises each generic kernel on them, and the");
        w.Line("// weights, packed at build time in the order the kernels read them (docs/design.md), as the little-endian");
        w.Line("// bits of floats in string literals of at most 64,000 bytes: read-only data in the assembly that the");
        w.Line("// runtime keeps on its frozen heap, so reading them never allocates.");
        bool comment = model.ParameterCount < CommentedParameterLimit;
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i].EmitType(w, i, comment);
            if (i < layers.Length - 1) w.Line();
        }
    }
}
