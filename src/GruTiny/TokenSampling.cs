using System;

namespace GruTiny;

/// <summary>
/// Choosing the next token from a token model's output without allocating: the most likely one, the k most
/// likely, or a random draw at a temperature, driven by a random state the caller holds (deterministic for a
/// given seed, the same on every platform).
/// </summary>
public static class TokenSampling
{
    /// <summary>The index of the largest score (the first one on ties; NaN scores are never chosen unless all are NaN).</summary>
    /// <exception cref="ArgumentException">The span is empty.</exception>
    public static int ArgMax(ReadOnlySpan<float> scores)
    {
        if (scores.IsEmpty) throw new ArgumentException("There are no scores.", nameof(scores));
        int best = 0;
        for (int i = 1; i < scores.Length; i++)
            if (scores[i] > scores[best] || (float.IsNaN(scores[best]) && !float.IsNaN(scores[i]))) best = i;
        return best;
    }

    /// <summary>
    /// Writes the indices of the <c>indices.Length</c> largest scores into <paramref name="indices"/>, largest
    /// first (lower index first on ties).
    /// </summary>
    /// <exception cref="ArgumentException">More indices are asked for than there are scores.</exception>
    public static void TopK(ReadOnlySpan<float> scores, Span<int> indices)
    {
        int k = indices.Length;
        if (k > scores.Length) throw new ArgumentException($"Asked for the top {k} of {scores.Length} scores.", nameof(indices));
        int filled = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            float s = float.IsNaN(scores[i]) ? float.NegativeInfinity : scores[i];
            int at = filled;
            while (at > 0 && s > Score(scores, indices[at - 1])) at--;
            if (at >= k) continue;
            for (int j = Math.Min(filled, k - 1); j > at; j--) indices[j] = indices[j - 1];
            indices[at] = i;
            if (filled < k) filled++;
        }
    }

    /// <summary>
    /// Draws an index from probabilities (a softmax layer's output) sharpened or flattened by
    /// <paramref name="temperature"/>: p^(1/T), renormalised. A temperature of 0 is <see cref="ArgMax"/>.
    /// </summary>
    /// <param name="probabilities">Non-negative weights (they need not add up to 1).</param>
    /// <param name="temperature">≥ 0; 1 samples the distribution as it is.</param>
    /// <param name="state">The caller's random state, advanced by exactly one draw per call (any seed, including 0).</param>
    public static int Sample(ReadOnlySpan<float> probabilities, float temperature, ref ulong state)
    {
        if (!(temperature >= 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be 0 or more.");
        if (probabilities.IsEmpty) throw new ArgumentException("There are no probabilities.", nameof(probabilities));
        double uniform = NextDouble(ref state); // one draw per call, whatever the outcome: the sequence stays predictable
        int best = ArgMax(probabilities);
        if (temperature == 0 || !(probabilities[best] > 0)) return best;
        double max = Math.Log(probabilities[best]), total = 0;
        for (int i = 0; i < probabilities.Length; i++) total += Weight(probabilities[i], max, temperature);
        double target = uniform * total;
        for (int i = 0; i < probabilities.Length; i++)
        {
            target -= Weight(probabilities[i], max, temperature);
            if (target < 0) return i;
        }

        return best; // rounding left a sliver past the end
    }

    /// <summary>A uniform double in [0, 1) from the caller's state (SplitMix64), advancing it.</summary>
    public static double NextDouble(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }

    private static float Score(ReadOnlySpan<float> scores, int index) =>
        float.IsNaN(scores[index]) ? float.NegativeInfinity : scores[index];

    // p^(1/T) relative to the largest, in logs so that small probabilities and low temperatures do not underflow early.
    private static double Weight(float p, double logMax, float temperature) =>
        p > 0 ? Math.Exp((Math.Log(p) - logMax) / temperature) : 0;
}
