using System;
using System.IO;
using System.Text;
using GruTiny.Interpreter.Layers;
using GruTiny.Kernels;
using GruTiny.Model;
using GruTiny.Model.Onnx;

namespace GruTiny;

/// <summary>
/// A <c>grutiny/1</c> or ONNX model loaded at run time: the same semantics as a type compiled with
/// <see cref="GruModelAttribute"/>, for models chosen at run time, and as an independent oracle for the
/// generated code (it keeps PyTorch's tensor layout and uses <see cref="System.Numerics.Tensors.TensorPrimitives"/>).
/// </summary>
/// <remarks>
/// Loading validates the file with the generator's rules and messages and allocates every buffer;
/// <c>Step</c>, <c>Run</c>, <c>RunFinal</c> and the state methods allocate nothing (for a model that reads whole
/// sequences, <c>Run</c> and <c>RunFinal</c> without a workspace grow one of the network's own when a sequence is
/// longer than any before; the overloads that take a workspace never allocate). An instance is not thread-safe:
/// use one per stream.
/// </remarks>
public sealed class GruNetwork : IGruTokenModel, IGruSequenceModel
{
    private readonly ModelDescription _model;
    private readonly InterpreterLayer[] _layers;
    private readonly float[] _normalizedInput;   // input_normalization: this step's normalised input
    private readonly int _rowWidth;              // a model that reads whole sequences: its widest layer's outputs
    private float[] _workspace = [];             // … and Run's workspace when the caller gives none, grown to the longest T

    private GruNetwork(ModelDescription model)
    {
        _model = model;
        _layers = new InterpreterLayer[model.Layers.Length];
        for (int i = 0; i < _layers.Length; i++)
        {
            _layers[i] = InterpreterLayers.For(model.Layers[i]);
            _rowWidth = Math.Max(_rowWidth, model.Layers[i].OutputSize);
        }

        _normalizedInput = new float[model.InputNormalization is null ? 0 : model.InputSize];
    }

    /// <summary>
    /// Whether the model reads whole sequences: it has a reverse or bidirectional GRU, so it implements
    /// <see cref="IGruSequenceModel"/> (each <c>Run</c> a new sequence from the initial state, no state kept) and
    /// <c>Step</c> throws <see cref="InvalidOperationException"/>. False for a model that streams
    /// (<see cref="IGruModel"/>), whose workspace overloads throw instead.
    /// </summary>
    public bool ReadsWholeSequences => !_model.Streams;

