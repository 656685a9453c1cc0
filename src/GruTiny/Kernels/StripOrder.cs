using System;
using System.ComponentModel;

namespace GruTiny.Kernels;

/// <summary>
/// Which way a model's next step sweeps each GRU layer's strips of recurrent weights: front to back, then back to
/// front on the step after, and so on. A generated model keeps one; it is not part of the model's value.
/// </summary>
/// <remarks>
/// <para>Why: weights a step reads that add up to a little more than the L1 data cache are read from L2 on every
/// step when the sweeps always go front to back (the cache keeps what was read last, the end of the sweep, and the
/// next sweep starts at the front and evicts it before getting there). Going the other way on the next step starts
/// where the last one ended, on weights still in L1: 8 → 64 + 4 (48 KB of recurrent weights; on a core with 32 KB of
/// L1) took 0.90–0.93 of its time with <c>Vector256</c> (bench/RESULTS.md, "Per change"). A layer whose input
/// weights alone fill L1 (64 → 64) gained nothing while a step projected all its inputs before the recurrence, since
/// they were read between two sweeps; a single step now takes both sections group by group in the sweep's order
/// (GruLayerKernel's StepResetAfter), which gained there (0.92–0.93 with <c>Vector256</c> on a Zen 5 core; the
/// figures before are from a Zen 4 core).</para>
/// <para>Each strip's sums and gate functions are computed the same way whichever way a sweep goes, so results do not
/// depend on the order, bit for bit (tested). It is kept by the model instance rather than per layer type in a static:
/// a static written on every step by every thread that runs the model would be a cache line they all fight over, and
/// a <c>[ThreadStatic]</c> one allocates on its first use on a thread (measured: 32–272 bytes).</para>
/// <para>Equal to every other <see cref="StripOrder"/>, so that a record or struct model's equality and hash stay those
/// of its state.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)] // for generated code only
public struct StripOrder : IEquatable<StripOrder>
{
    private bool _backward;

    /// <summary>The next step sweeps from the last strip to the first.</summary>
    public readonly bool BackwardFirst => _backward;

    /// <summary>Records that <paramref name="steps"/> steps ran: each turned the direction round.</summary>
    public void Advance(int steps)
    {
        if ((steps & 1) != 0) _backward = !_backward;
    }

    /// <summary>Always true: the order is not part of a model's value.</summary>
    public readonly bool Equals(StripOrder other) => true;

    /// <inheritdoc/>
    public override readonly bool Equals(object? obj) => obj is StripOrder;

    /// <inheritdoc/>
    public override readonly int GetHashCode() => 0;

    /// <summary>Always true (<see cref="Equals(StripOrder)"/>).</summary>
    public static bool operator ==(StripOrder left, StripOrder right) => true;

    /// <summary>Always false (<see cref="Equals(StripOrder)"/>).</summary>
    public static bool operator !=(StripOrder left, StripOrder right) => false;
}
