using System;

namespace GruTiny;

/// <summary>
/// A model whose first layer is an embedding: it consumes one token id per time step. Implemented by every type
/// generated from a model with an <c>embedding</c> layer, and by <see cref="GruNetwork"/> (whose token members
/// throw <see cref="InvalidOperationException"/> when the loaded model takes feature vectors). Through
/// <see cref="IGruModel"/> such a model takes the token id as its single float per step.
/// </summary>
public interface IGruTokenModel : IGruModel
{
    /// <summary>Token ids are 0 to VocabularySize − 1.</summary>
    int VocabularySize { get; }

    /// <summary>Advances the model by one token.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The token is out of range; the state is unchanged.</exception>
    void Step(int token, Span<float> output);

    /// <summary>Advances the model by T tokens; equal to T calls of <see cref="Step(int, Span{float})"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A token is out of range; checked before any state changes.</exception>
    void Run(ReadOnlySpan<int> tokens, Span<float> outputs);

    /// <summary>Advances the model by T ≥ 1 tokens and writes only the last step's output.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A token is out of range; checked before any state changes.</exception>
    void RunFinal(ReadOnlySpan<int> tokens, Span<float> output);
}
