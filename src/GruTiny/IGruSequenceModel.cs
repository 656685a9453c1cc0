using System;

namespace GruTiny;

/// <summary>
/// A model that reads whole sequences: it has a reverse or bidirectional GRU layer, so its output at a step
/// depends on the steps after it, and it cannot advance one step at a time. Implemented by every type generated
/// from such a model (instead of <see cref="IGruModel"/>), and by <see cref="GruNetwork"/> (whose members, called
/// through this interface, throw <see cref="InvalidOperationException"/> when the loaded model streams).
/// </summary>
/// <remarks>
/// Every call is a new, whole sequence: each layer starts from its initial state (zeros unless the model gives
/// one) and nothing is carried from one call to the next, so such a model has no state to reset, copy or set.
/// The layers after a reverse-running one need its output for every step before they start, which is held in a
/// workspace of <see cref="WorkspaceLength"/> floats, which the overloads that take one never allocate. Without
/// one, a generated type keeps it on the stack for sequences of up to its <c>StackSteps</c> steps and throws
/// <see cref="ArgumentException"/> for longer ones (so it never allocates); <see cref="GruNetwork"/> grows one of
/// its own.
/// </remarks>
public interface IGruSequenceModel
{
    /// <summary>Number of input features per time step.</summary>
    int InputSize { get; }

    /// <summary>Number of outputs per time step.</summary>
    int OutputSize { get; }

    /// <summary>Floats of workspace a sequence of <paramref name="steps"/> steps needs.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is negative, or so large that the length overflows.</exception>
    int WorkspaceLength(int steps);

    /// <summary>Runs a whole sequence from the initial state and writes every step's output.</summary>
    /// <param name="inputs">Row-major [T × <see cref="InputSize"/>] values; T may be zero.</param>
    /// <param name="outputs">Row-major [T × <see cref="OutputSize"/>] values; must not overlap <paramref name="inputs"/>.</param>
    /// <exception cref="ArgumentException">A span has the wrong length, the spans overlap, or the sequence is too long for the stack.</exception>
    void Run(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>Runs a whole sequence from the initial state, with a workspace of the caller's; never allocates.</summary>
    /// <param name="inputs">Row-major [T × <see cref="InputSize"/>] values; T may be zero.</param>
    /// <param name="outputs">Row-major [T × <see cref="OutputSize"/>] values; must not overlap <paramref name="inputs"/>.</param>
    /// <param name="workspace">At least <see cref="WorkspaceLength"/>(T) floats; overwritten; must not overlap the other spans.</param>
    /// <exception cref="ArgumentException">A span has the wrong length, or spans overlap.</exception>
    void Run(ReadOnlySpan<float> inputs, Span<float> outputs, Span<float> workspace);

    /// <summary>Runs a whole sequence of T ≥ 1 steps from the initial state and writes the last step's output.</summary>
    /// <exception cref="ArgumentException">A span has the wrong length, there are no steps, or the sequence is too long for the stack.</exception>
    void RunFinal(ReadOnlySpan<float> inputs, Span<float> output);

    /// <summary>Runs a whole sequence of T ≥ 1 steps from the initial state, with a workspace of the caller's, and writes the last step's output.</summary>
    /// <exception cref="ArgumentException">A span has the wrong length, spans overlap, or there are no steps.</exception>
    void RunFinal(ReadOnlySpan<float> inputs, Span<float> output, Span<float> workspace);
}
