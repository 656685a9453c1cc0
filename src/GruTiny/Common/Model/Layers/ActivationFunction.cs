using System;
using GruTiny.Kernels;

namespace GruTiny.Model;

/// <summary>
/// An activation with its parameters, as a dense layer or an activation layer holds it. Immutable and compared bit
/// for bit, like the layers.
/// </summary>
internal sealed class ActivationFunction : IEquatable<ActivationFunction>
{
    /// <summary>PyTorch's defaults, which grutiny/1 takes when the file omits a parameter (docs/model-format.md).</summary>
    public const float DefaultNegativeSlope = 0.01f, DefaultEluAlpha = 1f, DefaultMinVal = -1f, DefaultMaxVal = 1f;

    /// <summary>PyTorch's hardsigmoid, relu6(x + 3) / 6, as α·x + β (ONNX's HardSigmoid defaults to α = 0.2 instead).</summary>
    public const float DefaultHardsigmoidAlpha = 1f / 6f, DefaultHardsigmoidBeta = 0.5f;

    public static readonly ActivationFunction Linear = new(ActivationKind.Linear);

    private readonly int _hash;

    public ActivationFunction(ActivationKind kind, float alpha = 0f, float beta = 0f, float[]? slopes = null)
    {
        Kind = kind;
        Alpha = alpha;
        Beta = beta;
        Slopes = slopes;
        _hash = ((((int)kind * 31) + FloatBits.ToInt32(alpha)) * 31 + FloatBits.ToInt32(beta)) * 31 + LayerDescription.HashBits(slopes);
    }

    public ActivationKind Kind { get; }

    /// <summary>leaky_relu: negative_slope; elu: alpha; hardtanh: min_val; hardsigmoid: alpha. 0 otherwise.</summary>
    public float Alpha { get; }

    /// <summary>hardtanh: max_val; hardsigmoid: beta. 0 otherwise.</summary>
    public float Beta { get; }

    /// <summary>prelu: the learned slopes, one for every feature or one for all; null otherwise.</summary>
    public float[]? Slopes { get; }

    /// <summary>Learned values the function holds (prelu's slopes), counted as parameters.</summary>
    public int ParameterCount => Slopes?.Length ?? 0;

    /// <summary>Whether the function mixes the values of a row (softmax, log_softmax) rather than mapping each alone.</summary>
    public bool IsRowWise => Kind is ActivationKind.Softmax or ActivationKind.LogSoftmax;

    /// <summary>The slope of feature <paramref name="index"/> (prelu).</summary>
    public float Slope(int index) => Slopes!.Length == 1 ? Slopes[0] : Slopes[index];

    /// <summary>"gelu", "leaky_relu(negative_slope=0.2)": for comments and messages; numbers only, never text from a file.</summary>
    public string Describe()
    {
        string name = ActivationNames.Name(Kind);
        string R(float v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return Kind switch
        {
            ActivationKind.LeakyRelu => $"{name}(negative_slope={R(Alpha)})",
            ActivationKind.Elu => $"{name}(alpha={R(Alpha)})",
            ActivationKind.Hardtanh => $"{name}(min_val={R(Alpha)}, max_val={R(Beta)})",
            ActivationKind.Hardsigmoid => $"{name}(alpha={R(Alpha)}, beta={R(Beta)})",
            ActivationKind.Prelu => $"{name}({Slopes!.Length} slope{(Slopes.Length == 1 ? "" : "s")})",
            _ => name,
        };
    }

    public bool Equals(ActivationFunction? other) =>
        other is not null && _hash == other._hash && Kind == other.Kind && FloatBits.ToInt32(Alpha) == FloatBits.ToInt32(other.Alpha)
        && FloatBits.ToInt32(Beta) == FloatBits.ToInt32(other.Beta) && LayerDescription.SameBits(Slopes, other.Slopes);

    public override bool Equals(object? obj) => Equals(obj as ActivationFunction);

    public override int GetHashCode() => _hash;
}
