using System;
using System.IO;
using System.Numerics.Tensors;
using System.Text;
using GruTiny.Kernels;
using GruTiny.Model;
using GruTiny.Model.Onnx;

namespace GruTiny;

/// <summary>
/// A <c>grutiny/1</c> or ONNX model loaded at run time: the same semantics as a type compiled with
/// <see cref="GruModelAttribute"/>, for models chosen at run time, and as an independent oracle for the
/// generated code (it keeps PyTorch's tensor layout and uses <see cref="TensorPrimitives"/>).
/// </summary>
/// <remarks>
/// Loading validates the file with the generator's rules and messages and allocates every buffer;
/// <c>Step</c>, <c>Run</c>, <c>RunFinal</c> and the state methods allocate nothing. An instance is not thread-safe:
/// use one per stream.
/// </remarks>
public sealed class GruNetwork : IGruTokenModel
{
    private readonly ModelDescription _model;
    private readonly float[][] _hidden;     // per layer (null for dense): the hidden state
    private readonly float[][] _outputs;    // per layer: this step's output (new hidden state for gru)
    private readonly float[] _gi, _gh, _scratch;
    private readonly float[] _normalizedInput;   // input_normalization: this step's normalised input

    private GruNetwork(ModelDescription model)
    {
        _model = model;
        int layers = model.Layers.Length, widest = 0;
        _hidden = new float[layers][];
        _outputs = new float[layers][];
        for (int i = 0; i < layers; i++)
        {
            LayerDescription layer = model.Layers[i];
            _outputs[i] = new float[layer.OutputSize];
            if (layer is GruLayerDescription gru)
            {
                _hidden[i] = new float[gru.HiddenSize];
                widest = Math.Max(widest, gru.HiddenSize);
            }
        }

        _gi = new float[3 * widest];
        _gh = new float[3 * widest];
        _scratch = new float[widest];
        _normalizedInput = new float[model.InputNormalization is null ? 0 : model.InputSize];
    }

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
        if (check is null) return new GruNetwork(result.Model);
        if (!check.Passes(options.SelfCheckTolerance))
            throw new GruModelFormatException(ModelDiagnosticIds.SelfCheckFailed, check.FailureMessage(options.SelfCheckTolerance), 0, 0);
        return new GruNetwork(result.Model) { SelfCheckWorstError = check.WorstRatio };
    }

    /// <inheritdoc/>
    /// <remarks>1 for a token model (its first layer is an embedding): the float API then takes the token id.</remarks>
    public int InputSize => _model.StepInputWidth;

    /// <summary>The number of token ids a token model accepts (its embedding's rows); 0 for other models.</summary>
    public int VocabularySize => _model.Embedding?.VocabularySize ?? 0;

    /// <inheritdoc/>
    public int OutputSize => _model.OutputSize;

    /// <inheritdoc/>
    public int StateSize => _model.StateSize;

    /// <summary>Weights and biases in the model.</summary>
    public long ParameterCount => _model.ParameterCount;

    /// <inheritdoc/>
    public void Reset()
    {
        foreach (float[] h in _hidden) h?.AsSpan().Clear();
    }

    /// <inheritdoc/>
    public void Step(ReadOnlySpan<float> input, Span<float> output)
    {
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
        _outputs[^1].CopyTo(output);
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
        if (VocabularySize > 0) TokenChecks.Check(inputs, VocabularySize, nameof(inputs));
        for (int t = 0; t < steps; t++) Advance(inputs.Slice(t * InputSize, InputSize), default);
        _outputs[^1].CopyTo(output);
    }

    /// <inheritdoc/>
    public void CopyStateTo(Span<float> state)
    {
        if (state.Length != StateSize) GruThrowHelper.ThrowLengthMismatch(nameof(state), StateSize, state.Length);
        int at = 0;
        foreach (float[] h in _hidden)
        {
            if (h is null) continue;
            h.CopyTo(state.Slice(at));
            at += h.Length;
        }
    }

    /// <inheritdoc/>
    public void SetState(ReadOnlySpan<float> state)
    {
        if (state.Length != StateSize) GruThrowHelper.ThrowLengthMismatch(nameof(state), StateSize, state.Length);
        int at = 0;
        foreach (float[] h in _hidden)
        {
            if (h is null) continue;
            state.Slice(at, h.Length).CopyTo(h);
            at += h.Length;
        }
    }

    // One step. The input is read completely (by the first layer) before the output is written, so they may
    // share memory; an empty output (RunFinal) leaves the result in the last layer's buffer.
    private void Advance(ReadOnlySpan<float> input, Span<float> output)
    {
        ReadOnlySpan<float> x = input;
        if (_model.InputNormalization is { } inNorm)
        {
            for (int j = 0; j < _normalizedInput.Length; j++) _normalizedInput[j] = (input[j] - inNorm.Mean[j]) / inNorm.Std[j];
            x = _normalizedInput;
        }

        for (int i = 0; i < _model.Layers.Length; i++)
        {
            switch (_model.Layers[i])
            {
                case EmbeddingLayerDescription embedding:
                    // A row lookup; the token was checked by the caller.
                    embedding.Weight.AsSpan((int)x[0] * embedding.Dimension, embedding.Dimension).CopyTo(_outputs[i]);
                    break;
                case GruLayerDescription gru:
                    GruStep(gru, x, _hidden[i], _outputs[i]);
                    _outputs[i].AsSpan().CopyTo(_hidden[i]);
                    break;
                case DenseLayerDescription dense:
                    DenseStep(dense, x, _outputs[i]);
                    break;
            }

            x = _outputs[i];
        }

        if (_model.OutputNormalization is { } outNorm)
        {
            // In place: a GRU's hidden state was copied out above, and RunFinal reads this buffer.
            float[] y = _outputs[^1];
            for (int j = 0; j < y.Length; j++) y[j] = y[j] * outNorm.Std[j] + outNorm.Mean[j];
        }

        if (!output.IsEmpty) x.CopyTo(output);
    }

    private void GruStep(GruLayerDescription layer, ReadOnlySpan<float> x, ReadOnlySpan<float> h, Span<float> next)
    {
        int n = layer.HiddenSize;
        Span<float> gi = _gi.AsSpan(0, 3 * n), gh = _gh.AsSpan(0, 3 * n), tmp = _scratch.AsSpan(0, n);
        MatVec(layer.WeightIh, layer.BiasIh, x, gi);

        // r and z: σ(W_i x + b_i + W_h h + b_h).
        MatVec(layer.WeightHh.AsSpan(0, 2 * n * n), layer.BiasHh is null ? null : layer.BiasHh.AsSpan(0, 2 * n), h, gh.Slice(0, 2 * n));
        TensorPrimitives.Add(gi.Slice(0, 2 * n), gh.Slice(0, 2 * n), gi.Slice(0, 2 * n));
        TensorPrimitives.Sigmoid(gi.Slice(0, 2 * n), gi.Slice(0, 2 * n));
        Span<float> r = gi.Slice(0, n), z = gi.Slice(n, n), inX = gi.Slice(2 * n, n), hn = gh.Slice(2 * n, n);

        ReadOnlySpan<float> whn = layer.WeightHh.AsSpan(2 * n * n, n * n);
        ReadOnlySpan<float> bhn = layer.BiasHh is null ? default : layer.BiasHh.AsSpan(2 * n, n);
        if (layer.LinearBeforeReset)
        {
            MatVec(whn, bhn, h, hn);                          // W_hn h + b_hn
            TensorPrimitives.Multiply(r, hn, hn);             // r ⊙ (W_hn h + b_hn)
        }
        else
        {
            TensorPrimitives.Multiply(r, h, tmp);             // r ⊙ h
            MatVec(whn, bhn, tmp, hn);                        // W_hn (r ⊙ h) + b_hn
        }

        TensorPrimitives.Add(inX, hn, tmp);
        TensorPrimitives.Tanh(tmp, tmp);                      // n
        TensorPrimitives.Subtract(h, tmp, next);              // h − n
        TensorPrimitives.MultiplyAdd(next, z, tmp, next);     // n + z (h − n) = (1 − z) n + z h
    }

    private static void DenseStep(DenseLayerDescription layer, ReadOnlySpan<float> x, Span<float> y)
    {
        MatVec(layer.Weight, layer.Bias, x, y);
        switch (layer.Activation)
        {
            case DenseActivation.Relu: TensorPrimitives.Max(y, 0f, y); break;
            case DenseActivation.Sigmoid: TensorPrimitives.Sigmoid(y, y); break;
            case DenseActivation.Tanh: TensorPrimitives.Tanh(y, y); break;
            case DenseActivation.Softmax:
                // Shift by the maximum first: TensorPrimitives.SoftMax computes e^x / Σ e^x as it is, which
                // overflows to ∞/∞ = NaN above x ≈ 88 (the generated kernel shifts too).
                TensorPrimitives.Subtract(y, TensorPrimitives.Max(y), y);
                TensorPrimitives.SoftMax(y, y);
                break;
        }
    }

    // y = W x + b with W row-major [y.Length × x.Length]: one dot product per row.
    private static void MatVec(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y)
    {
        int columns = x.Length;
        for (int row = 0; row < y.Length; row++)
            y[row] = TensorPrimitives.Dot(weight.Slice(row * columns, columns), x) + (bias.IsEmpty ? 0f : bias[row]);
    }
}
