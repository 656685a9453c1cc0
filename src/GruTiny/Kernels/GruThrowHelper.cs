using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace GruTiny.Kernels;

/// <summary>
/// Out-of-line throw helpers for generated code, so that argument checks on the hot path compile to a
/// compare and a never-taken call rather than inlined exception construction.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
public static class GruThrowHelper
{
    /// <summary>Throws because <paramref name="paramName"/> does not have the length <paramref name="expected"/>.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowLengthMismatch(string paramName, int expected, int actual) =>
        throw new ArgumentException($"Expected a span of length {expected}, but its length is {actual}.", paramName);

    /// <summary>Throws because <paramref name="paramName"/> is not a whole number of rows of <paramref name="rowLength"/>.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowNotWholeRows(string paramName, int rowLength, int actual) =>
        throw new ArgumentException(
            $"Expected a length that is a multiple of {rowLength} (T steps × {rowLength} values), but its length is {actual}.",
            paramName);

    /// <summary>Throws because the outputs of <paramref name="steps"/> steps need <paramref name="expected"/> values.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowStepsMismatch(string paramName, long expected, int steps, int rowLength, int actual) =>
        throw new ArgumentException(
            $"Expected a span of length {expected} ({steps} steps × {rowLength} values), but its length is {actual}.",
            paramName);

    /// <summary>Throws because a whole sequence is needed and none was given.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowEmptySequence(string paramName, int rowLength) =>
        throw new ArgumentException(
            $"Expected at least one step ({rowLength} values); the final output of an empty sequence is undefined.",
            paramName);

    /// <summary>Throws because a sequence of <paramref name="steps"/> steps needs a workspace of <paramref name="expected"/> floats.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowWorkspaceTooShort(string paramName, long expected, int steps, int actual) =>
        throw new ArgumentException(
            $"A sequence of {steps} steps needs a workspace of at least {expected} floats (WorkspaceLength({steps})), but its length is {actual}.",
            paramName);

    /// <summary>Throws because a sequence longer than <paramref name="stackSteps"/> steps needs a workspace from the caller.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowNeedsWorkspace(string paramName, int steps, int stackSteps, long workspaceLength) =>
        throw new ArgumentException(
            $"A sequence of {steps} steps is longer than the {stackSteps} this model keeps on the stack (StackSteps): its reverse-running layers need the whole sequence at once. Pass a workspace of WorkspaceLength({steps}) = {workspaceLength} floats (the Run and RunFinal overloads that take one).",
            paramName);

    /// <summary>Throws because the input and output spans share memory where they must not.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowOverlap(string paramName) =>
        throw new ArgumentException("The inputs and outputs must not overlap.", paramName);

    /// <summary>Throws because token <paramref name="index"/> of <paramref name="paramName"/> is not an id in [0, <paramref name="vocabularySize"/>).</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowTokenOutOfRange(string paramName, int index, double value, int vocabularySize) =>
        throw new ArgumentOutOfRangeException(paramName, value,
            $"Token {index} is {value}; token ids are whole numbers from 0 to {vocabularySize - 1} (the vocabulary size is {vocabularySize}). No state was changed.");

    /// <summary>Throws on a big-endian platform, where the little-endian weight data embedded by the generator cannot be read.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowBigEndian() =>
        throw new PlatformNotSupportedException("GruTiny's embedded weights are little-endian; this platform is big-endian.");
}
