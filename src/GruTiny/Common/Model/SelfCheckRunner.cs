using System;
using System.Globalization;

namespace GruTiny.Model;

/// <summary>
/// Runs a model's self-check sequences through the float64 <see cref="ReferenceModel"/> and finds the output
/// furthest from what the training framework produced, relative to max(1, |expected|). Independent of the
/// tolerance, so the result can be cached per model file and the tolerance applied afterwards.
/// </summary>
internal static class SelfCheckRunner
{
    /// <summary>The default tolerance: |y − expected| ≤ 1e-4 · max(1, |expected|).</summary>
    public const double DefaultTolerance = 1e-4;

    public static SelfCheckResult Run(ModelDescription model, SelfCheck check)
    {
        var reference = new ReferenceModel(model);
        int inSize = model.StepInputWidth, outSize = model.OutputSize; // a token model takes one id per step
        var input = new float[inSize];
        SelfCheckResult worst = new(0, 0, 0, 0, 0, 0, check.Sequences.Length, 0);
        int totalSteps = 0;
        for (int s = 0; s < check.Sequences.Length; s++)
        {
            SelfCheckSequence sequence = check.Sequences[s];
            reference.Reset();
            for (int t = 0; t < sequence.Steps; t++)
            {
                double[] y;
                if (model.Streams)
                {
                    Array.Copy(sequence.Inputs, t * inSize, input, 0, inSize);
                    y = reference.Step(input);
                }
                else
                {
                    // A model that reads whole sequences: row t is its output at the last step of the first t + 1
                    // inputs (RunFinal of that prefix), which a forward that returns every step and one that
                    // returns the last alike can give.
                    var prefix = new float[(t + 1) * inSize];
                    Array.Copy(sequence.Inputs, prefix, prefix.Length);
                    double[][] ys = reference.Run(prefix, t + 1);
                    y = ys[t];
                }

                for (int j = 0; j < outSize; j++)
                {
                    double expected = sequence.Outputs[t * outSize + j];
                    double ratio = Ratio(y[j], expected, model.OutputNormalization, j);
                    if (double.IsNaN(ratio)) ratio = double.PositiveInfinity;
                    if (ratio > worst.WorstRatio || (t == 0 && s == 0 && j == 0))
                        worst = new SelfCheckResult(ratio, s, t, j, y[j], expected, check.Sequences.Length, 0);
                }
            }

            totalSteps += sequence.Steps;
        }

        return worst with { TotalSteps = totalSteps };
    }

    // |y − e| / max(1, |e|), in the model's own (normalised) units when it has output_normalization: in raw
    // units a large offset (kelvin, ppm) would make the tolerance meaninglessly loose.
    private static double Ratio(double y, double expected, Normalization? output, int j)
    {
        if (output is null) return Math.Abs(y - expected) / Math.Max(1, Math.Abs(expected));
        double std = output.Std[j];
        double yn = (y - output.Mean[j]) / std, en = (expected - output.Mean[j]) / std;
        return Math.Abs(yn - en) / Math.Max(1, Math.Abs(en));
    }
}

/// <summary>Where a self-check is furthest from its expected outputs (0-based sequence, step and output index).</summary>
internal sealed record SelfCheckResult(double WorstRatio, int Sequence, int Step, int Index, double Value, double Expected, int Sequences, int TotalSteps)
{
    public bool Passes(double tolerance) => WorstRatio <= tolerance;

    /// <summary>The GRUT041 text: which output, its value, the expected one and the tolerance.</summary>
    public string FailureMessage(double tolerance) => string.Format(CultureInfo.InvariantCulture,
        "self-check failed: sequence {0}, step {1}, output {2} is {3:R} but the training framework produced {4:R} (|difference| = {5:E2} × max(1, |expected|), tolerance {6:E1}). The weights do not compute what the model was trained to compute: check the GRU variant (linear_before_reset) and the exporter.",
        Sequence, Step, Index, Value, Expected, WorstRatio, tolerance);

    /// <summary>The GRUT064 text: how far a quantised model is from the self-check outputs (which the float model matches).</summary>
    public string DeviationMessage(GruWeightType type) => string.Format(CultureInfo.InvariantCulture,
        "{0} weights: worst deviation from the self-check outputs {1:E2} × max(1, |expected|), at sequence {2}, step {3}, output {4} ({5:R} against {6:R}), over {7} sequence(s), {8} steps",
        WeightQuantizer.Name(type), WorstRatio, Sequence, Step, Index, Value, Expected, Sequences, TotalSteps);

    /// <summary>A quantised model deviating more than <paramref name="tolerance"/> (GruTinyQuantizedTolerance).</summary>
    public string TooFarMessage(GruWeightType type, double tolerance) => string.Format(CultureInfo.InvariantCulture,
        "{0} (GruTinyQuantizedTolerance {1:E1}): the quantised weights change this model's outputs more than allowed; {2}, or raise the tolerance",
        DeviationMessage(type), tolerance, type == GruWeightType.Int8 ? "try float16 weights, or keep float32 ones, for it" : "keep float32 weights for it");

    /// <summary>The GRUT042 text: what was checked and the worst error.</summary>
    public string PassMessage(double tolerance) => string.Format(CultureInfo.InvariantCulture,
        "self-check passed: {0} sequence(s), {1} steps; worst error {2:E2} × max(1, |expected|) at sequence {3}, step {4}, output {5} (tolerance {6:E1})",
        Sequences, TotalSteps, WorstRatio, Sequence, Step, Index, tolerance);
}
