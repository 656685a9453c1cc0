using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using GruTiny.Kernels.Simd;
using GruTiny.Model;

namespace GruTiny.Kernels;

/// <summary>
/// One GRU layer over its packed weights (layout: <see cref="KernelLayout"/> and docs/design.md). Called by
/// generated code with a layer type whose sizes are constants.
/// </summary>
/// <remarks>
/// <para>A step is split in two: <see cref="ProjectInputs{TLayer}"/> computes the input part of all gates
/// (W_i x + biases) for several steps at once, so that <c>Run</c> streams the input weights once per four
/// steps (three for float16 on x64 without AVX-512); <see cref="Recur{TLayer}(ReadOnlySpan{float}, Span{float}, Span{float}, int, Span{float})"/> then adds the recurrent part step by step
/// (on hardware vectors, a single step of a linear_before_reset = true layer projects each group of strips just
/// before its recurrence instead: StepResetAfter). Each gate accumulator
/// starts from the bias and adds the same products in the same order whether one or many steps are
/// projected together, so <c>Run</c> is bitwise equal to repeated <c>Step</c>; per lane, the 256-bit and
/// 128-bit paths perform the same operations, but for the linear_before_reset = true recurrence of layers of up to 64
/// units, whose pairs of strips add their columns in two sets of sums (PairSplitsColumns; the results differ by
/// rounding).</para>
/// <para>The vector code is written once over <see cref="ISimd{TVector}"/> and works on strips of
/// <c>TSimd.Count</c> hidden units: a block of 8 is one strip of <see cref="Vector256{T}"/> or two of
/// <see cref="Vector128{T}"/>. Several strips are computed together, 12 independent accumulators where that
/// measured faster (four strips of a single step's projection, four strips of the 128-bit recurrence, one strip
/// of four steps' projection (three steps, 9, for float16 on x64 without AVX-512: StepGroup), two strips of the recurrence of a layer of up to 64 units, two columns at a time) and 6
/// elsewhere (two strips of the 256-bit recurrence of larger layers); weight pointers advance by
/// a constant per input so that loads need no index arithmetic, and nothing inside the loops calls a method, so RyuJIT keeps the accumulators in
/// registers, also with the 16 vector registers of x64 without AVX-512 (checked with <c>DOTNET_JitDisasm</c>, bench -- jit-check).</para>
/// <para>Each function that holds a loop over weights, and each driver over strips, is a root of its own
/// (<c>NoInlining</c>). Inlined into one another, they shared one method's inlining budget and its limit of tracked
/// locals: a change that only added a few helpers to the drivers left <c>LoadW</c> and the gate functions as calls
/// inside the loops (tier 1, 1 → 32 × 2 + 1 took 2× as long) and put an accumulator of the 128-bit recurrence on the
/// stack (1.2–1.5×). The calls this costs are one per group of strips, and one per chunk of strips where the gate
/// functions run per chunk (GatesPerChunk). The roots are also compiled optimised on
/// their first call, outside tiered compilation (<see cref="KernelRoot"/>).</para>
/// <para>A section's weights are found once per step when they are one chunk or chunks back to back, as generated
/// float32 layers' are (<see cref="WeightBlocks.GruSection{TLayer}"/>), and each strip is an offset from there: finding
/// each strip's chunk took about a tenth of a step of 8 → 64 + 4, and 3–9% of one of 16 → 128 + 16 and 32 → 256 × 2 + 1.</para>
/// <para>Hidden state buffers are padded to whole blocks of 8; padded lanes stay zero.</para>
/// </remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
public static class GruLayerKernel
{
    private const int Block = KernelLayout.GruBlock;
    private const int GateBlock = KernelLayout.GateBlock;

    /// <summary>Floats of one row of the gate buffer (r, z and the input part of n for every block).</summary>
    public static int GateRowLength<TLayer>() where TLayer : IGruLayer =>
        KernelLayout.PaddedHidden(TLayer.HiddenSize) * 3;

    /// <summary>Floats of one hidden state row, padded to whole blocks.</summary>
    public static int StateLength<TLayer>() where TLayer : IGruLayer => KernelLayout.PaddedHidden(TLayer.HiddenSize);

    /// <summary>Floats of scratch space <see cref="Recur{TLayer}(ReadOnlySpan{float}, Span{float}, Span{float}, int, Span{float})"/> needs.</summary>
    public static int ScratchLength<TLayer>() where TLayer : IGruLayer =>
        TLayer.LinearBeforeReset ? 0 : 2 * KernelLayout.PaddedHidden(TLayer.HiddenSize);

    /// <summary>
    /// Advances the layer by <paramref name="steps"/> steps: <see cref="ProjectInputs{TLayer}"/> then
    /// <see cref="Recur{TLayer}(ReadOnlySpan{float}, Span{float}, Span{float}, int, int, bool, Span{float}, bool)"/>;
    /// on hardware vectors, a single step of a <c>linear_before_reset = true</c> layer projects each group of strips
    /// just before its recurrence instead, with the same results bit for bit (StepResetAfter).
    /// </summary>
    /// <remarks>
    /// Measured: doing one step's projection and recurrence in one loop per pair of strips (no gate buffer) was
    /// slower at every benchmark shape, up to 1.8× at 32 → 256. A group's two loops one after the other, the groups
    /// in the reverse order on every other step, took 0.85–0.94 of the time at 16 → 16, 8 → 64 + 4 and 64 → 64 with
    /// Vector256, 0.92–0.96 at 16 → 16 and 64 → 64 with Vector128, and 0.96–1.02 elsewhere (a Zen 5 core;
    /// bench/RESULTS.md, "Per change").
    /// </remarks>
    /// <param name="inputs">Input rows, <paramref name="inputStride"/> apart; must not overlap <paramref name="hidden"/>.</param>
    /// <param name="inputStride">Distance between input rows, at least InputSize.</param>
    /// <param name="gates">At least <paramref name="steps"/> rows of <see cref="GateRowLength{TLayer}"/>.</param>
    /// <param name="state">The layer's hidden state (<see cref="StateLength{TLayer}"/>): read, then overwritten with the final one.</param>
    /// <param name="hidden">Receives each step's new hidden state, rows of <see cref="StateLength{TLayer}"/>.</param>
    /// <param name="steps">Number of steps.</param>
    /// <param name="scratch">At least <see cref="ScratchLength{TLayer}"/> floats.</param>
    /// <param name="backwardFirst">The first step sweeps the strips from the last to the first (<see cref="StripOrder"/>); each step after turns round.</param>
    [MethodImpl(KernelRoot.DriverOptions)] // optimised from its first call (KernelRoot)
    public static void Forward<TLayer>(
        ReadOnlySpan<float> inputs, int inputStride, Span<float> gates, Span<float> state, Span<float> hidden, int steps, Span<float> scratch, bool backwardFirst)
        where TLayer : IGruLayer
    {
        if (steps == 1 && TLayer.LinearBeforeReset && Vector128.IsHardwareAccelerated)
        {
            StepResetAfter<TLayer>(inputs, inputStride, gates, state, hidden, backwardFirst);
            return;
        }

        ProjectInputs<TLayer>(inputs, inputStride, gates, steps);
        Recur<TLayer>(gates, state, hidden, KernelLayout.PaddedHidden(TLayer.HiddenSize), steps, reverse: false, scratch, backwardFirst);
    }

    /// <summary>
    /// <see cref="Forward{TLayer}(ReadOnlySpan{float}, int, Span{float}, Span{float}, Span{float}, int, Span{float}, bool)"/>
    /// with hidden rows <paramref name="hiddenStride"/> apart (a bidirectional layer's two halves share rows) and,
    /// when <paramref name="reverse"/>, the recurrence run from the last step to the first. The first step sweeps the
    /// strips forward (a whole-sequence model keeps no <see cref="StripOrder"/>).
    /// </summary>
    /// <param name="hidden">Receives each step's new hidden state: row s at s · <paramref name="hiddenStride"/>, StateLength floats each (the padding lanes too).</param>
    /// <param name="hiddenStride">Distance between hidden rows, at least StateLength.</param>
    /// <param name="reverse">Run steps − 1 down to 0; the state left is then row 0's.</param>
    /// <param name="inputs">Input rows, <paramref name="inputStride"/> apart.</param>
    /// <param name="inputStride">Distance between input rows, at least InputSize.</param>
    /// <param name="gates">At least <paramref name="steps"/> rows of <see cref="GateRowLength{TLayer}"/>.</param>
    /// <param name="state">The initial state (<see cref="StateLength{TLayer}"/>), then the final one.</param>
    /// <param name="steps">Number of steps.</param>
    /// <param name="scratch">At least <see cref="ScratchLength{TLayer}"/> floats.</param>
    [MethodImpl(KernelRoot.DriverOptions)] // optimised from its first call (KernelRoot)
    public static void Forward<TLayer>(
        ReadOnlySpan<float> inputs, int inputStride, Span<float> gates, Span<float> state, Span<float> hidden, int hiddenStride, int steps, bool reverse, Span<float> scratch)
        where TLayer : IGruLayer
    {
        ProjectInputs<TLayer>(inputs, inputStride, gates, steps);
        Recur<TLayer>(gates, state, hidden, hiddenStride, steps, reverse, scratch, backwardFirst: false);
    }

    /// <summary>
    /// Computes the input part of the gates for <paramref name="steps"/> input rows.
    /// </summary>
    /// <param name="inputs">Input rows, <paramref name="inputStride"/> apart; the first InputSize values of each are read.</param>
    /// <param name="inputStride">Distance between input rows, at least InputSize.</param>
    /// <param name="gates">Receives <paramref name="steps"/> rows of <see cref="GateRowLength{TLayer}"/>.</param>
    /// <param name="steps">Number of rows.</param>
    [MethodImpl(KernelRoot.DriverOptions)] // optimised from its first call (KernelRoot)
    public static void ProjectInputs<TLayer>(ReadOnlySpan<float> inputs, int inputStride, Span<float> gates, int steps)
        where TLayer : IGruLayer
    {
        int inputSize = TLayer.InputSize;
        if (steps <= 0) return;
        if (inputStride < inputSize || inputs.Length < (long)(steps - 1) * inputStride + inputSize) ThrowTooShort(nameof(inputs));
        if (gates.Length < (long)steps * GateRowLength<TLayer>()) ThrowTooShort(nameof(gates));

        ref float x = ref MemoryMarshal.GetReference(inputs);
        ref float g = ref MemoryMarshal.GetReference(gates);
        if (Vector256.IsHardwareAccelerated)
            ProjectVector<TLayer, Simd256, Vector256<float>>(ref x, inputStride, ref g, steps);
        else if (Vector128.IsHardwareAccelerated)
            ProjectVector<TLayer, Simd128, Vector128<float>>(ref x, inputStride, ref g, steps);
        else
            for (int s = 0; s < steps; s++)
                ProjectScalar<TLayer>(ref Unsafe.Add(ref x, s * inputStride), ref Unsafe.Add(ref g, s * GateRowLength<TLayer>()));
    }

    /// <summary>
    /// Runs the recurrence for <paramref name="steps"/> steps whose input gates are in <paramref name="gates"/>, the
    /// first step sweeping the strips forward.
    /// </summary>
    /// <param name="gates">Rows from <see cref="ProjectInputs{TLayer}"/>.</param>
    /// <param name="state">The layer's hidden state (<see cref="StateLength{TLayer}"/>): read as the initial state, then overwritten with the final one.</param>
    /// <param name="hidden">Receives each step's new hidden state, rows of <see cref="StateLength{TLayer}"/>.</param>
    /// <param name="steps">Number of steps.</param>
    /// <param name="scratch">At least <see cref="ScratchLength{TLayer}"/> floats.</param>
    public static void Recur<TLayer>(ReadOnlySpan<float> gates, Span<float> state, Span<float> hidden, int steps, Span<float> scratch)
        where TLayer : IGruLayer =>
        Recur<TLayer>(gates, state, hidden, KernelLayout.PaddedHidden(TLayer.HiddenSize), steps, reverse: false, scratch, backwardFirst: false);

