using System;

namespace GruTiny.Kernels;

/// <summary>
/// Validation of token ids for models whose first layer is an embedding: every id of a call is checked before
/// the state changes, so a bad token leaves the model as it was.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
public static class TokenChecks
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless every token is in [0, <paramref name="vocabularySize"/>).</summary>
    public static void Check(ReadOnlySpan<int> tokens, int vocabularySize, string paramName)
    {
        for (int i = 0; i < tokens.Length; i++)
            if ((uint)tokens[i] >= (uint)vocabularySize) GruThrowHelper.ThrowTokenOutOfRange(paramName, i, tokens[i], vocabularySize);
    }

    /// <summary>
    /// The float API of a token model (<see cref="IGruModel"/>, one value per step) takes the token id as a float:
    /// throws unless every value is a whole number in [0, <paramref name="vocabularySize"/>).
    /// </summary>
    public static void Check(ReadOnlySpan<float> tokens, int vocabularySize, string paramName)
    {
        for (int i = 0; i < tokens.Length; i++)
        {
            float t = tokens[i];
            if (!(t >= 0 && t < vocabularySize) || t != MathF.Floor(t)) GruThrowHelper.ThrowTokenOutOfRange(paramName, i, t, vocabularySize);
        }
    }
}
