using System;

namespace GruTiny.ReferenceModels;

/// <summary>
/// <c>RunFinal</c> is generated on every model but is not part of <see cref="IGruModel"/>; declaring it here
/// lets the tests call it through a generic constraint, without boxing struct models.
/// </summary>
public interface IRunFinal
{
    /// <summary>Runs T steps and writes the last step's output.</summary>
    void RunFinal(ReadOnlySpan<float> inputs, Span<float> output);
}