    /// <summary>
    /// <see cref="Recur{TLayer}(ReadOnlySpan{float}, Span{float}, Span{float}, int, Span{float})"/> with hidden rows
    /// <paramref name="hiddenStride"/> apart and, when <paramref name="reverse"/>, from the last step to the first:
    /// step s reads gate row s and writes hidden row s either way. When <paramref name="backwardFirst"/>, the first step
    /// sweeps the strips from the last to the first; each step after turns round (<see cref="StripOrder"/>).
    /// </summary>
    [MethodImpl(KernelRoot.DriverOptions)] // optimised from its first call (KernelRoot)
    public static void Recur<TLayer>(ReadOnlySpan<float> gates, Span<float> state, Span<float> hidden, int hiddenStride, int steps, bool reverse, Span<float> scratch, bool backwardFirst)
        where TLayer : IGruLayer
    {
        int padded = KernelLayout.PaddedHidden(TLayer.HiddenSize);
        int gateRow = 3 * padded;
        if (steps <= 0) return;
        if (hiddenStride < padded) ThrowTooShort(nameof(hiddenStride));
        if (gates.Length < (long)steps * gateRow) ThrowTooShort(nameof(gates));
        if (state.Length < padded) ThrowTooShort(nameof(state));
        if (hidden.Length < (long)(steps - 1) * hiddenStride + padded) ThrowTooShort(nameof(hidden));
        if (scratch.Length < ScratchLength<TLayer>()) ThrowTooShort(nameof(scratch));

        ref float g = ref MemoryMarshal.GetReference(gates);
        ref float h = ref MemoryMarshal.GetReference(hidden);
        ref float previous = ref MemoryMarshal.GetReference(state);
        ref float z = ref MemoryMarshal.GetReference(scratch);

        bool backward = backwardFirst;
        for (int i = 0; i < steps; i++, backward = !backward)
        {
            int s = reverse ? steps - 1 - i : i;
            ref float next = ref Unsafe.Add(ref h, s * hiddenStride);
            ref float gs = ref Unsafe.Add(ref g, s * gateRow);
            if (Vector256.IsHardwareAccelerated)
            {
                if (TLayer.LinearBeforeReset) RecurResetAfter<TLayer, Simd256, Vector256<float>>(ref gs, ref previous, ref next, backward);
                else RecurResetBefore<TLayer, Simd256, Vector256<float>>(ref gs, ref previous, ref next, ref z, backward);
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                if (TLayer.LinearBeforeReset) RecurResetAfter<TLayer, Simd128, Vector128<float>>(ref gs, ref previous, ref next, backward);
                else RecurResetBefore<TLayer, Simd128, Vector128<float>>(ref gs, ref previous, ref next, ref z, backward);
            }
            else
            {
                RecurScalar<TLayer>(ref gs, ref previous, ref next, ref z);
            }

            previous = ref next;
        }

        hidden.Slice((reverse ? 0 : steps - 1) * hiddenStride, padded).CopyTo(state);
    }

    // ---- Strips ----------------------------------------------------------------------------------------

    // A strip is TSimd.Count hidden units: strip s lies in block s / (8 / Count), at lane offset (s % (8 / Count))·Count.

    /// <summary>Strips of a layer: padded hidden size / Count.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Strips<TLayer, TSimd, TVector>() where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct =>
        KernelLayout.PaddedHidden(TLayer.HiddenSize) / TSimd.Count;

