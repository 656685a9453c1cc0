using System;

namespace GruTiny;

/// <summary>
/// A recurrent model that consumes one input vector per time step and keeps its recurrent state inside the
/// instance. Implemented by every type generated from <see cref="GruModelAttribute"/>.
/// </summary>
/// <remarks>
/// The interface deliberately has no static abstract members so that it can be used as an ordinary type
/// argument and implemented by run-time loaded models as well. Generated types additionally expose the
/// sizes as <c>public const int</c> fields for <c>stackalloc</c> and array sizes.
/// </remarks>
public interface IGruModel
{
    /// <summary>Number of input features per time step.</summary>
    int InputSize { get; }

    /// <summary>Number of outputs per time step.</summary>
    int OutputSize { get; }

    /// <summary>Number of floats of recurrent state: the hidden sizes of all GRU layers, added up.</summary>
    int StateSize { get; }

    /// <summary>Sets the recurrent state back to the state of a new instance: zeros, or the initial state the model gives.</summary>
    void Reset();

    /// <summary>Advances the model by one time step.</summary>
    /// <param name="input">Exactly <see cref="InputSize"/> values.</param>
    /// <param name="output">Exactly <see cref="OutputSize"/> values; may be the same memory as <paramref name="input"/>.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    void Step(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Advances the model by T time steps from its current state; equal to T calls of <see cref="Step"/>.</summary>
    /// <param name="inputs">Row-major [T × <see cref="InputSize"/>] values; T may be zero.</param>
    /// <param name="outputs">Row-major [T × <see cref="OutputSize"/>] values; must not overlap <paramref name="inputs"/>.</param>
    /// <exception cref="ArgumentException">A span has the wrong length, or the spans overlap.</exception>
    void Run(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>Copies the recurrent state (each GRU layer's hidden state, in layer order) into <paramref name="state"/>.</summary>
    /// <param name="state">Exactly <see cref="StateSize"/> values.</param>
    void CopyStateTo(Span<float> state);

    /// <summary>Replaces the recurrent state (each GRU layer's hidden state, in layer order).</summary>
    /// <param name="state">Exactly <see cref="StateSize"/> values.</param>
    void SetState(ReadOnlySpan<float> state);
}