    /// <summary>Loads a model description from its JSON text.</summary>
    /// <param name="json">The grutiny/1 description.</param>
    /// <param name="options">Loading options (self-check); null for <see cref="GruNetworkLoadOptions.Default"/>.</param>
    /// <exception cref="GruModelFormatException">The description is invalid, or fails its self-check; the exception carries the GRUT ID, message and position.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the type of their one required parameter (string, Stream, byte span), so no call is ambiguous; options stay optional in each.")]
    public static GruNetwork Load(string json, GruNetworkLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return Create(json, options, static (text, max) => (ModelDescriptionReader.TryRead(text, max, out SelfCheck? c, out ModelFormatError? e), c, e));
        }
        catch (GruModelFormatException e) when (e.DiagnosticId == ModelDiagnosticIds.InvalidJson && LooksLikePath(json))
        {
            // The name invites Load("models/x.gru.json"): say what the argument is, not only that it is bad JSON.
            throw new GruModelFormatException(e.DiagnosticId, $"{e.Reason} The text passed to Load is \"{json}\", which looks like a file path: Load takes the model's JSON text; GruNetwork.LoadFile(path) reads a file.", e.Line, e.Column);
        }
    }

    private static bool LooksLikePath(string text) =>
        text.Length < 1024 && text.IndexOfAny(['{', '\n']) < 0 &&
        (text.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || OnnxModelReader.IsOnnxPath(text) || File.Exists(text));

    /// <summary>Loads a model description from a UTF-8 stream.</summary>
    /// <exception cref="GruModelFormatException">The description is invalid, or fails its self-check.</exception>
    /// <exception cref="IOException">The stream cannot be read.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the type of their one required parameter (string, Stream, byte span), so no call is ambiguous; options stay optional in each.")]
    public static GruNetwork Load(Stream stream, GruNetworkLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        return Load(reader.ReadToEnd(), options);
    }

    /// <summary>Loads an ONNX model (a GRU exported from PyTorch, or built with the ONNX GRU operator).</summary>
    /// <param name="onnx">The bytes of the .onnx file.</param>
    /// <exception cref="GruModelFormatException">The file is not an ONNX model GruTiny compiles; the exception carries the GRUT ID and a message naming the node, operator and attribute or input at fault.</exception>
    /// <param name="options">Loading options (self-check); null for <see cref="GruNetworkLoadOptions.Default"/>.</param>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the type of their one required parameter (string, Stream, byte span), so no call is ambiguous; options stay optional in each.")]
    public static GruNetwork LoadOnnx(ReadOnlySpan<byte> onnx, GruNetworkLoadOptions? options = null) =>
        Create(onnx.ToArray(), options, static (bytes, max) => (OnnxModelReader.TryRead(bytes, max, out SelfCheck? c, out ModelFormatError? e), c, e));

    /// <summary>Loads an ONNX model from a stream.</summary>
    /// <exception cref="GruModelFormatException">The file is not an ONNX model GruTiny compiles.</exception>
    /// <exception cref="IOException">The stream cannot be read.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in the type of their one required parameter (string, Stream, byte span), so no call is ambiguous; options stay optional in each.")]
    public static GruNetwork LoadOnnx(Stream stream, GruNetworkLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return LoadOnnx(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), options);
    }

    /// <summary>Loads a model file: ONNX when its name ends in <c>.onnx</c>, a <c>grutiny/1</c> description otherwise (as the generator decides).</summary>
    /// <exception cref="GruModelFormatException">The model is invalid.</exception>
    /// <exception cref="IOException">The file cannot be read (<see cref="FileNotFoundException"/> when it does not exist); <see cref="File.ReadAllBytes(string)"/> documents the rest.</exception>
    public static GruNetwork LoadFile(string path, GruNetworkLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            return OnnxModelReader.IsOnnxPath(path) ? LoadOnnx(File.ReadAllBytes(path), options) : Load(File.ReadAllText(path, Encoding.UTF8), options);
        }
        catch (GruModelFormatException e) when (e.FilePath is null)
        {
            throw e.InFile(path);
        }
    }

    /// <summary>
    /// The worst self-check error found while loading, as a fraction of max(1, |expected|); null when the model
    /// has no self-check data or the check was turned off.
    /// </summary>
    public double? SelfCheckWorstError { get; private init; }

    private static GruNetwork Create<T>(T input, GruNetworkLoadOptions? options, Func<T, long, (ModelDescription? Model, SelfCheck? Check, ModelFormatError? Error)> read)
    {
        options ??= GruNetworkLoadOptions.Default;
        if (options.Weights is not (GruWeightType.Float32 or GruWeightType.Float16 or GruWeightType.Int8))
            throw new ArgumentOutOfRangeException(nameof(options), options.Weights, "Weights must be Float32, Float16 or Int8.");
        if (options.QuantizedTolerance is { } q && (!(q > 0) || double.IsInfinity(q)))
            throw new ArgumentOutOfRangeException(nameof(options), q, "QuantizedTolerance must be a positive finite number, or null.");
        if (!(options.SelfCheckTolerance > 0) || double.IsInfinity(options.SelfCheckTolerance))
            throw new ArgumentOutOfRangeException(nameof(options), options.SelfCheckTolerance, "SelfCheckTolerance must be a positive finite number.");
        if (options.MaxParameters < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxParameters, "MaxParameters must be at least 1.");
        (ModelDescription? Model, SelfCheck? Check, ModelFormatError? Error) result;
        SelfCheckResult? check = null;
        try
        {
            result = read(input, options.MaxParameters);
            if (result.Model is not null && result.Check is not null && options.VerifySelfCheck)
                check = SelfCheckRunner.Run(result.Model, result.Check);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The readers turn every problem with the input into a ModelFormatError; anything else is a bug in
            // them, still reported as the one exception type callers handle (the generator reports GRUT099).
            throw new GruModelFormatException(ModelDiagnosticIds.InternalError, "The model could not be read: " + e.Message, e);
        }

        if (result.Model is null) throw new GruModelFormatException(result.Error!);
        if (check is not null && !check.Passes(options.SelfCheckTolerance))
            throw new GruModelFormatException(ModelDiagnosticIds.SelfCheckFailed, check.FailureMessage(options.SelfCheckTolerance), 0, 0);

        // The self-check guards the float model; a quantised one is then measured against the same outputs.
        GruWeightType weights = options.Weights;
        ModelDescription model = result.Model;
        double? deviation = null;
        if (weights != GruWeightType.Float32)
        {
            if (weights == GruWeightType.Float16 && WeightQuantizer.Float16Overflow(model) is { } overflow)
                throw new GruModelFormatException(ModelDiagnosticIds.Float16Overflow, overflow + "; keep float32 or int8 weights for this model", 0, 0);
            model = WeightQuantizer.Dequantized(model, weights);
            if (check is not null)
            {
                SelfCheckResult quantized = SelfCheckRunner.Run(model, result.Check!);
                deviation = quantized.WorstRatio;
                if (options.QuantizedTolerance is { } tolerance && !quantized.Passes(tolerance))
                    throw new GruModelFormatException(ModelDiagnosticIds.QuantizedTooFar, quantized.TooFarMessage(weights, tolerance), 0, 0);
            }
        }

        return new GruNetwork(model) { SelfCheckWorstError = check?.WorstRatio, WeightType = weights, QuantizedDeviation = deviation };
    }

    /// <summary>The weight type the network computes with (<see cref="GruNetworkLoadOptions.Weights"/>).</summary>
    public GruWeightType WeightType { get; private init; }

    /// <summary>
    /// For a quantised network whose self-check was verified: its worst deviation from the self-check outputs, as a
    /// fraction of max(1, |expected|) (the float model is within <see cref="GruNetworkLoadOptions.SelfCheckTolerance"/>
    /// of them); null otherwise.
    /// </summary>
    public double? QuantizedDeviation { get; private init; }

    /// <inheritdoc/>
    /// <remarks>1 for a token model (its first layer is an embedding): the float API then takes the token id.</remarks>
    public int InputSize => _model.StepInputWidth;

    /// <summary>The number of token ids a token model accepts (its embedding's rows); 0 for other models.</summary>
    public int VocabularySize => _model.Embedding?.VocabularySize ?? 0;

    /// <inheritdoc/>
    public int OutputSize => _model.OutputSize;

    /// <inheritdoc/>
    public int StateSize => _model.Streams ? _model.StateSize : 0; // a model that reads whole sequences keeps none

    /// <summary>Weights and biases in the model.</summary>
    public long ParameterCount => _model.ParameterCount;

    /// <inheritdoc/>
    public void Reset()
    {
        foreach (InterpreterLayer layer in _layers) layer.Reset();
    }

    /// <inheritdoc/>
    public void Step(ReadOnlySpan<float> input, Span<float> output)
    {
        RequireStreaming();
        if (input.Length != InputSize) GruThrowHelper.ThrowLengthMismatch(nameof(input), InputSize, input.Length);
        if (output.Length != OutputSize) GruThrowHelper.ThrowLengthMismatch(nameof(output), OutputSize, output.Length);
        if (VocabularySize > 0) TokenChecks.Check(input, VocabularySize, nameof(input));
        Advance(input, output);
    }

    /// <summary>Advances a token model by one token.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The token is not in [0, <see cref="VocabularySize"/>); the state is unchanged.</exception>
    /// <exception cref="InvalidOperationException">The model does not take tokens.</exception>
    public void Step(int token, Span<float> output)
    {
        RequireTokens();
        TokenChecks.Check([token], VocabularySize, nameof(token));
        Step([(float)token], output);
    }

    /// <summary>Advances a token model by T tokens; equal to T calls of <see cref="Step(int, Span{float})"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A token is out of range; checked before any state changes.</exception>
    public void Run(ReadOnlySpan<int> tokens, Span<float> outputs)
    {
        RequireTokens();
        if ((long)tokens.Length * OutputSize != outputs.Length) GruThrowHelper.ThrowStepsMismatch(nameof(outputs), (long)tokens.Length * OutputSize, tokens.Length, OutputSize, outputs.Length);
        if (System.Runtime.InteropServices.MemoryMarshal.Cast<int, float>(tokens).Overlaps(outputs)) GruThrowHelper.ThrowOverlap(nameof(outputs));
        TokenChecks.Check(tokens, VocabularySize, nameof(tokens));
        for (int t = 0; t < tokens.Length; t++) Advance([(float)tokens[t]], outputs.Slice(t * OutputSize, OutputSize));
    }

    /// <summary>Advances a token model by T ≥ 1 tokens and writes only the last step's output.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A token is out of range; checked before any state changes.</exception>
    public void RunFinal(ReadOnlySpan<int> tokens, Span<float> output)
    {
        RequireTokens();
        if (tokens.IsEmpty) GruThrowHelper.ThrowEmptySequence(nameof(tokens), 1);
        if (output.Length != OutputSize) GruThrowHelper.ThrowLengthMismatch(nameof(output), OutputSize, output.Length);
        TokenChecks.Check(tokens, VocabularySize, nameof(tokens));
        for (int t = 0; t < tokens.Length; t++) Advance([(float)tokens[t]], default);
        _layers[^1].Output.CopyTo(output);
    }

    private void RequireTokens()
    {
        if (VocabularySize == 0) throw new InvalidOperationException("This model takes feature vectors, not tokens (its first layer is not an embedding).");
    }

    /// <inheritdoc/>
    public void Run(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        int steps = inputs.Length / InputSize;
        if (steps * InputSize != inputs.Length) GruThrowHelper.ThrowNotWholeRows(nameof(inputs), InputSize, inputs.Length);
        if ((long)steps * OutputSize != outputs.Length) GruThrowHelper.ThrowStepsMismatch(nameof(outputs), (long)steps * OutputSize, steps, OutputSize, outputs.Length);
        if (steps == 0) return;
        if (inputs.Overlaps(outputs)) GruThrowHelper.ThrowOverlap(nameof(outputs));
        if (!_model.Streams)
        {
            RunSequence(inputs, outputs, steps, OwnWorkspace(steps));
            return;
        }

        if (VocabularySize > 0) TokenChecks.Check(inputs, VocabularySize, nameof(inputs));
        for (int t = 0; t < steps; t++)
            Advance(inputs.Slice(t * InputSize, InputSize), outputs.Slice(t * OutputSize, OutputSize));
    }

    /// <summary>Advances T ≥ 1 steps and writes only the last step's output.</summary>
    /// <exception cref="ArgumentException">A span has the wrong length, or there are no steps.</exception>
    public void RunFinal(ReadOnlySpan<float> inputs, Span<float> output)
    {
        int steps = inputs.Length / InputSize;
        if (steps * InputSize != inputs.Length) GruThrowHelper.ThrowNotWholeRows(nameof(inputs), InputSize, inputs.Length);
        if (steps == 0) GruThrowHelper.ThrowEmptySequence(nameof(inputs), InputSize);
        if (output.Length != OutputSize) GruThrowHelper.ThrowLengthMismatch(nameof(output), OutputSize, output.Length);
        if (!_model.Streams)
        {
            RunSequenceFinal(inputs, output, steps, OwnWorkspace(steps));
            return;
        }

        if (VocabularySize > 0) TokenChecks.Check(inputs, VocabularySize, nameof(inputs));
        for (int t = 0; t < steps; t++) Advance(inputs.Slice(t * InputSize, InputSize), default);
        _layers[^1].Output.CopyTo(output);
    }

    /// <summary>Floats of workspace a sequence of <paramref name="steps"/> steps needs (a model that reads whole sequences).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is negative, or the length would overflow.</exception>
    public int WorkspaceLength(int steps)
    {
        if (steps < 0 || steps > MaxSteps)
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"Expected 0 to {MaxSteps} steps.");
        return (int)(steps * StepWork);
    }

    private long StepWork => 2L * _rowWidth + _normalizedInput.Length + OutputSize;

    // The longest sequence whose workspace a span can hold.
    private int MaxSteps => (int)(int.MaxValue / StepWork);

    /// <summary>A whole sequence from the initial state, with a workspace of the caller's (a model that reads whole sequences); never allocates.</summary>
    /// <exception cref="InvalidOperationException">The model streams: <see cref="Run(ReadOnlySpan{float}, Span{float})"/> continues from its state.</exception>
    public void Run(ReadOnlySpan<float> inputs, Span<float> outputs, Span<float> workspace)
    {
        RequireSequence();
        int steps = inputs.Length / InputSize;
        if (steps * InputSize != inputs.Length) GruThrowHelper.ThrowNotWholeRows(nameof(inputs), InputSize, inputs.Length);
        if ((long)steps * OutputSize != outputs.Length) GruThrowHelper.ThrowStepsMismatch(nameof(outputs), (long)steps * OutputSize, steps, OutputSize, outputs.Length);
        if (steps == 0) return;
        if (inputs.Overlaps(outputs)) GruThrowHelper.ThrowOverlap(nameof(outputs));
        RunSequence(inputs, outputs, steps, CheckWorkspace(workspace, steps, inputs, outputs));
    }

    /// <summary>A whole sequence of T ≥ 1 steps from the initial state, with a workspace of the caller's: the last step's output.</summary>
    /// <exception cref="InvalidOperationException">The model streams.</exception>
    public void RunFinal(ReadOnlySpan<float> inputs, Span<float> output, Span<float> workspace)
    {
        RequireSequence();
        int steps = inputs.Length / InputSize;
        if (steps * InputSize != inputs.Length) GruThrowHelper.ThrowNotWholeRows(nameof(inputs), InputSize, inputs.Length);
        if (steps == 0) GruThrowHelper.ThrowEmptySequence(nameof(inputs), InputSize);
        if (output.Length != OutputSize) GruThrowHelper.ThrowLengthMismatch(nameof(output), OutputSize, output.Length);
        RunSequenceFinal(inputs, output, steps, CheckWorkspace(workspace, steps, inputs, output));
    }

    private Span<float> CheckWorkspace(Span<float> workspace, int steps, ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        if (steps > MaxSteps) throw new ArgumentException($"A sequence of {steps} steps needs a workspace of more than {int.MaxValue} floats; split it.", nameof(inputs));
        int length = WorkspaceLength(steps);
        if (workspace.Length < length) GruThrowHelper.ThrowWorkspaceTooShort(nameof(workspace), length, steps, workspace.Length);
        if (workspace.Overlaps(inputs) || workspace.Overlaps(outputs)) GruThrowHelper.ThrowOverlap(nameof(workspace));
        return workspace.Slice(0, length);
    }

    // Run without a workspace: the network's own, grown when a sequence is longer than any before (so it allocates
    // then, and never again for sequences up to that length).
    private Span<float> OwnWorkspace(int steps)
    {
        if (steps > MaxSteps) throw new ArgumentException($"A sequence of {steps} steps needs a workspace of more than {int.MaxValue} floats; split it.", "inputs");
        int length = WorkspaceLength(steps);
        if (_workspace.Length < length) _workspace = new float[length];
        return _workspace.AsSpan(0, length);
    }

    private void RunSequenceFinal(ReadOnlySpan<float> inputs, Span<float> output, int steps, Span<float> work)
    {
        Span<float> rows = work.Slice(work.Length - steps * OutputSize);
        RunSequence(inputs, rows, steps, work);
        rows.Slice((steps - 1) * OutputSize, OutputSize).CopyTo(output);
    }

    // A model that reads whole sequences: layer after layer over all steps, in two rows per step of the
    // workspace that alternate; the last layer writes the caller's rows.
    private void RunSequence(ReadOnlySpan<float> inputs, Span<float> outputs, int steps, Span<float> work)
    {
        int width = _rowWidth;
        Span<float> a = work.Slice(0, steps * width), b = work.Slice(steps * width, steps * width);
        ReadOnlySpan<float> source = inputs;
        int stride = InputSize;
        if (_model.InputNormalization is { } inNorm)
        {
            Span<float> normalized = work.Slice(2 * steps * width, steps * InputSize);
            for (int t = 0; t < steps; t++)
                NormalizationSteps.Normalize(inNorm, inputs.Slice(t * InputSize, InputSize), normalized.Slice(t * InputSize, InputSize));
            source = normalized;
        }

        for (int i = 0; i < _layers.Length; i++)
        {
            bool last = i == _layers.Length - 1;
            Span<float> target = last ? outputs : i % 2 == 0 ? a : b;
            int targetStride = last ? OutputSize : width;
            _layers[i].Sequence(source, stride, _model.Layers[i].InputSize, target, targetStride, steps);
            source = target;
            stride = targetStride;
        }

        if (_model.OutputNormalization is { } outNorm)
            for (int t = 0; t < steps; t++) NormalizationSteps.Denormalize(outNorm, outputs.Slice(t * OutputSize, OutputSize));
    }

    // Through an interface, each member keeps its interface's promise: IGruModel.Run continues from the state
    // (a model that reads whole sequences cannot), IGruSequenceModel.Run starts a new sequence (a streaming
    // model's Run does not).
    void IGruModel.Run(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        RequireStreaming();
        Run(inputs, outputs);
    }

    void IGruSequenceModel.Run(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        RequireSequence();
        Run(inputs, outputs);
    }

    void IGruSequenceModel.RunFinal(ReadOnlySpan<float> inputs, Span<float> output)
    {
        RequireSequence();
        RunFinal(inputs, output);
    }

    private void RequireStreaming()
    {
        if (!_model.Streams)
            throw new InvalidOperationException("This model reads whole sequences (it has a reverse or bidirectional GRU layer), so it cannot advance one step at a time: call Run or RunFinal with the whole sequence (IGruSequenceModel).");
    }

    private void RequireSequence()
    {
        if (_model.Streams)
            throw new InvalidOperationException("This model streams (every GRU layer runs forward): Run(inputs, outputs) and RunFinal(inputs, output) continue from its state, and it needs no workspace.");
    }

    /// <inheritdoc/>
    public void CopyStateTo(Span<float> state)
    {
        if (state.Length != StateSize) GruThrowHelper.ThrowLengthMismatch(nameof(state), StateSize, state.Length);
        if (!_model.Streams) return; // a model that reads whole sequences keeps no state
        int at = 0;
        foreach (InterpreterLayer layer in _layers)
        {
            layer.CopyStateTo(state.Slice(at, layer.StateSize));
            at += layer.StateSize;
        }
    }

    /// <inheritdoc/>
    public void SetState(ReadOnlySpan<float> state)
    {
        if (state.Length != StateSize) GruThrowHelper.ThrowLengthMismatch(nameof(state), StateSize, state.Length);
        if (!_model.Streams) return; // a model that reads whole sequences keeps no state
        int at = 0;
        foreach (InterpreterLayer layer in _layers)
        {
            layer.SetState(state.Slice(at, layer.StateSize));
            at += layer.StateSize;
        }
    }

    // One step. The input is read completely (by the first layer) before the output is written, so they may
    // share memory; an empty output (RunFinal) leaves the result in the last layer's buffer.
    private void Advance(ReadOnlySpan<float> input, Span<float> output)
    {
        ReadOnlySpan<float> x = input;
        if (_model.InputNormalization is { } inNorm)
        {
            NormalizationSteps.Normalize(inNorm, input, _normalizedInput);
            x = _normalizedInput;
        }

        foreach (InterpreterLayer layer in _layers)
        {
            layer.Step(x);
            x = layer.Output;
        }

        // In place on the last layer's output: a GRU copied its new state out already, and RunFinal reads it.
        if (_model.OutputNormalization is { } outNorm) NormalizationSteps.Denormalize(outNorm, _layers[^1].Output);
        if (!output.IsEmpty) x.CopyTo(output);
    }
}
