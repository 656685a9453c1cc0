namespace GruTiny.Model;

/// <summary>
/// A GRU layer: tensors exactly as PyTorch's <c>nn.GRU</c> holds them (gates r, z, n). A bidirectional layer holds
/// its forward direction's tensors and, in <see cref="Backward"/>, the reverse direction as a layer of its own.
/// </summary>
internal sealed class GruLayerDescription : LayerDescription
{
    private readonly int _hash;

    public GruLayerDescription(
        int inputSize, int hiddenSize, bool linearBeforeReset,
        float[] weightIh, float[] weightHh, float[]? biasIh, float[]? biasHh,
        float? clip = null, float[]? initialState = null,
        GruDirection direction = GruDirection.Forward, GruLayerDescription? backward = null)
        : base(inputSize, direction == GruDirection.Bidirectional ? 2 * hiddenSize : hiddenSize)
    {
        if ((direction == GruDirection.Bidirectional) != (backward is not null) || backward is { Direction: not GruDirection.Reverse })
            throw new System.ArgumentException("A bidirectional layer, and only one, has a reverse-running backward half.", nameof(backward));
        HiddenSize = hiddenSize;
        Direction = direction;
        Backward = backward;
        LinearBeforeReset = linearBeforeReset;
        WeightIh = weightIh;
        WeightHh = weightHh;
        BiasIh = biasIh;
        BiasHh = biasHh;
        Clip = clip;
        InitialState = initialState;
        _hash = (((((inputSize * 31 + hiddenSize) * 2 + (linearBeforeReset ? 1 : 0)) * 31 + HashBits(weightIh)) * 31
            + HashBits(weightHh)) * 31 + HashBits(biasIh) * 7 + HashBits(biasHh)) * 31
            + (clip is { } c ? FloatBits.ToInt32(c) : 0) * 7 + HashBits(initialState);
        _hash = (_hash * 3 + (int)direction) * 31 + (backward?.GetHashCode() ?? 0);
    }

    /// <summary>Hidden units of one direction.</summary>
    public int HiddenSize { get; }

    /// <summary>Every direction's hidden state (PyTorch's h_n: forward, then reverse).</summary>
    public override int StateSize => OutputSize;

    public GruDirection Direction { get; }

    /// <summary>A bidirectional layer's reverse half (same sizes, variant and clip; its own tensors); null otherwise.</summary>
    public GruLayerDescription? Backward { get; }

    public bool LinearBeforeReset { get; }

    /// <summary>[3H × in], row-major.</summary>
    public float[] WeightIh { get; }

    /// <summary>[3H × H], row-major.</summary>
    public float[] WeightHh { get; }

    /// <summary>[3H], or null when the file has none (zero).</summary>
    public float[]? BiasIh { get; }

    /// <summary>[3H], or null when the file has none (zero).</summary>
    public float[]? BiasHh { get; }

    /// <summary>
    /// ONNX's <c>clip</c>: every gate's input to its activation (σ for r and z, tanh for n) is clamped to
    /// [−Clip, Clip] first; null when the model does not clip.
    /// </summary>
    public float? Clip { get; }

    /// <summary>
    /// [H]: the hidden state a new instance, <c>Reset</c> and <c>default</c> start from (a learned <c>h0</c>, ONNX's
    /// constant <c>initial_h</c>); null for zeros.
    /// </summary>
    public float[]? InitialState { get; }

    public override long ParameterCount =>
        (long)WeightIh.Length + WeightHh.Length + (BiasIh?.Length ?? 0) + (BiasHh?.Length ?? 0) // weights and biases: not the initial state
        + (Backward?.ParameterCount ?? 0);

    public override LayerDescription WithWeights(WeightMap map) => Mapped(map, "");

    private GruLayerDescription Mapped(WeightMap map, string suffix) => new(
        InputSize, HiddenSize, LinearBeforeReset,
        map(WeightIh, 3 * HiddenSize, InputSize, "weight_ih" + suffix), map(WeightHh, 3 * HiddenSize, HiddenSize, "weight_hh" + suffix),
        BiasIh, BiasHh, Clip, InitialState, Direction, Backward?.Mapped(map, "_reverse"));

    public override bool Equals(LayerDescription? other) =>
        other is GruLayerDescription o && _hash == o._hash && InputSize == o.InputSize && HiddenSize == o.HiddenSize
        && LinearBeforeReset == o.LinearBeforeReset && SameBits(WeightIh, o.WeightIh) && SameBits(WeightHh, o.WeightHh)
        && SameBits(BiasIh, o.BiasIh) && SameBits(BiasHh, o.BiasHh)
        && SameClip(Clip, o.Clip) && SameBits(InitialState, o.InitialState)
        && Direction == o.Direction && Equals(Backward, o.Backward);

    private static bool SameClip(float? a, float? b) =>
        a is null ? b is null : b is not null && FloatBits.ToInt32(a.Value) == FloatBits.ToInt32(b.Value);

    public override int GetHashCode() => _hash;
}
