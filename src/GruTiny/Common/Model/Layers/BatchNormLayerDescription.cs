using System;

namespace GruTiny.Model;

/// <summary>
/// Batch normalisation in inference mode over the features of each step, as <c>nn.BatchNorm1d(features)</c> in eval
/// mode and ONNX <c>BatchNormalization</c> compute it: y = (x − running_mean) / √(running_var + eps) · weight + bias.
/// </summary>
internal sealed class BatchNormLayerDescription : LayerDescription
{
    private readonly int _hash;

    public BatchNormLayerDescription(int size, float epsilon, float[] runningMean, float[] runningVar, float[]? weight, float[]? bias)
        : base(size, size)
    {
        Epsilon = epsilon;
        RunningMean = runningMean;
        RunningVar = runningVar;
        Weight = weight;
        Bias = bias;
        _hash = ((((size * 31 + FloatBits.ToInt32(epsilon)) * 31 + HashBits(runningMean)) * 31 + HashBits(runningVar)) * 31 + HashBits(weight)) * 31 + HashBits(bias);
    }

    public float Epsilon { get; }

    /// <summary>[features].</summary>
    public float[] RunningMean { get; }

    /// <summary>[features], each with var + eps &gt; 0.</summary>
    public float[] RunningVar { get; }

    /// <summary>[features], or null (ones: <c>affine=False</c>).</summary>
    public float[]? Weight { get; }

    /// <summary>[features], or null (zeros).</summary>
    public float[]? Bias { get; }

    // Its parameters shift or scale activations directly and are few: never quantised.
    public override LayerDescription WithWeights(WeightMap map) => this;

    public override long ParameterCount => 2L * InputSize + (Weight?.Length ?? 0) + (Bias?.Length ?? 0);

    /// <summary>
    /// The map folded into y = x · scale + shift, scale = weight / √(var + eps) and shift = bias − mean · scale,
    /// computed in float64 and rounded once: what the kernel and the interpreter both compute, so they agree bit for
    /// bit. Folding moves the result by about an ulp of the terms (the float64 reference does not fold).
    /// </summary>
    public (float[] Scale, float[] Shift) Folded()
    {
        var scale = new float[InputSize];
        var shift = new float[InputSize];
        for (int j = 0; j < InputSize; j++)
        {
            double s = (Weight is null ? 1.0 : Weight[j]) / Math.Sqrt((double)RunningVar[j] + Epsilon);
            scale[j] = (float)s;
            shift[j] = (float)((Bias is null ? 0.0 : Bias[j]) - RunningMean[j] * s);
        }

        return (scale, shift);
    }

    public override bool Equals(LayerDescription? other) =>
        other is BatchNormLayerDescription o && _hash == o._hash && InputSize == o.InputSize
        && FloatBits.ToInt32(Epsilon) == FloatBits.ToInt32(o.Epsilon) && SameBits(RunningMean, o.RunningMean)
        && SameBits(RunningVar, o.RunningVar) && SameBits(Weight, o.Weight) && SameBits(Bias, o.Bias);

    public override int GetHashCode() => _hash;
}