    /// <summary>
    /// The first weight of strip <paramref name="strip"/> in its block of section <paramref name="section"/> (block weights +
    /// lane offset); <paramref name="start"/> is <see cref="WeightBlocks.GruSection{TLayer}"/> of the section.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref float StripWeights<TLayer, TSimd, TVector>(ref float start, int section, int strip)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        int perBlock = Block / TSimd.Count;
        return ref Unsafe.Add(ref WeightBlocks.GruBlock<TLayer>(ref start, section, strip / perBlock), strip % perBlock * TSimd.Count);
    }

    /// <summary>Offset of strip <paramref name="strip"/>'s r gate in a gate row (z at +8, n at +16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int GateOffset<TSimd, TVector>(int strip) where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        int perBlock = Block / TSimd.Count;
        return strip / perBlock * GateBlock + strip % perBlock * TSimd.Count;
    }

    // ---- Weight types ----------------------------------------------------------------------------------

    // A block of a section starts with its header (float32 biases, then for int8 a float32 scale per row) and goes on
    // with its columns in the layer's weight type (KernelLayout.GruSectionBlockLength). A strip's head is its block +
    // its lane offset in floats, where its biases and scales are; its columns are after the header, at its lane offset
    // in weights. Every weight type decides at JIT time (TLayer.WeightType is a constant of the layer type), so the
    // float32 code is what it was before weight types existed.

    /// <summary>The first column of strip <paramref name="strip"/> of section <paramref name="section"/>, from the strip's head.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref float Columns<TLayer, TSimd, TVector>(ref float head, int strip, int section)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        int lane = strip % (Block / TSimd.Count) * TSimd.Count;
        return ref Unsafe.Add(ref head, KernelLayout.GruSectionHeaderFloats(section, TLayer.LinearBeforeReset, TLayer.WeightType) - lane + Col<TLayer>(lane));
    }

    /// <summary>Floats that <paramref name="weights"/> weights of the layer take (a column's length, an offset along one).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Col<TLayer>(int weights) where TLayer : IGruLayer => KernelLayout.ColumnFloats(TLayer.WeightType, weights);

    /// <summary>Count weights at <paramref name="weight"/> (a multiple of 4) along a column, as floats (<see cref="WeightLoads"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector LoadW<TLayer, TSimd, TVector>(ref float column, int weight)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct =>
        WeightLoads.Vector<TSimd, TVector>(TLayer.WeightType, ref column, weight);

    // int8 sums start from zero and end as init + scale ⊙ sum (one scale per row, StartAt and Finish); float32 and
    // float16 sums start from init (a bias, or the gate's input part) and need nothing at the end.

    /// <summary>The sum of row <paramref name="gate"/> (its index among the section's gates) of a strip: int8 adds init and scales.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Finish<TLayer, TSimd, TVector>(TVector sum, ref float init, ref float head, int section, int gate)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct =>
        TLayer.WeightType == GruWeightType.Int8
            ? TSimd.MultiplyAdd(sum, TSimd.Load(ref head, (nuint)(KernelLayout.GruSectionBiasFloats(section, TLayer.LinearBeforeReset) + gate * Block)), TSimd.Load(ref init, 0))
            : sum;

    /// <summary>The start of a sum whose init is at <paramref name="at"/> + <paramref name="offset"/> (not even read for int8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector StartAt<TLayer, TSimd, TVector>(ref float at, nuint offset)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct =>
        TLayer.WeightType == GruWeightType.Int8 ? TSimd.Create(0f) : TSimd.Load(ref at, offset);

    /// <summary>A projection sum of gate <paramref name="gate"/> (r, z, n) of a strip whose head is <paramref name="w"/>: its bias is the init.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector FinishProjection<TLayer, TSimd, TVector>(TVector sum, ref float w, int gate)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct =>
        Finish<TLayer, TSimd, TVector>(sum, ref Unsafe.Add(ref w, gate * Block), ref w, 0, gate);

    // ---- Input projection ------------------------------------------------------------------------------

    [MethodImpl(KernelRoot.Options)] // a root of its own, compiled optimised at once (class remarks)
    private static void ProjectVector<TLayer, TSimd, TVector>(ref float x, int stride, ref float g, int steps)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        int strips = Strips<TLayer, TSimd, TVector>();
        int gateRow = GateRowLength<TLayer>();
        ref float section = ref WeightBlocks.GruSection<TLayer>(0);
        int step = 0;
        int group = StepGroup<TLayer>();
        for (; step + group <= steps; step += group)
        {
            ref float xs = ref Unsafe.Add(ref x, step * stride);
            ref float gs = ref Unsafe.Add(ref g, step * gateRow);
            for (int s = 0; s < strips; s++)
                ProjectSteps<TLayer, TSimd, TVector>(
                    ref StripWeights<TLayer, TSimd, TVector>(ref section, 0, s), ref xs, stride,
                    ref Unsafe.Add(ref gs, GateOffset<TSimd, TVector>(s)), gateRow, s);
        }

        for (; step < steps; step++)
        {
            ref float x1 = ref Unsafe.Add(ref x, step * stride);
            ref float g1 = ref Unsafe.Add(ref g, step * gateRow);
            int s = 0;
            for (; s + 4 <= strips; s += 4)
                ProjectFourStrips<TLayer, TSimd, TVector>(ref StripWeights<TLayer, TSimd, TVector>(ref section, 0, s), ref StripWeights<TLayer, TSimd, TVector>(ref section, 0, s + 1),
                    ref StripWeights<TLayer, TSimd, TVector>(ref section, 0, s + 2), ref StripWeights<TLayer, TSimd, TVector>(ref section, 0, s + 3), ref x1,
                    ref Unsafe.Add(ref g1, GateOffset<TSimd, TVector>(s)), s);
            for (; s + 2 <= strips; s += 2)
                ProjectTwoStrips<TLayer, TSimd, TVector>(
                    ref StripWeights<TLayer, TSimd, TVector>(ref section, 0, s), ref StripWeights<TLayer, TSimd, TVector>(ref section, 0, s + 1), ref x1,
                    ref Unsafe.Add(ref g1, GateOffset<TSimd, TVector>(s)), ref Unsafe.Add(ref g1, GateOffset<TSimd, TVector>(s + 1)), s);
            if (s < strips)
                ProjectOneStrip<TLayer, TSimd, TVector>(ref StripWeights<TLayer, TSimd, TVector>(ref section, 0, s), ref x1, ref Unsafe.Add(ref g1, GateOffset<TSimd, TVector>(s)), s);
        }
    }

    [MethodImpl(KernelRoot.Options)] // a root of its own, compiled optimised at once (class remarks)
    private static void ProjectOneStrip<TLayer, TSimd, TVector>(ref float w, ref float x, ref float g, int s)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        TVector r = StartAt<TLayer, TSimd, TVector>(ref w, 0), z = StartAt<TLayer, TSimd, TVector>(ref w, Block), n = StartAt<TLayer, TSimd, TVector>(ref w, 2 * Block);
        ref float col = ref Columns<TLayer, TSimd, TVector>(ref w, s, 0);
        for (int k = 0; k < TLayer.InputSize; k++)
        {
            TVector xk = TSimd.Create(Unsafe.Add(ref x, k));
            r = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref col, 0), xk, r);
            z = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref col, Block), xk, z);
            n = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref col, 2 * Block), xk, n);
            col = ref Unsafe.Add(ref col, Col<TLayer>(GateBlock));
        }

        r = FinishProjection<TLayer, TSimd, TVector>(r, ref w, 0);
        z = FinishProjection<TLayer, TSimd, TVector>(z, ref w, 1);
        n = FinishProjection<TLayer, TSimd, TVector>(n, ref w, 2);
        TSimd.Store(r, ref g, 0);
        TSimd.Store(z, ref g, Block);
        TSimd.Store(n, ref g, 2 * Block);
    }

    // Four strips of one step: 12 accumulators, as in the recurrence. The four strips' gate rows are consecutive
    // (strip s + i at GateOffset(s + i)), so one reference and the offsets of GateOffset reach them.
    [MethodImpl(KernelRoot.Options)] // a root of its own, compiled optimised at once (class remarks)
    private static void ProjectFourStrips<TLayer, TSimd, TVector>(ref float w0, ref float w1, ref float w2, ref float w3, ref float x, ref float g, int s)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        TVector r0 = StartAt<TLayer, TSimd, TVector>(ref w0, 0), z0 = StartAt<TLayer, TSimd, TVector>(ref w0, Block), n0 = StartAt<TLayer, TSimd, TVector>(ref w0, 2 * Block);
        TVector r1 = StartAt<TLayer, TSimd, TVector>(ref w1, 0), z1 = StartAt<TLayer, TSimd, TVector>(ref w1, Block), n1 = StartAt<TLayer, TSimd, TVector>(ref w1, 2 * Block);
        TVector r2 = StartAt<TLayer, TSimd, TVector>(ref w2, 0), z2 = StartAt<TLayer, TSimd, TVector>(ref w2, Block), n2 = StartAt<TLayer, TSimd, TVector>(ref w2, 2 * Block);
        TVector r3 = StartAt<TLayer, TSimd, TVector>(ref w3, 0), z3 = StartAt<TLayer, TSimd, TVector>(ref w3, Block), n3 = StartAt<TLayer, TSimd, TVector>(ref w3, 2 * Block);
        ref float c0 = ref Columns<TLayer, TSimd, TVector>(ref w0, s, 0);
        ref float c1 = ref Columns<TLayer, TSimd, TVector>(ref w1, s + 1, 0);
        ref float c2 = ref Columns<TLayer, TSimd, TVector>(ref w2, s + 2, 0);
        ref float c3 = ref Columns<TLayer, TSimd, TVector>(ref w3, s + 3, 0);
        for (int k = 0; k < TLayer.InputSize; k++)
        {
            TVector xk = TSimd.Create(Unsafe.Add(ref x, k));
            r0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, 0), xk, r0);
            z0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, Block), xk, z0);
            n0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, 2 * Block), xk, n0);
            r1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, 0), xk, r1);
            z1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, Block), xk, z1);
            n1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, 2 * Block), xk, n1);
            r2 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c2, 0), xk, r2);
            z2 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c2, Block), xk, z2);
            n2 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c2, 2 * Block), xk, n2);
            r3 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c3, 0), xk, r3);
            z3 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c3, Block), xk, z3);
            n3 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c3, 2 * Block), xk, n3);
            c0 = ref Unsafe.Add(ref c0, Col<TLayer>(GateBlock));
            c1 = ref Unsafe.Add(ref c1, Col<TLayer>(GateBlock));
            c2 = ref Unsafe.Add(ref c2, Col<TLayer>(GateBlock));
            c3 = ref Unsafe.Add(ref c3, Col<TLayer>(GateBlock));
        }

        r0 = FinishProjection<TLayer, TSimd, TVector>(r0, ref w0, 0); z0 = FinishProjection<TLayer, TSimd, TVector>(z0, ref w0, 1); n0 = FinishProjection<TLayer, TSimd, TVector>(n0, ref w0, 2);
        r1 = FinishProjection<TLayer, TSimd, TVector>(r1, ref w1, 0); z1 = FinishProjection<TLayer, TSimd, TVector>(z1, ref w1, 1); n1 = FinishProjection<TLayer, TSimd, TVector>(n1, ref w1, 2);
        r2 = FinishProjection<TLayer, TSimd, TVector>(r2, ref w2, 0); z2 = FinishProjection<TLayer, TSimd, TVector>(z2, ref w2, 1); n2 = FinishProjection<TLayer, TSimd, TVector>(n2, ref w2, 2);
        r3 = FinishProjection<TLayer, TSimd, TVector>(r3, ref w3, 0); z3 = FinishProjection<TLayer, TSimd, TVector>(z3, ref w3, 1); n3 = FinishProjection<TLayer, TSimd, TVector>(n3, ref w3, 2);
        ref float g0 = ref g;
        ref float g1 = ref Unsafe.Add(ref g, GateOffset<TSimd, TVector>(1));
        ref float g2 = ref Unsafe.Add(ref g, GateOffset<TSimd, TVector>(2));
        ref float g3 = ref Unsafe.Add(ref g, GateOffset<TSimd, TVector>(3));
        TSimd.Store(r0, ref g0, 0); TSimd.Store(z0, ref g0, Block); TSimd.Store(n0, ref g0, 2 * Block);
        TSimd.Store(r1, ref g1, 0); TSimd.Store(z1, ref g1, Block); TSimd.Store(n1, ref g1, 2 * Block);
        TSimd.Store(r2, ref g2, 0); TSimd.Store(z2, ref g2, Block); TSimd.Store(n2, ref g2, 2 * Block);
        TSimd.Store(r3, ref g3, 0); TSimd.Store(z3, ref g3, Block); TSimd.Store(n3, ref g3, 2 * Block);
    }

    [MethodImpl(KernelRoot.Options)] // a root of its own, compiled optimised at once (class remarks)
    private static void ProjectTwoStrips<TLayer, TSimd, TVector>(ref float w0, ref float w1, ref float x, ref float g0, ref float g1, int s)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        TVector r0 = StartAt<TLayer, TSimd, TVector>(ref w0, 0), z0 = StartAt<TLayer, TSimd, TVector>(ref w0, Block), n0 = StartAt<TLayer, TSimd, TVector>(ref w0, 2 * Block);
        TVector r1 = StartAt<TLayer, TSimd, TVector>(ref w1, 0), z1 = StartAt<TLayer, TSimd, TVector>(ref w1, Block), n1 = StartAt<TLayer, TSimd, TVector>(ref w1, 2 * Block);
        ref float c0 = ref Columns<TLayer, TSimd, TVector>(ref w0, s, 0);
        ref float c1 = ref Columns<TLayer, TSimd, TVector>(ref w1, s + 1, 0);
        for (int k = 0; k < TLayer.InputSize; k++)
        {
            TVector xk = TSimd.Create(Unsafe.Add(ref x, k));
            r0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, 0), xk, r0);
            z0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, Block), xk, z0);
            n0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, 2 * Block), xk, n0);
            r1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, 0), xk, r1);
            z1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, Block), xk, z1);
            n1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, 2 * Block), xk, n1);
            c0 = ref Unsafe.Add(ref c0, Col<TLayer>(GateBlock));
            c1 = ref Unsafe.Add(ref c1, Col<TLayer>(GateBlock));
        }

        r0 = FinishProjection<TLayer, TSimd, TVector>(r0, ref w0, 0); z0 = FinishProjection<TLayer, TSimd, TVector>(z0, ref w0, 1); n0 = FinishProjection<TLayer, TSimd, TVector>(n0, ref w0, 2);
        r1 = FinishProjection<TLayer, TSimd, TVector>(r1, ref w1, 0); z1 = FinishProjection<TLayer, TSimd, TVector>(z1, ref w1, 1); n1 = FinishProjection<TLayer, TSimd, TVector>(n1, ref w1, 2);
        TSimd.Store(r0, ref g0, 0);
        TSimd.Store(z0, ref g0, Block);
        TSimd.Store(n0, ref g0, 2 * Block);
        TSimd.Store(r1, ref g1, 0);
        TSimd.Store(z1, ref g1, Block);
        TSimd.Store(n1, ref g1, 2 * Block);
    }

    // Steps ProjectSteps takes at once: four (12 accumulators), but three (9) for float16 weights where the JIT has
    // 16 vector registers: float16's conversion holds two constants besides the 12 accumulators, 3 weights and
    // 1 input, and with four steps it kept two accumulators on the stack (bench -- jit-check). A constant of the
    // layer type and the machine; each step's sums are the same whichever steps share a group.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int StepGroup<TLayer>() where TLayer : IGruLayer =>
        TLayer.WeightType == GruWeightType.Float16 && SixteenVectorRegisters() ? 3 : 4;

    // x64 without AVX-512: the JIT allocates 16 vector registers (32 with EVEX; ARM64 has 32; 32-bit x86, 8, is
    // counted here too). A JIT-time constant (Native AOT: of the instruction set it compiles for).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SixteenVectorRegisters() => !Avx512F.VL.IsSupported && !AdvSimd.IsSupported;

    // One strip for a group of steps (StepGroup): the strip's weights are loaded once for three or four inputs.
    [MethodImpl(KernelRoot.Options)] // a root of its own, compiled optimised at once (class remarks)
    private static void ProjectSteps<TLayer, TSimd, TVector>(ref float w, ref float x, int stride, ref float g, int gateRow, int s)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        TVector br = StartAt<TLayer, TSimd, TVector>(ref w, 0), bz = StartAt<TLayer, TSimd, TVector>(ref w, Block), bn = StartAt<TLayer, TSimd, TVector>(ref w, 2 * Block);
        TVector r0 = br, z0 = bz, n0 = bn, r1 = br, z1 = bz, n1 = bn;
        TVector r2 = br, z2 = bz, n2 = bn, r3 = br, z3 = bz, n3 = bn;
        ref float col = ref Columns<TLayer, TSimd, TVector>(ref w, s, 0);
        ref float xa = ref x;
        ref float xb = ref Unsafe.Add(ref x, stride);
        ref float xc = ref Unsafe.Add(ref x, 2 * stride);
        ref float xd = ref Unsafe.Add(ref x, (StepGroup<TLayer>() - 1) * stride); // read only in groups of four
        for (int k = 0; k < TLayer.InputSize; k++)
        {
            // One broadcast live at a time: 12 accumulators, 3 weights and 1 input fill x64's 16 vector registers
            // without AVX-512. With the four broadcasts first (19 live), RyuJIT kept three accumulators on the stack,
            // a store and a reload per column on their chains.
            TVector wr = LoadW<TLayer, TSimd, TVector>(ref col, 0), wz = LoadW<TLayer, TSimd, TVector>(ref col, Block), wn = LoadW<TLayer, TSimd, TVector>(ref col, 2 * Block);
            TVector xs = TSimd.Create(Unsafe.Add(ref xa, k));
            r0 = TSimd.MultiplyAdd(wr, xs, r0); z0 = TSimd.MultiplyAdd(wz, xs, z0); n0 = TSimd.MultiplyAdd(wn, xs, n0);
            xs = TSimd.Create(Unsafe.Add(ref xb, k));
            r1 = TSimd.MultiplyAdd(wr, xs, r1); z1 = TSimd.MultiplyAdd(wz, xs, z1); n1 = TSimd.MultiplyAdd(wn, xs, n1);
            xs = TSimd.Create(Unsafe.Add(ref xc, k));
            r2 = TSimd.MultiplyAdd(wr, xs, r2); z2 = TSimd.MultiplyAdd(wz, xs, z2); n2 = TSimd.MultiplyAdd(wn, xs, n2);
            if (StepGroup<TLayer>() == 4)
            {
                xs = TSimd.Create(Unsafe.Add(ref xd, k));
                r3 = TSimd.MultiplyAdd(wr, xs, r3); z3 = TSimd.MultiplyAdd(wz, xs, z3); n3 = TSimd.MultiplyAdd(wn, xs, n3);
            }

            col = ref Unsafe.Add(ref col, Col<TLayer>(GateBlock));
        }

        r0 = FinishProjection<TLayer, TSimd, TVector>(r0, ref w, 0); z0 = FinishProjection<TLayer, TSimd, TVector>(z0, ref w, 1); n0 = FinishProjection<TLayer, TSimd, TVector>(n0, ref w, 2);
        r1 = FinishProjection<TLayer, TSimd, TVector>(r1, ref w, 0); z1 = FinishProjection<TLayer, TSimd, TVector>(z1, ref w, 1); n1 = FinishProjection<TLayer, TSimd, TVector>(n1, ref w, 2);
        r2 = FinishProjection<TLayer, TSimd, TVector>(r2, ref w, 0); z2 = FinishProjection<TLayer, TSimd, TVector>(z2, ref w, 1); n2 = FinishProjection<TLayer, TSimd, TVector>(n2, ref w, 2);
        TSimd.Store(r0, ref g, 0); TSimd.Store(z0, ref g, Block); TSimd.Store(n0, ref g, 2 * Block);
        ref float g1 = ref Unsafe.Add(ref g, gateRow);
        TSimd.Store(r1, ref g1, 0); TSimd.Store(z1, ref g1, Block); TSimd.Store(n1, ref g1, 2 * Block);
        ref float g2 = ref Unsafe.Add(ref g, 2 * gateRow);
        TSimd.Store(r2, ref g2, 0); TSimd.Store(z2, ref g2, Block); TSimd.Store(n2, ref g2, 2 * Block);
        if (StepGroup<TLayer>() == 4)
        {
            r3 = FinishProjection<TLayer, TSimd, TVector>(r3, ref w, 0); z3 = FinishProjection<TLayer, TSimd, TVector>(z3, ref w, 1); n3 = FinishProjection<TLayer, TSimd, TVector>(n3, ref w, 2);
            ref float g3 = ref Unsafe.Add(ref g, 3 * gateRow);
            TSimd.Store(r3, ref g3, 0); TSimd.Store(z3, ref g3, Block); TSimd.Store(n3, ref g3, 2 * Block);
        }
    }

    private static void ProjectScalar<TLayer>(ref float x, ref float g) where TLayer : IGruLayer
    {
        int inputSize = TLayer.InputSize;
        int blocks = KernelLayout.GruBlocks(TLayer.HiddenSize);
        for (int b = 0; b < blocks; b++)
        {
            ref float wb = ref WeightBlocks.Gru<TLayer>(0, WeightBlocks.SectionLength<TLayer>(0), b);
            ref float columns = ref Unsafe.Add(ref wb, KernelLayout.GruSectionHeaderFloats(0, TLayer.LinearBeforeReset, TLayer.WeightType));
            ref float gb = ref Unsafe.Add(ref g, b * GateBlock);
            for (int i = 0; i < GateBlock; i++)
            {
                float acc = ScalarStart<TLayer>(Unsafe.Add(ref wb, i));
                for (int k = 0; k < inputSize; k++)
                    acc += ScalarWeight<TLayer>(ref columns, GateBlock * k + i) * Unsafe.Add(ref x, k);
                Unsafe.Add(ref gb, i) = ScalarFinish<TLayer>(acc, Unsafe.Add(ref wb, i), ref wb, 0, i);
            }
        }
    }

    // The scalar paths' weight types: weight i of a block's columns, and the int8 start and finish (see StartAt, Finish).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ScalarWeight<TLayer>(ref float columns, int i) where TLayer : IGruLayer => WeightLoads.Scalar(TLayer.WeightType, ref columns, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ScalarStart<TLayer>(float init) where TLayer : IGruLayer => TLayer.WeightType == GruWeightType.Int8 ? 0f : init;

    // Row `row` of the block's section (its index among the section's rows, as in the header's scales).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ScalarFinish<TLayer>(float sum, float init, ref float block, int section, int row) where TLayer : IGruLayer =>
        TLayer.WeightType == GruWeightType.Int8 ? init + Unsafe.Add(ref block, KernelLayout.GruSectionBiasFloats(section, TLayer.LinearBeforeReset) + row) * sum : sum;

    // ---- A single step, linear_before_reset = true ---------------------------------------------------------

    // One step (Step, and a chunk of one step in Run): each group of strips has its input projection computed just
    // before its recurrence, and a backward step takes the groups from the last to the first, so that a step reads
    // both weight sections group by group in the reverse order of the step before, and the groups the last step
    // read last, most likely still in L1, are read first. Projected whole before the recurrence, the input weights
    // a step reads between two sweeps of the recurrent ones took their place in L1 (64 → 64: 48 KB of each; that
    // shape gained nothing from the sweep order on a Zen 4 core, and 0.92–0.93 from this on a Zen 5 one). The groups and their order are the recurrence's
    // (RecurResetAfter; RecurTakesFours): four strips at 128 bits, pairs at 256, where a group of four strips is
    // projected together (12 accumulators) and recurred as two pairs; then two, then one. Each strip's projection
    // and recurrence are the same operations as apart, so the results are the same bits as ProjectInputs then Recur
    // (tested). One difference: group g (or, per chunk, GatesPerChunk, chunk c) writes its hidden units before the
    // next one reads the inputs, so the inputs must not overlap the hidden row (generated code alternates two hidden
    // buffers between layers).
    // linear_before_reset = false keeps projecting first: its recurrence sweeps the strips twice (r and z, then n
    // over r ⊙ h of every strip), and a per-group order was not measured there.
    [MethodImpl(KernelRoot.DriverOptions)] // optimised from its first call (KernelRoot)
    private static void StepResetAfter<TLayer>(ReadOnlySpan<float> inputs, int inputStride, Span<float> gates, Span<float> state, Span<float> hidden, bool backward)
        where TLayer : IGruLayer
    {
        int padded = KernelLayout.PaddedHidden(TLayer.HiddenSize);
        if (inputStride < TLayer.InputSize || inputs.Length < TLayer.InputSize) ThrowTooShort(nameof(inputs));
        if (gates.Length < GateRowLength<TLayer>()) ThrowTooShort(nameof(gates));
        if (state.Length < padded) ThrowTooShort(nameof(state));
        if (hidden.Length < padded) ThrowTooShort(nameof(hidden));

        ref float x = ref MemoryMarshal.GetReference(inputs);
        ref float g = ref MemoryMarshal.GetReference(gates);
        ref float previous = ref MemoryMarshal.GetReference(state);
        ref float next = ref MemoryMarshal.GetReference(hidden);
        if (Vector256.IsHardwareAccelerated) StepResetAfterVector<TLayer, Simd256, Vector256<float>>(ref x, ref g, ref previous, ref next, backward);
        else StepResetAfterVector<TLayer, Simd128, Vector128<float>>(ref x, ref g, ref previous, ref next, backward);
        hidden.Slice(0, padded).CopyTo(state);
    }

    [MethodImpl(KernelRoot.Options)] // a root of its own, compiled optimised at once (class remarks)
    [SkipLocalsInit] // the chunk's sums, written before they are read
    private static void StepResetAfterVector<TLayer, TSimd, TVector>(ref float x, ref float gates, ref float previous, ref float next, bool backward)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        int strips = Strips<TLayer, TSimd, TVector>();
        ref float inputSection = ref WeightBlocks.GruSection<TLayer>(0);
        ref float recurrentSection = ref WeightBlocks.GruSection<TLayer>(1);
        int fours = strips / 4 * 4;
        int twos = fours + (strips - fours) / 2 * 2;
        Unsafe.SkipInit(out ChunkSums<TVector> chunk); // every element read is written first
        ref TVector sums = ref chunk[0];
        if (!backward)
        {
            int s = 0;
            for (; s < fours; s += 4)
            {
                StepFourStrips<TLayer, TSimd, TVector>(ref inputSection, ref recurrentSection, ref x, ref gates, ref previous, ref next, ref sums, s, backward);
                AfterGroupForward<TLayer, TSimd, TVector>(ref sums, s + 4, ref gates, ref previous, ref next);
            }

            for (; s < twos; s += 2)
            {
                StepTwoStrips<TLayer, TSimd, TVector>(ref inputSection, ref recurrentSection, ref x, ref gates, ref previous, ref next, ref sums, s);
                AfterGroupForward<TLayer, TSimd, TVector>(ref sums, s + 2, ref gates, ref previous, ref next);
            }

            if (s < strips)
            {
                StepOneStrip<TLayer, TSimd, TVector>(ref inputSection, ref recurrentSection, ref x, ref gates, ref previous, ref next, ref sums, s);
                AfterGroupForward<TLayer, TSimd, TVector>(ref sums, s + 1, ref gates, ref previous, ref next);
            }
        }
        else
        {
            if (twos < strips)
            {
                StepOneStrip<TLayer, TSimd, TVector>(ref inputSection, ref recurrentSection, ref x, ref gates, ref previous, ref next, ref sums, twos);
                AfterGroupBackward<TLayer, TSimd, TVector>(ref sums, twos, ref gates, ref previous, ref next);
            }

            for (int s = twos - 2; s >= fours; s -= 2)
            {
                StepTwoStrips<TLayer, TSimd, TVector>(ref inputSection, ref recurrentSection, ref x, ref gates, ref previous, ref next, ref sums, s);
                AfterGroupBackward<TLayer, TSimd, TVector>(ref sums, s, ref gates, ref previous, ref next);
            }

            for (int s = fours - 4; s >= 0; s -= 4)
            {
                StepFourStrips<TLayer, TSimd, TVector>(ref inputSection, ref recurrentSection, ref x, ref gates, ref previous, ref next, ref sums, s, backward);
                AfterGroupBackward<TLayer, TSimd, TVector>(ref sums, s, ref gates, ref previous, ref next);
            }
        }
    }

    // A group's projection, then its recurrence; where the gates run per chunk (GatesPerChunk), the sums go to the chunk
    // (sums is the chunk buffer's start; each strip's slot is Slot's).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StepFourStrips<TLayer, TSimd, TVector>(ref float inputSection, ref float recurrentSection, ref float x, ref float gates, ref float previous, ref float next, ref TVector sums, int s, bool backward)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        ProjectFourStrips<TLayer, TSimd, TVector>(ref StripWeights<TLayer, TSimd, TVector>(ref inputSection, 0, s), ref StripWeights<TLayer, TSimd, TVector>(ref inputSection, 0, s + 1),
            ref StripWeights<TLayer, TSimd, TVector>(ref inputSection, 0, s + 2), ref StripWeights<TLayer, TSimd, TVector>(ref inputSection, 0, s + 3), ref x,
            ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s)), s);
        if (RecurTakesFours<TSimd, TVector>())
        {
            RecurFourStripsResetAfter<TLayer, TSimd, TVector>(ref recurrentSection, ref gates, ref previous, ref next, s);
        }
        else if (!backward)
        {
            RecurTwoStripsResetAfter<TLayer, TSimd, TVector>(ref recurrentSection, ref gates, ref previous, ref next, ref Slot(ref sums, s), s);
            RecurTwoStripsResetAfter<TLayer, TSimd, TVector>(ref recurrentSection, ref gates, ref previous, ref next, ref Slot(ref sums, s + 2), s + 2);
        }
        else
        {
            RecurTwoStripsResetAfter<TLayer, TSimd, TVector>(ref recurrentSection, ref gates, ref previous, ref next, ref Slot(ref sums, s + 2), s + 2);
            RecurTwoStripsResetAfter<TLayer, TSimd, TVector>(ref recurrentSection, ref gates, ref previous, ref next, ref Slot(ref sums, s), s);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StepTwoStrips<TLayer, TSimd, TVector>(ref float inputSection, ref float recurrentSection, ref float x, ref float gates, ref float previous, ref float next, ref TVector sums, int s)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        ProjectTwoStrips<TLayer, TSimd, TVector>(ref StripWeights<TLayer, TSimd, TVector>(ref inputSection, 0, s), ref StripWeights<TLayer, TSimd, TVector>(ref inputSection, 0, s + 1), ref x,
            ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s)), ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s + 1)), s);
        RecurTwoStripsResetAfter<TLayer, TSimd, TVector>(ref recurrentSection, ref gates, ref previous, ref next, ref Slot(ref sums, s), s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StepOneStrip<TLayer, TSimd, TVector>(ref float inputSection, ref float recurrentSection, ref float x, ref float gates, ref float previous, ref float next, ref TVector sums, int s)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        ProjectOneStrip<TLayer, TSimd, TVector>(ref StripWeights<TLayer, TSimd, TVector>(ref inputSection, 0, s), ref x, ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s)), s);
        RecurOneStripResetAfter<TLayer, TSimd, TVector>(ref recurrentSection, ref gates, ref previous, ref next, ref Slot(ref sums, s), s);
    }

    // ---- Recurrence ------------------------------------------------------------------------------------

    /// <summary>The finished sums of up to four strips, three each (r, z, W_hn h + b_hn).</summary>
    [InlineArray(12)]
    private struct StripSums<TVector> where TVector : struct
    {
        private TVector _first;
    }

    // Where the gate functions of the 256-bit recurrence run: per chunk of 8 strips (ChunkSums, CombineChunkResetAfter)
    // on x64 without AVX-512; elsewhere right after each pair's loop, in its kernel, as at 128 bits everywhere.
    // Measured on the Zen 3 core of 2026-12-02 (no AVX-512, so 16 vector registers): `perf` put 17% of the 256-bit
    // recurrence of 16 → 128 + 16 in the gate functions; per chunk, Step took 0.89–0.95 of the time at 16 → 16,
    // 0.91–0.95 at 8 → 64 + 4, 0.95–1.01 at 64 → 64 and 0.90–1.05 at the other three (four runs against 7233831; Run
    // per step 0.83–1.00). Why is not settled. A pair's gate functions are a chain of ~100 cycles with one other beside
    // it, and per chunk up to 8 overlap; but 16 → 16, a single pair, gained as much, and there what changed is the
    // code: the pair kernel's two unrolled copies spilled their constants to the stack, where the chunk's loop
    // computes them once before it (one copy in a loop inside the pair kernel measured no gain: bench/RESULTS.md,
    // "Per change"). At 128 bits the same change measured 0.96–1.04 (16 → 128 + 16 1.02–1.04 in all three runs), so
    // the groups of four keep their gates. Cores with AVX-512 keep them after each pair: a separate pass over all
    // strips measured 1.01–1.11 × the time there (docs/design.md, "tried"), and per chunk 1.01–1.19 × (a Zen 5 core,
    // 2026-12-03: 1.08 / 1.19 / 1.07 / 1.01 / 1.06 / 1.01 at the six benchmark shapes). Intel cores without AVX-512
    // take the chunks, not timed. The per-strip arithmetic is the same either way, so results are the same bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool GatesPerChunk<TVector>() where TVector : struct => typeof(TVector) == typeof(Vector256<float>) && SixteenVectorRegisters();

    /// <summary>Strips whose gate functions run together (<see cref="ChunkSums{TVector}"/>): 64 units.</summary>
    /// <remarks>A multiple of 4, so that no group of strips (4 from a multiple of 4, 2 from an even strip, then 1) straddles two chunks.</remarks>
    private const int ChunkStrips = 8;

    /// <summary>
    /// The finished sums of a chunk of <see cref="ChunkStrips"/> strips, three each (r, z, W_hn h + b_hn), strip s at
    /// 3 (s % ChunkStrips): a driver's stack buffer between the loops over weights and the gate functions.
    /// </summary>
    [InlineArray(3 * ChunkStrips)]
    private struct ChunkSums<TVector> where TVector : struct
    {
        private TVector _first;
    }

    /// <summary>The sums of strip <paramref name="strip"/> in its chunk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref TVector Slot<TVector>(ref TVector sums, int strip) where TVector : struct =>
        ref Unsafe.Add(ref sums, 3 * (strip % ChunkStrips));

    /// <summary>After a group of strips ending at <paramref name="end"/> in a forward sweep: the gate functions of the chunk it completes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AfterGroupForward<TLayer, TSimd, TVector>(ref TVector sums, int end, ref float gates, ref float previous, ref float next)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        int strips = Strips<TLayer, TSimd, TVector>();
        if (!GatesPerChunk<TVector>() || (end % ChunkStrips != 0 && end != strips)) return;
        int first = (end - 1) / ChunkStrips * ChunkStrips;
        CombineChunkResetAfter<TLayer, TSimd, TVector>(ref sums, first, end - first, ref gates, ref previous, ref next);
    }

    /// <summary>After a group of strips starting at <paramref name="start"/> in a backward sweep: the gate functions of the chunk it completes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AfterGroupBackward<TLayer, TSimd, TVector>(ref TVector sums, int start, ref float gates, ref float previous, ref float next)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        if (!GatesPerChunk<TVector>() || start % ChunkStrips != 0) return;
        int count = Math.Min(ChunkStrips, Strips<TLayer, TSimd, TVector>() - start);
        CombineChunkResetAfter<TLayer, TSimd, TVector>(ref sums, start, count, ref gates, ref previous, ref next);
    }

    /// <summary>Whether the linear_before_reset = true recurrence takes four strips at a time (Vector128) or pairs (Vector256).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool RecurTakesFours<TSimd, TVector>() where TSimd : struct, ISimd<TVector> where TVector : struct => TSimd.Count == 4;

    // linear_before_reset = true, after ProjectInputs: r, z and W_hn h + b_hn in one pass over h. Vector128 takes
    // four strips at a time (12 independent accumulators: a multiply-add's latency times the two multiply-add pipes
    // needs 8 or more, and the 6 of two strips left its loop latency-bound), then two. Vector256 takes two (its
    // 6 accumulators are as wide as 12 of Vector128; 12 when a short loop splits its columns, PairSplitsColumns), then
    // one: four measured 0–8% slower there on a Zen 4 core (1.02–1.23 in a rougher check later) and 0.93–1.01 of the
    // time on a Zen 5 one (bench/RESULTS.md, "Per change"). Backward takes the same groups in the opposite order (StripOrder). A single step takes the same
    // groups in the same order in StepResetAfterVector, each after its projection.
    [MethodImpl(KernelRoot.Options)] // a root of its own, compiled optimised at once (class remarks)
    [SkipLocalsInit] // the chunk's sums, written before they are read
    private static void RecurResetAfter<TLayer, TSimd, TVector>(ref float gates, ref float previous, ref float next, bool backward)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        int strips = Strips<TLayer, TSimd, TVector>();
        ref float section = ref WeightBlocks.GruSection<TLayer>(1);
        int fours = RecurTakesFours<TSimd, TVector>() ? strips / 4 * 4 : 0;
        int twos = fours + (strips - fours) / 2 * 2;
        Unsafe.SkipInit(out ChunkSums<TVector> chunk); // every element read is written first
        ref TVector sums = ref chunk[0];
        if (!backward)
        {
            int s = 0;
            for (; s < fours; s += 4) RecurFourStripsResetAfter<TLayer, TSimd, TVector>(ref section, ref gates, ref previous, ref next, s); // 128 bits: gates in the kernel

            for (; s < twos; s += 2)
            {
                RecurTwoStripsResetAfter<TLayer, TSimd, TVector>(ref section, ref gates, ref previous, ref next, ref Slot(ref sums, s), s);
                AfterGroupForward<TLayer, TSimd, TVector>(ref sums, s + 2, ref gates, ref previous, ref next);
            }

            if (s < strips)
            {
                RecurOneStripResetAfter<TLayer, TSimd, TVector>(ref section, ref gates, ref previous, ref next, ref Slot(ref sums, s), s);
                AfterGroupForward<TLayer, TSimd, TVector>(ref sums, s + 1, ref gates, ref previous, ref next);
            }
        }
        else
        {
            if (twos < strips)
            {
                RecurOneStripResetAfter<TLayer, TSimd, TVector>(ref section, ref gates, ref previous, ref next, ref Slot(ref sums, twos), twos);
                AfterGroupBackward<TLayer, TSimd, TVector>(ref sums, twos, ref gates, ref previous, ref next);
            }

            for (int s = twos - 2; s >= fours; s -= 2)
            {
                RecurTwoStripsResetAfter<TLayer, TSimd, TVector>(ref section, ref gates, ref previous, ref next, ref Slot(ref sums, s), s);
                AfterGroupBackward<TLayer, TSimd, TVector>(ref sums, s, ref gates, ref previous, ref next);
            }

            for (int s = fours - 4; s >= 0; s -= 4) RecurFourStripsResetAfter<TLayer, TSimd, TVector>(ref section, ref gates, ref previous, ref next, s); // 128 bits: gates in the kernel
        }
    }

    [MethodImpl(KernelRoot.Options)] // a root of its own, compiled optimised at once (class remarks)
    [SkipLocalsInit] // the sums: zeroed, a call per group
    private static void RecurFourStripsResetAfter<TLayer, TSimd, TVector>(ref float section, ref float gates, ref float previous, ref float next, int s)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        ref float w0 = ref StripWeights<TLayer, TSimd, TVector>(ref section, 1, s);
        ref float w1 = ref StripWeights<TLayer, TSimd, TVector>(ref section, 1, s + 1);
        ref float w2 = ref StripWeights<TLayer, TSimd, TVector>(ref section, 1, s + 2);
        ref float w3 = ref StripWeights<TLayer, TSimd, TVector>(ref section, 1, s + 3);
        ref float g0 = ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s));
        ref float g1 = ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s + 1));
        ref float g2 = ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s + 2));
        ref float g3 = ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s + 3));
        TVector r0 = StartAt<TLayer, TSimd, TVector>(ref g0, 0), z0 = StartAt<TLayer, TSimd, TVector>(ref g0, Block), hn0 = StartAt<TLayer, TSimd, TVector>(ref w0, 0);
        TVector r1 = StartAt<TLayer, TSimd, TVector>(ref g1, 0), z1 = StartAt<TLayer, TSimd, TVector>(ref g1, Block), hn1 = StartAt<TLayer, TSimd, TVector>(ref w1, 0);
        TVector r2 = StartAt<TLayer, TSimd, TVector>(ref g2, 0), z2 = StartAt<TLayer, TSimd, TVector>(ref g2, Block), hn2 = StartAt<TLayer, TSimd, TVector>(ref w2, 0);
        TVector r3 = StartAt<TLayer, TSimd, TVector>(ref g3, 0), z3 = StartAt<TLayer, TSimd, TVector>(ref g3, Block), hn3 = StartAt<TLayer, TSimd, TVector>(ref w3, 0);
        ref float c0 = ref Columns<TLayer, TSimd, TVector>(ref w0, s, 1);
        ref float c1 = ref Columns<TLayer, TSimd, TVector>(ref w1, s + 1, 1);
        ref float c2 = ref Columns<TLayer, TSimd, TVector>(ref w2, s + 2, 1);
        ref float c3 = ref Columns<TLayer, TSimd, TVector>(ref w3, s + 3, 1);
        for (int k = 0; k < TLayer.HiddenSize; k++)
        {
            TVector hk = TSimd.Create(Unsafe.Add(ref previous, k));
            r0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, 0), hk, r0);
            z0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, Block), hk, z0);
            hn0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, 2 * Block), hk, hn0);
            r1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, 0), hk, r1);
            z1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, Block), hk, z1);
            hn1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, 2 * Block), hk, hn1);
            r2 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c2, 0), hk, r2);
            z2 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c2, Block), hk, z2);
            hn2 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c2, 2 * Block), hk, hn2);
            r3 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c3, 0), hk, r3);
            z3 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c3, Block), hk, z3);
            hn3 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c3, 2 * Block), hk, hn3);
            c0 = ref Unsafe.Add(ref c0, Col<TLayer>(GateBlock));
            c1 = ref Unsafe.Add(ref c1, Col<TLayer>(GateBlock));
            c2 = ref Unsafe.Add(ref c2, Col<TLayer>(GateBlock));
            c3 = ref Unsafe.Add(ref c3, Col<TLayer>(GateBlock));
        }

        r0 = Finish<TLayer, TSimd, TVector>(r0, ref g0, ref w0, 1, 0); z0 = Finish<TLayer, TSimd, TVector>(z0, ref Unsafe.Add(ref g0, Block), ref w0, 1, 1); hn0 = Finish<TLayer, TSimd, TVector>(hn0, ref w0, ref w0, 1, 2);
        r1 = Finish<TLayer, TSimd, TVector>(r1, ref g1, ref w1, 1, 0); z1 = Finish<TLayer, TSimd, TVector>(z1, ref Unsafe.Add(ref g1, Block), ref w1, 1, 1); hn1 = Finish<TLayer, TSimd, TVector>(hn1, ref w1, ref w1, 1, 2);
        r2 = Finish<TLayer, TSimd, TVector>(r2, ref g2, ref w2, 1, 0); z2 = Finish<TLayer, TSimd, TVector>(z2, ref Unsafe.Add(ref g2, Block), ref w2, 1, 1); hn2 = Finish<TLayer, TSimd, TVector>(hn2, ref w2, ref w2, 1, 2);
        r3 = Finish<TLayer, TSimd, TVector>(r3, ref g3, ref w3, 1, 0); z3 = Finish<TLayer, TSimd, TVector>(z3, ref Unsafe.Add(ref g3, Block), ref w3, 1, 1); hn3 = Finish<TLayer, TSimd, TVector>(hn3, ref w3, ref w3, 1, 2);
        Unsafe.SkipInit(out StripSums<TVector> sums); // every element read is written first
        sums[0] = r0; sums[1] = z0; sums[2] = hn0; sums[3] = r1; sums[4] = z1; sums[5] = hn1;
        sums[6] = r2; sums[7] = z2; sums[8] = hn2; sums[9] = r3; sums[10] = z3; sums[11] = hn3;
        CombineStripsResetAfter<TLayer, TSimd, TVector>(ref sums, 4, ref gates, ref previous, ref next, s);
    }

    // Whether the pair's loop takes two columns (hidden units k and k + 1) at a time into two sets of sums, added at
    // the end: 12 chains instead of 6. With 6, a short loop waits on the multiply-add's latency (6 chains fill 6 of
    // the 8 a core with two 4-cycle pipes needs); 12 made 8 → 64 + 4 0.88–0.95, 1 → 32 × 2 + 1 0.92–0.93 and 16 → 16
    // 0.96–1.00 of the time with Vector256 on a Zen 5 core, 64 → 64 0.98–1.00, but gave nothing where the loop is long
    // and reads its weights from L2 or L3: 16 → 128 + 16 1.02–1.04 (its unchanged code measured 1.02 in the same kind
    // of run, so this may be noise) and 32 → 256 × 2 + 1 1.00–1.01 (bench/RESULTS.md, "Per change"; on a Zen 4 core,
    // before the rational tanh, the split had measured no gain at all). So layers of up to 64 units split, where the
    // gain was measured. The same holds at 128 bits for a pair left after the groups of four, and for every weight
    // type: not measured there (no benchmark shape has such a pair; int8 and float16 were not timed). A constant of
    // the layer type: the JIT compiles the split loop and a one-column loop for an odd last column, or the
    // one-column loop alone. The sums differ from the unsplit ones by rounding only; Run, Step and both sweep orders
    // take the same loops, so they stay bitwise equal (tested).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool PairSplitsColumns<TLayer>() where TLayer : IGruLayer => TLayer.HiddenSize <= 64;

    // The split loop's second broadcast after column k's multiply-adds (one register fewer): float16 with 16 vector
    // registers only (bench -- jit-check found an accumulator on the stack there; float32 and int8 have none).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool LateSecondBroadcast<TLayer>() where TLayer : IGruLayer =>
        TLayer.WeightType == GruWeightType.Float16 && SixteenVectorRegisters();

    [MethodImpl(KernelRoot.Options)] // a root of its own, compiled optimised at once (class remarks)
    private static void RecurTwoStripsResetAfter<TLayer, TSimd, TVector>(ref float section, ref float gates, ref float previous, ref float next, ref TVector sums, int s)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        ref float w0 = ref StripWeights<TLayer, TSimd, TVector>(ref section, 1, s);
        ref float w1 = ref StripWeights<TLayer, TSimd, TVector>(ref section, 1, s + 1);
        ref float g0 = ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s));
        ref float g1 = ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s + 1));
        TVector r0 = StartAt<TLayer, TSimd, TVector>(ref g0, 0), z0 = StartAt<TLayer, TSimd, TVector>(ref g0, Block), hn0 = StartAt<TLayer, TSimd, TVector>(ref w0, 0);
        TVector r1 = StartAt<TLayer, TSimd, TVector>(ref g1, 0), z1 = StartAt<TLayer, TSimd, TVector>(ref g1, Block), hn1 = StartAt<TLayer, TSimd, TVector>(ref w1, 0);
        ref float c0 = ref Columns<TLayer, TSimd, TVector>(ref w0, s, 1);
        ref float c1 = ref Columns<TLayer, TSimd, TVector>(ref w1, s + 1, 1);
        TVector r0b = default, z0b = default, hn0b = default, r1b = default, z1b = default, hn1b = default;
        int k = 0;
        if (PairSplitsColumns<TLayer>())
        {
            for (; k + 2 <= TLayer.HiddenSize; k += 2)
            {
                // Both broadcasts first: broadcast after column k's multiply-adds, float32's 8 → 64 + 4 took 1.06 ×
                // the time of the unsplit loop instead of 0.90 × on a Zen 5 core. But float16 weights are converted
                // into registers, and with both broadcasts live the JIT kept an accumulator on the stack where it has
                // 16 vector registers, so there (LateSecondBroadcast) the second comes after column k's multiply-adds.
                TVector hk = TSimd.Create(Unsafe.Add(ref previous, k));
                TVector hk1 = LateSecondBroadcast<TLayer>() ? default : TSimd.Create(Unsafe.Add(ref previous, k + 1));
                r0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, 0), hk, r0);
                z0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, Block), hk, z0);
                hn0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, 2 * Block), hk, hn0);
                r1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, 0), hk, r1);
                z1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, Block), hk, z1);
                hn1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, 2 * Block), hk, hn1);
                if (LateSecondBroadcast<TLayer>()) hk1 = TSimd.Create(Unsafe.Add(ref previous, k + 1));
                r0b = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, GateBlock), hk1, r0b);
                z0b = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, GateBlock + Block), hk1, z0b);
                hn0b = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, GateBlock + 2 * Block), hk1, hn0b);
                r1b = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, GateBlock), hk1, r1b);
                z1b = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, GateBlock + Block), hk1, z1b);
                hn1b = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, GateBlock + 2 * Block), hk1, hn1b);
                c0 = ref Unsafe.Add(ref c0, Col<TLayer>(2 * GateBlock));
                c1 = ref Unsafe.Add(ref c1, Col<TLayer>(2 * GateBlock));
            }
        }

        for (; k < TLayer.HiddenSize; k++) // every column when the pair does not split them; else an odd last one
        {
            TVector hk = TSimd.Create(Unsafe.Add(ref previous, k));
            r0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, 0), hk, r0);
            z0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, Block), hk, z0);
            hn0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, 2 * Block), hk, hn0);
            r1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, 0), hk, r1);
            z1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, Block), hk, z1);
            hn1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, 2 * Block), hk, hn1);
            c0 = ref Unsafe.Add(ref c0, Col<TLayer>(GateBlock));
            c1 = ref Unsafe.Add(ref c1, Col<TLayer>(GateBlock));
        }

        if (PairSplitsColumns<TLayer>())
        {
            r0 = TSimd.Add(r0, r0b); z0 = TSimd.Add(z0, z0b); hn0 = TSimd.Add(hn0, hn0b);
            r1 = TSimd.Add(r1, r1b); z1 = TSimd.Add(z1, z1b); hn1 = TSimd.Add(hn1, hn1b);
        }

        r0 = Finish<TLayer, TSimd, TVector>(r0, ref g0, ref w0, 1, 0); z0 = Finish<TLayer, TSimd, TVector>(z0, ref Unsafe.Add(ref g0, Block), ref w0, 1, 1); hn0 = Finish<TLayer, TSimd, TVector>(hn0, ref w0, ref w0, 1, 2);
        r1 = Finish<TLayer, TSimd, TVector>(r1, ref g1, ref w1, 1, 0); z1 = Finish<TLayer, TSimd, TVector>(z1, ref Unsafe.Add(ref g1, Block), ref w1, 1, 1); hn1 = Finish<TLayer, TSimd, TVector>(hn1, ref w1, ref w1, 1, 2);
        if (typeof(TVector) == typeof(Vector256<float>) && !Avx512F.VL.IsSupported && !AdvSimd.IsSupported) // GatesPerChunk, written out: it folds while importing
        {
            Unsafe.Add(ref sums, 0) = r0; Unsafe.Add(ref sums, 1) = z0; Unsafe.Add(ref sums, 2) = hn0;
            Unsafe.Add(ref sums, 3) = r1; Unsafe.Add(ref sums, 4) = z1; Unsafe.Add(ref sums, 5) = hn1;
        }
        else
        {
            nuint u0 = (nuint)(s * TSimd.Count), u1 = (nuint)((s + 1) * TSimd.Count);
            TSimd.Store(CombineResetAfter<TLayer, TSimd, TVector>(ref g0, r0, z0, hn0, TSimd.Load(ref previous, u0)), ref next, u0);
            TSimd.Store(CombineResetAfter<TLayer, TSimd, TVector>(ref g1, r1, z1, hn1, TSimd.Load(ref previous, u1)), ref next, u1);
        }
    }

    [MethodImpl(KernelRoot.Options)] // a root of its own, compiled optimised at once (class remarks)
    private static void RecurOneStripResetAfter<TLayer, TSimd, TVector>(ref float section, ref float gates, ref float previous, ref float next, ref TVector sums, int s)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        ref float w0 = ref StripWeights<TLayer, TSimd, TVector>(ref section, 1, s);
        ref float g0 = ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s));
        TVector r0 = StartAt<TLayer, TSimd, TVector>(ref g0, 0), z0 = StartAt<TLayer, TSimd, TVector>(ref g0, Block), hn0 = StartAt<TLayer, TSimd, TVector>(ref w0, 0);
        ref float c0 = ref Columns<TLayer, TSimd, TVector>(ref w0, s, 1);
        for (int k = 0; k < TLayer.HiddenSize; k++)
        {
            TVector hk = TSimd.Create(Unsafe.Add(ref previous, k));
            r0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, 0), hk, r0);
            z0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, Block), hk, z0);
            hn0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, 2 * Block), hk, hn0);
            c0 = ref Unsafe.Add(ref c0, Col<TLayer>(GateBlock));
        }

        r0 = Finish<TLayer, TSimd, TVector>(r0, ref g0, ref w0, 1, 0); z0 = Finish<TLayer, TSimd, TVector>(z0, ref Unsafe.Add(ref g0, Block), ref w0, 1, 1); hn0 = Finish<TLayer, TSimd, TVector>(hn0, ref w0, ref w0, 1, 2);
        if (typeof(TVector) == typeof(Vector256<float>) && !Avx512F.VL.IsSupported && !AdvSimd.IsSupported) // GatesPerChunk, written out: it folds while importing
        {
            Unsafe.Add(ref sums, 0) = r0; Unsafe.Add(ref sums, 1) = z0; Unsafe.Add(ref sums, 2) = hn0;
        }
        else
        {
            nuint u0 = (nuint)(s * TSimd.Count);
            TSimd.Store(CombineResetAfter<TLayer, TSimd, TVector>(ref g0, r0, z0, hn0, TSimd.Load(ref previous, u0)), ref next, u0);
        }
    }

    // The new state of `count` strips from their finished sums (r, z, W_hn h + b_hn of each, in StripSums): a loop over
    // one copy of the gate functions, not a copy per strip. Four copies beside the 12-accumulator loop of the 128-bit
    // recurrence were past RyuJIT's inlining budget for a method once the int8 or float16 loads were in it too: the
    // last strips' gate functions stayed calls (found by bench -- jit-check; the loop measured 0.84–0.97 of the int8
    // step's time at 128 bits, 0.99–1.03 of float32's). The strips' iterations are independent, so they overlap. Two
    // strips (the 256-bit recurrence) stay unrolled: they fit the budget, and the loop cost up to 4% there.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CombineStripsResetAfter<TLayer, TSimd, TVector>(ref StripSums<TVector> sums, int count, ref float gates, ref float previous, ref float next, int s)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        for (int i = 0; i < count; i++)
        {
            nuint u = (nuint)((s + i) * TSimd.Count);
            TVector h = CombineResetAfter<TLayer, TSimd, TVector>(ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s + i)), sums[3 * i], sums[3 * i + 1], sums[3 * i + 2], TSimd.Load(ref previous, u));
            TSimd.Store(h, ref next, u);
        }
    }

    // The new state of `count` (≥ 1) strips from `first` (a multiple of ChunkStrips) on, from their finished sums in the
    // chunk (GatesPerChunk): a loop over one copy of the gate functions. A do-while: with a for loop, which may run no
    // iteration, the JIT computed the 15 constants inside the loop and spilled them there on x64 without AVX-512
    // (bench -- jit-check); this way they are computed once before it, and reloaded inside.
    [MethodImpl(KernelRoot.Options)] // a root of its own, compiled optimised at once (class remarks)
    private static void CombineChunkResetAfter<TLayer, TSimd, TVector>(ref TVector sums, int first, int count, ref float gates, ref float previous, ref float next)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        int i = 0;
        do
        {
            int s = first + i;
            nuint u = (nuint)(s * TSimd.Count);
            ref TVector strip = ref Unsafe.Add(ref sums, 3 * i);
            TVector h = CombineResetAfter<TLayer, TSimd, TVector>(ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s)), strip, Unsafe.Add(ref strip, 1), Unsafe.Add(ref strip, 2), TSimd.Load(ref previous, u));
            TSimd.Store(h, ref next, u);
        }
        while (++i < count);
    }

    // tanh(x/2) for the combine, the same bits either way (KernelTests): by tanh's coefficients scaled by powers of two
    // (VectorMath.TanhOfHalf, one multiply sooner) where the JIT has 16 vector registers, and as tanh of x halved
    // elsewhere. bench -- jit-check: the scaled coefficients are 12 constants more, and with 32 registers (ARM64) the
    // 128-bit gate loop then reloaded four from the stack in every iteration; tanh of x halved with 16 registers kept
    // a value on the stack through the gate loops (x64, both widths). With 16 registers the loops reload constants
    // computed before them anyway, which the check allows there.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector CombineTanhOfHalf<TSimd, TVector>(TVector x) where TSimd : struct, ISimd<TVector> where TVector : struct =>
        SixteenVectorRegisters() ? VectorMath<TSimd, TVector>.TanhOfHalf(x) : VectorMath<TSimd, TVector>.Tanh(TSimd.Multiply(x, TSimd.Create(0.5f)));

    // h' = (1 − z) n + z h, with n = tanh(x part + r (W_hn h + b_hn)); g is the strip's gate row. The gates' functions
    // are a dependency chain (sigmoid r, then tanh n, then h'), so what only needs z or hn is taken off it: with
    // r = ½ + ½ tanh(r/2), x part + r hn is one multiply-add on tanh(r/2), tanh(r/2) (½ hn) + (x part + ½ hn), instead
    // of a multiply-add, a multiply and an add; and h' one on n, (1 − z) n + z h with 1 − z = ½ − ½ tanh(z/2) and z h
    // computed beside n, instead of a subtraction, a multiply and an add. One difference from r (W_hn h + b_hn): where
    // W_hn h + b_hn overflows to ±∞ (weights near float's limit) and tanh(r/2) ≤ 0, ∞ − ∞ gives NaN, not ±1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector CombineResetAfter<TLayer, TSimd, TVector>(ref float g, TVector r, TVector z, TVector hn, TVector h)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        TVector half = TSimd.Create(0.5f), halfHn = TSimd.Multiply(hn, half);
        TVector tr = CombineTanhOfHalf<TSimd, TVector>(Clip<TLayer, TSimd, TVector>(r));
        TVector tz = CombineTanhOfHalf<TSimd, TVector>(Clip<TLayer, TSimd, TVector>(z));
        TVector n = Candidate<TLayer, TSimd, TVector>(TSimd.MultiplyAdd(tr, halfHn, TSimd.Add(TSimd.Load(ref g, 2 * Block), halfHn)));
        TVector zh = TSimd.Multiply(TSimd.MultiplyAdd(tz, half, half), h);
        return TSimd.MultiplyAdd(TSimd.MultiplyAdd(tz, TSimd.Create(-0.5f), half), n, zh);
    }

    // linear_before_reset = false: r and z first (for all strips), then W_hn (r ⊙ h), each two strips at a time
    // (4 and 2 accumulators), then one; backward goes from the last strip to the first in both passes (StripOrder).
    [MethodImpl(KernelRoot.Options)] // a root of its own, compiled optimised at once (class remarks)
    private static void RecurResetBefore<TLayer, TSimd, TVector>(ref float gates, ref float previous, ref float next, ref float scratch, bool backward)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        int strips = Strips<TLayer, TSimd, TVector>();
        int twos = strips / 2 * 2;
        ref float rzSection = ref WeightBlocks.GruSection<TLayer>(1);
        ref float nSection = ref WeightBlocks.GruSection<TLayer>(2);
        ref float zs = ref scratch;                                                                      // z per unit
        ref float rh = ref Unsafe.Add(ref scratch, KernelLayout.PaddedHidden(TLayer.HiddenSize)); // r ⊙ h per unit
        if (!backward)
        {
            int s = 0;
            for (; s < twos; s += 2) RecurTwoStripsRz<TLayer, TSimd, TVector>(ref rzSection, ref gates, ref previous, ref zs, ref rh, s);
            if (s < strips) RecurOneStripRz<TLayer, TSimd, TVector>(ref rzSection, ref gates, ref previous, ref zs, ref rh, s);
            for (s = 0; s < twos; s += 2) RecurTwoStripsN<TLayer, TSimd, TVector>(ref nSection, ref gates, ref previous, ref next, ref zs, ref rh, s);
            if (s < strips) RecurOneStripN<TLayer, TSimd, TVector>(ref nSection, ref gates, ref previous, ref next, ref zs, ref rh, s);
        }
        else
        {
            if (twos < strips) RecurOneStripRz<TLayer, TSimd, TVector>(ref rzSection, ref gates, ref previous, ref zs, ref rh, twos);
            for (int s = twos - 2; s >= 0; s -= 2) RecurTwoStripsRz<TLayer, TSimd, TVector>(ref rzSection, ref gates, ref previous, ref zs, ref rh, s);
            if (twos < strips) RecurOneStripN<TLayer, TSimd, TVector>(ref nSection, ref gates, ref previous, ref next, ref zs, ref rh, twos);
            for (int s = twos - 2; s >= 0; s -= 2) RecurTwoStripsN<TLayer, TSimd, TVector>(ref nSection, ref gates, ref previous, ref next, ref zs, ref rh, s);
        }
    }

    private const int RzRow = 2 * Block;

    [MethodImpl(KernelRoot.Options)] // a root of its own, compiled optimised at once (class remarks)
    private static void RecurTwoStripsRz<TLayer, TSimd, TVector>(ref float rzSection, ref float gates, ref float previous, ref float zs, ref float rh, int s)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        ref float w0 = ref StripWeights<TLayer, TSimd, TVector>(ref rzSection, 1, s);
        ref float w1 = ref StripWeights<TLayer, TSimd, TVector>(ref rzSection, 1, s + 1);
        ref float c0 = ref Columns<TLayer, TSimd, TVector>(ref w0, s, 1);
        ref float c1 = ref Columns<TLayer, TSimd, TVector>(ref w1, s + 1, 1);
        ref float g0 = ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s));
        ref float g1 = ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s + 1));
        TVector r0 = StartAt<TLayer, TSimd, TVector>(ref g0, 0), z0 = StartAt<TLayer, TSimd, TVector>(ref g0, Block);
        TVector r1 = StartAt<TLayer, TSimd, TVector>(ref g1, 0), z1 = StartAt<TLayer, TSimd, TVector>(ref g1, Block);
        for (int k = 0; k < TLayer.HiddenSize; k++)
        {
            TVector hk = TSimd.Create(Unsafe.Add(ref previous, k));
            r0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, 0), hk, r0);
            z0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, Block), hk, z0);
            r1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, 0), hk, r1);
            z1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, Block), hk, z1);
            c0 = ref Unsafe.Add(ref c0, Col<TLayer>(RzRow));
            c1 = ref Unsafe.Add(ref c1, Col<TLayer>(RzRow));
        }

        r0 = Finish<TLayer, TSimd, TVector>(r0, ref g0, ref w0, 1, 0); z0 = Finish<TLayer, TSimd, TVector>(z0, ref Unsafe.Add(ref g0, Block), ref w0, 1, 1);
        r1 = Finish<TLayer, TSimd, TVector>(r1, ref g1, ref w1, 1, 0); z1 = Finish<TLayer, TSimd, TVector>(z1, ref Unsafe.Add(ref g1, Block), ref w1, 1, 1);
        nuint u0 = (nuint)(s * TSimd.Count), u1 = (nuint)((s + 1) * TSimd.Count);
        TSimd.Store(Gate<TLayer, TSimd, TVector>(z0), ref zs, u0);
        TSimd.Store(Gate<TLayer, TSimd, TVector>(z1), ref zs, u1);
        TSimd.Store(TSimd.Multiply(Gate<TLayer, TSimd, TVector>(r0), TSimd.Load(ref previous, u0)), ref rh, u0);
        TSimd.Store(TSimd.Multiply(Gate<TLayer, TSimd, TVector>(r1), TSimd.Load(ref previous, u1)), ref rh, u1);
    }

    [MethodImpl(KernelRoot.Options)] // a root of its own, compiled optimised at once (class remarks)
    private static void RecurOneStripRz<TLayer, TSimd, TVector>(ref float rzSection, ref float gates, ref float previous, ref float zs, ref float rh, int s)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        ref float w0 = ref StripWeights<TLayer, TSimd, TVector>(ref rzSection, 1, s);
        ref float c0 = ref Columns<TLayer, TSimd, TVector>(ref w0, s, 1);
        ref float g0 = ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s));
        TVector r0 = StartAt<TLayer, TSimd, TVector>(ref g0, 0), z0 = StartAt<TLayer, TSimd, TVector>(ref g0, Block);
        for (int k = 0; k < TLayer.HiddenSize; k++)
        {
            TVector hk = TSimd.Create(Unsafe.Add(ref previous, k));
            r0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, 0), hk, r0);
            z0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, Block), hk, z0);
            c0 = ref Unsafe.Add(ref c0, Col<TLayer>(RzRow));
        }

        r0 = Finish<TLayer, TSimd, TVector>(r0, ref g0, ref w0, 1, 0); z0 = Finish<TLayer, TSimd, TVector>(z0, ref Unsafe.Add(ref g0, Block), ref w0, 1, 1);
        nuint u0 = (nuint)(s * TSimd.Count);
        TSimd.Store(Gate<TLayer, TSimd, TVector>(z0), ref zs, u0);
        TSimd.Store(TSimd.Multiply(Gate<TLayer, TSimd, TVector>(r0), TSimd.Load(ref previous, u0)), ref rh, u0);
    }

    [MethodImpl(KernelRoot.Options)] // a root of its own, compiled optimised at once (class remarks)
    private static void RecurTwoStripsN<TLayer, TSimd, TVector>(ref float nSection, ref float gates, ref float previous, ref float next, ref float zs, ref float rh, int s)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        ref float w0 = ref StripWeights<TLayer, TSimd, TVector>(ref nSection, 2, s);
        ref float w1 = ref StripWeights<TLayer, TSimd, TVector>(ref nSection, 2, s + 1);
        TVector n0 = StartAt<TLayer, TSimd, TVector>(ref w0, 0), n1 = StartAt<TLayer, TSimd, TVector>(ref w1, 0);
        ref float c0 = ref Columns<TLayer, TSimd, TVector>(ref w0, s, 2);
        ref float c1 = ref Columns<TLayer, TSimd, TVector>(ref w1, s + 1, 2);
        for (int k = 0; k < TLayer.HiddenSize; k++)
        {
            TVector rk = TSimd.Create(Unsafe.Add(ref rh, k));
            n0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, 0), rk, n0);
            n1 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c1, 0), rk, n1);
            c0 = ref Unsafe.Add(ref c0, Col<TLayer>(Block));
            c1 = ref Unsafe.Add(ref c1, Col<TLayer>(Block));
        }

        n0 = Finish<TLayer, TSimd, TVector>(n0, ref w0, ref w0, 2, 0);
        n1 = Finish<TLayer, TSimd, TVector>(n1, ref w1, ref w1, 2, 0);
        nuint u0 = (nuint)(s * TSimd.Count), u1 = (nuint)((s + 1) * TSimd.Count);
        ref float g0 = ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s));
        ref float g1 = ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s + 1));
        TSimd.Store(CombineResetBefore<TLayer, TSimd, TVector>(n0, TSimd.Load(ref g0, 2 * Block), TSimd.Load(ref zs, u0), TSimd.Load(ref previous, u0)), ref next, u0);
        TSimd.Store(CombineResetBefore<TLayer, TSimd, TVector>(n1, TSimd.Load(ref g1, 2 * Block), TSimd.Load(ref zs, u1), TSimd.Load(ref previous, u1)), ref next, u1);
    }

    [MethodImpl(KernelRoot.Options)] // a root of its own, compiled optimised at once (class remarks)
    private static void RecurOneStripN<TLayer, TSimd, TVector>(ref float nSection, ref float gates, ref float previous, ref float next, ref float zs, ref float rh, int s)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        ref float w0 = ref StripWeights<TLayer, TSimd, TVector>(ref nSection, 2, s);
        TVector n0 = StartAt<TLayer, TSimd, TVector>(ref w0, 0);
        ref float c0 = ref Columns<TLayer, TSimd, TVector>(ref w0, s, 2);
        for (int k = 0; k < TLayer.HiddenSize; k++)
        {
            n0 = TSimd.MultiplyAdd(LoadW<TLayer, TSimd, TVector>(ref c0, 0), TSimd.Create(Unsafe.Add(ref rh, k)), n0);
            c0 = ref Unsafe.Add(ref c0, Col<TLayer>(Block));
        }

        n0 = Finish<TLayer, TSimd, TVector>(n0, ref w0, ref w0, 2, 0);
        nuint u0 = (nuint)(s * TSimd.Count);
        ref float g0 = ref Unsafe.Add(ref gates, GateOffset<TSimd, TVector>(s));
        TSimd.Store(CombineResetBefore<TLayer, TSimd, TVector>(n0, TSimd.Load(ref g0, 2 * Block), TSimd.Load(ref zs, u0), TSimd.Load(ref previous, u0)), ref next, u0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector CombineResetBefore<TLayer, TSimd, TVector>(TVector hn, TVector xn, TVector z, TVector h)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        TVector n = Candidate<TLayer, TSimd, TVector>(TSimd.Add(xn, hn));
        return TSimd.Add(n, TSimd.Multiply(z, TSimd.Subtract(h, n)));
    }

    // σ and tanh of a gate's input, clamped first to [−clip, clip] when the layer clips (ONNX's clip). TLayer.Clip
    // is a constant of the layer type, so without a clip the JIT removes the test and the clamp.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Gate<TLayer, TSimd, TVector>(TVector x)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct =>
        VectorMath<TSimd, TVector>.GateSigmoid(Clip<TLayer, TSimd, TVector>(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Candidate<TLayer, TSimd, TVector>(TVector x)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct =>
        VectorMath<TSimd, TVector>.Tanh(Clip<TLayer, TSimd, TVector>(x));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Clip<TLayer, TSimd, TVector>(TVector x)
        where TLayer : IGruLayer where TSimd : struct, ISimd<TVector> where TVector : struct =>
        float.IsPositiveInfinity(TLayer.Clip) ? x : TSimd.Clamp(x, TSimd.Create(-TLayer.Clip), TSimd.Create(TLayer.Clip));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ClipScalar<TLayer>(float x) where TLayer : IGruLayer =>
        float.IsPositiveInfinity(TLayer.Clip) ? x : Math.Min(TLayer.Clip, Math.Max(-TLayer.Clip, x));

    // Both variants without hardware vectors, over the same packed layout.
    private static void RecurScalar<TLayer>(ref float gates, ref float previous, ref float next, ref float scratch)
        where TLayer : IGruLayer
    {
        int hiddenSize = TLayer.HiddenSize;
        int padded = KernelLayout.PaddedHidden(hiddenSize);
        int blocks = padded / Block;
        if (TLayer.LinearBeforeReset)
        {
            int blockLength = WeightBlocks.SectionLength<TLayer>(1);
            int firstChunk = WeightBlocks.FirstChunk<TLayer>(1);
            for (int b = 0; b < blocks; b++)
            {
                ref float wb = ref WeightBlocks.Gru<TLayer>(firstChunk, blockLength, b);
                ref float columns = ref Unsafe.Add(ref wb, KernelLayout.GruSectionHeaderFloats(1, true, TLayer.WeightType));
                for (int lane = 0; lane < Block; lane++)
                {
                    float gr = Unsafe.Add(ref gates, b * GateBlock + lane), gz = Unsafe.Add(ref gates, b * GateBlock + Block + lane);
                    float r = ScalarStart<TLayer>(gr), z = ScalarStart<TLayer>(gz), hn = ScalarStart<TLayer>(Unsafe.Add(ref wb, lane));
                    for (int k = 0; k < hiddenSize; k++)
                    {
                        float hk = Unsafe.Add(ref previous, k);
                        int o = k * GateBlock + lane;
                        r += ScalarWeight<TLayer>(ref columns, o) * hk;
                        z += ScalarWeight<TLayer>(ref columns, o + Block) * hk;
                        hn += ScalarWeight<TLayer>(ref columns, o + 2 * Block) * hk;
                    }

                    r = ScalarFinish<TLayer>(r, gr, ref wb, 1, lane);
                    z = ScalarFinish<TLayer>(z, gz, ref wb, 1, Block + lane);
                    hn = ScalarFinish<TLayer>(hn, Unsafe.Add(ref wb, lane), ref wb, 1, 2 * Block + lane);

                    int unit = b * Block + lane;
                    float n = ScalarMath.Tanh(ClipScalar<TLayer>(Unsafe.Add(ref gates, b * GateBlock + 2 * Block + lane) + ScalarMath.Sigmoid(ClipScalar<TLayer>(r)) * hn));
                    Unsafe.Add(ref next, unit) = n + ScalarMath.Sigmoid(ClipScalar<TLayer>(z)) * (Unsafe.Add(ref previous, unit) - n);
                }
            }

            return;
        }

        int rzLength = WeightBlocks.SectionLength<TLayer>(1);
        int rzChunk = WeightBlocks.FirstChunk<TLayer>(1);
        ref float zs = ref scratch;
        ref float rh = ref Unsafe.Add(ref scratch, padded);
        for (int b = 0; b < blocks; b++)
        {
            ref float wb = ref WeightBlocks.Gru<TLayer>(rzChunk, rzLength, b);
            ref float columns = ref Unsafe.Add(ref wb, KernelLayout.GruSectionHeaderFloats(1, false, TLayer.WeightType));
            for (int lane = 0; lane < Block; lane++)
            {
                float gr = Unsafe.Add(ref gates, b * GateBlock + lane), gz = Unsafe.Add(ref gates, b * GateBlock + Block + lane);
                float r = ScalarStart<TLayer>(gr), z = ScalarStart<TLayer>(gz);
                for (int k = 0; k < hiddenSize; k++)
                {
                    float hk = Unsafe.Add(ref previous, k);
                    r += ScalarWeight<TLayer>(ref columns, k * 2 * Block + lane) * hk;
                    z += ScalarWeight<TLayer>(ref columns, k * 2 * Block + Block + lane) * hk;
                }

                r = ScalarFinish<TLayer>(r, gr, ref wb, 1, lane);
                z = ScalarFinish<TLayer>(z, gz, ref wb, 1, Block + lane);

                int unit = b * Block + lane;
                Unsafe.Add(ref zs, unit) = ScalarMath.Sigmoid(ClipScalar<TLayer>(z));
                Unsafe.Add(ref rh, unit) = ScalarMath.Sigmoid(ClipScalar<TLayer>(r)) * Unsafe.Add(ref previous, unit);
            }
        }

        int nLength = WeightBlocks.SectionLength<TLayer>(2);
        int nChunk = WeightBlocks.FirstChunk<TLayer>(2);
        for (int b = 0; b < blocks; b++)
        {
            ref float wb = ref WeightBlocks.Gru<TLayer>(nChunk, nLength, b);
            ref float columns = ref Unsafe.Add(ref wb, KernelLayout.GruSectionHeaderFloats(2, false, TLayer.WeightType));
            for (int lane = 0; lane < Block; lane++)
            {
                float hn = ScalarStart<TLayer>(Unsafe.Add(ref wb, lane));
                for (int k = 0; k < hiddenSize; k++)
                    hn += ScalarWeight<TLayer>(ref columns, k * Block + lane) * Unsafe.Add(ref rh, k);
                hn = ScalarFinish<TLayer>(hn, Unsafe.Add(ref wb, lane), ref wb, 2, lane);

                int unit = b * Block + lane;
                float n = ScalarMath.Tanh(ClipScalar<TLayer>(Unsafe.Add(ref gates, b * GateBlock + 2 * Block + lane) + hn));
                Unsafe.Add(ref next, unit) = n + Unsafe.Add(ref zs, unit) * (Unsafe.Add(ref previous, unit) - n);
            }
        }
    }

    private static void ThrowTooShort(string paramName) =>
        throw new ArgumentException("The span is shorter than the layer shape requires.", paramName);
}
