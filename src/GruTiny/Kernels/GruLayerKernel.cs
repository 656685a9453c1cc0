using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GruTiny.Model;

namespace GruTiny.Kernels;

/// <summary>
/// One GRU layer over its packed weights (layout: <see cref="KernelLayout"/> and docs/design.md). Called by
/// generated code with a layer type whose sizes are constants.
/// </summary>
/// <remarks>
/// <para>A step is split in two: <see cref="ProjectInputs{TLayer}"/> computes the input part of all gates
/// (W_i x + biases) for several steps at once, so that <c>Run</c> streams the input weights once per chunk of
/// steps rather than once per step; <see cref="Recur{TLayer}"/> then adds the recurrent part step by step.
/// Each gate accumulator starts from the bias and adds the same products in the same order whether one or
/// many steps are projected together, so <c>Run</c> is bitwise equal to repeated <c>Step</c>.</para>
/// <para>Hidden state buffers are padded to whole blocks of 4; padded lanes stay zero.</para>
/// </remarks>
public static class GruLayerKernel
{
    private const int Lanes = KernelLayout.Lanes;
    private const int GateBlock = KernelLayout.GateBlock;

    /// <summary>Floats of one row of the gate buffer (r, z and the input part of n for every block).</summary>
    public static int GateRowLength<TLayer>() where TLayer : IGruLayer =>
        KernelLayout.Padded(TLayer.HiddenSize) * 3;

    /// <summary>Floats of one hidden state row, padded to whole blocks.</summary>
    public static int StateLength<TLayer>() where TLayer : IGruLayer => KernelLayout.Padded(TLayer.HiddenSize);

    /// <summary>Floats of scratch space <see cref="Recur{TLayer}"/> needs.</summary>
    public static int ScratchLength<TLayer>() where TLayer : IGruLayer =>
        TLayer.LinearBeforeReset ? 0 : 2 * KernelLayout.Padded(TLayer.HiddenSize);

    /// <summary>
    /// Computes the input part of the gates for <paramref name="steps"/> input rows.
    /// </summary>
    /// <param name="inputs">Input rows, <paramref name="inputStride"/> apart; the first InputSize values of each are read.</param>
    /// <param name="inputStride">Distance between input rows, at least InputSize.</param>
    /// <param name="gates">Receives <paramref name="steps"/> rows of <see cref="GateRowLength{TLayer}"/>.</param>
    /// <param name="steps">Number of rows.</param>
    public static void ProjectInputs<TLayer>(ReadOnlySpan<float> inputs, int inputStride, Span<float> gates, int steps)
        where TLayer : IGruLayer
    {
        int inputSize = TLayer.InputSize;
        int blocks = KernelLayout.Padded(TLayer.HiddenSize) / Lanes;
        int gateRow = blocks * GateBlock;
        int blockLength = WeightBlocks.SectionLength<TLayer>(0);
        if (steps <= 0) return;
        if (inputStride < inputSize || inputs.Length < (long)(steps - 1) * inputStride + inputSize) ThrowTooShort(nameof(inputs));
        if (gates.Length < (long)steps * gateRow) ThrowTooShort(nameof(gates));

        ref float x = ref MemoryMarshal.GetReference(inputs);
        ref float g = ref MemoryMarshal.GetReference(gates);

        if (!Vector128.IsHardwareAccelerated)
        {
            for (int s = 0; s < steps; s++)
                ProjectScalar<TLayer>(ref Unsafe.Add(ref x, s * inputStride), ref Unsafe.Add(ref g, s * gateRow));
            return;
        }

        int step = 0;
        for (; step + 4 <= steps; step += 4)
        {
            ref float x4 = ref Unsafe.Add(ref x, step * inputStride);
            ref float g4 = ref Unsafe.Add(ref g, step * gateRow);
            for (int b = 0; b < blocks; b++)
                ProjectFourSteps<TLayer>(ref WeightBlocks.Gru<TLayer>(0, blockLength, b), ref x4, inputStride, ref Unsafe.Add(ref g4, b * GateBlock), gateRow);
        }

        for (; step < steps; step++)
        {
            ref float x1 = ref Unsafe.Add(ref x, step * inputStride);
            ref float g1 = ref Unsafe.Add(ref g, step * gateRow);
            int b = 0;
            for (; b + 2 <= blocks; b += 2)
                ProjectTwoBlocks<TLayer>(ref WeightBlocks.Gru<TLayer>(0, blockLength, b), ref WeightBlocks.Gru<TLayer>(0, blockLength, b + 1), ref x1, ref Unsafe.Add(ref g1, b * GateBlock));
            if (b < blocks)
                ProjectOneBlock<TLayer>(ref WeightBlocks.Gru<TLayer>(0, blockLength, b), ref x1, ref Unsafe.Add(ref g1, b * GateBlock));
        }
    }

    /// <summary>
    /// Runs the recurrence for <paramref name="steps"/> steps whose input gates are in <paramref name="gates"/>.
    /// </summary>
    /// <param name="gates">Rows from <see cref="ProjectInputs{TLayer}"/>.</param>
    /// <param name="state">The layer's hidden state (<see cref="StateLength{TLayer}"/>): read as the initial state, then overwritten with the final one.</param>
    /// <param name="hidden">Receives each step's new hidden state, rows of <see cref="StateLength{TLayer}"/>.</param>
    /// <param name="steps">Number of steps.</param>
    /// <param name="scratch">At least <see cref="ScratchLength{TLayer}"/> floats.</param>
    public static void Recur<TLayer>(ReadOnlySpan<float> gates, Span<float> state, Span<float> hidden, int steps, Span<float> scratch)
        where TLayer : IGruLayer
    {
        int padded = KernelLayout.Padded(TLayer.HiddenSize);
        int gateRow = 3 * padded;
        if (steps <= 0) return;
        if (gates.Length < (long)steps * gateRow) ThrowTooShort(nameof(gates));
        if (state.Length < padded) ThrowTooShort(nameof(state));
        if (hidden.Length < (long)steps * padded) ThrowTooShort(nameof(hidden));
        if (scratch.Length < ScratchLength<TLayer>()) ThrowTooShort(nameof(scratch));

        ref float g = ref MemoryMarshal.GetReference(gates);
        ref float h = ref MemoryMarshal.GetReference(hidden);
        ref float previous = ref MemoryMarshal.GetReference(state);
        ref float z = ref MemoryMarshal.GetReference(scratch);

        for (int s = 0; s < steps; s++)
        {
            ref float next = ref Unsafe.Add(ref h, s * padded);
            ref float gs = ref Unsafe.Add(ref g, s * gateRow);
            if (!Vector128.IsHardwareAccelerated)
                RecurScalar<TLayer>(ref gs, ref previous, ref next, ref z);
            else if (TLayer.LinearBeforeReset)
                RecurResetAfter<TLayer>(ref gs, ref previous, ref next);
            else
                RecurResetBefore<TLayer>(ref gs, ref previous, ref next, ref z);
            previous = ref next;
        }

        hidden.Slice((steps - 1) * padded, padded).CopyTo(state);
    }

    // ---- Input projection ------------------------------------------------------------------------------

    private static void ProjectOneBlock<TLayer>(ref float w, ref float x, ref float g) where TLayer : IGruLayer
    {
        int inputSize = TLayer.InputSize;
        Vector128<float> r = Load(ref w, 0), z = Load(ref w, 4), n = Load(ref w, 8);
        ref float col = ref Unsafe.Add(ref w, GateBlock);
        for (int k = 0; k < inputSize; k++)
        {
            Vector128<float> xk = Vector128.Create(Unsafe.Add(ref x, k));
            int o = k * GateBlock;
            r = VectorMath.MultiplyAdd(Load(ref col, o), xk, r);
            z = VectorMath.MultiplyAdd(Load(ref col, o + 4), xk, z);
            n = VectorMath.MultiplyAdd(Load(ref col, o + 8), xk, n);
        }

        Store(r, ref g, 0);
        Store(z, ref g, 4);
        Store(n, ref g, 8);
    }

    private static void ProjectTwoBlocks<TLayer>(ref float w, ref float w1, ref float x, ref float g) where TLayer : IGruLayer
    {
        int inputSize = TLayer.InputSize;
        Vector128<float> r0 = Load(ref w, 0), z0 = Load(ref w, 4), n0 = Load(ref w, 8);
        Vector128<float> r1 = Load(ref w1, 0), z1 = Load(ref w1, 4), n1 = Load(ref w1, 8);
        ref float c0 = ref Unsafe.Add(ref w, GateBlock);
        ref float c1 = ref Unsafe.Add(ref w1, GateBlock);
        for (int k = 0; k < inputSize; k++)
        {
            Vector128<float> xk = Vector128.Create(Unsafe.Add(ref x, k));
            int o = k * GateBlock;
            r0 = VectorMath.MultiplyAdd(Load(ref c0, o), xk, r0);
            z0 = VectorMath.MultiplyAdd(Load(ref c0, o + 4), xk, z0);
            n0 = VectorMath.MultiplyAdd(Load(ref c0, o + 8), xk, n0);
            r1 = VectorMath.MultiplyAdd(Load(ref c1, o), xk, r1);
            z1 = VectorMath.MultiplyAdd(Load(ref c1, o + 4), xk, z1);
            n1 = VectorMath.MultiplyAdd(Load(ref c1, o + 8), xk, n1);
        }

        Store(r0, ref g, 0);
        Store(z0, ref g, 4);
        Store(n0, ref g, 8);
        Store(r1, ref g, 12);
        Store(z1, ref g, 16);
        Store(n1, ref g, 20);
    }

    // One block of four steps: the block's weights are loaded once for four inputs (12 accumulators).
    private static void ProjectFourSteps<TLayer>(ref float w, ref float x, int stride, ref float g, int gateRow)
        where TLayer : IGruLayer
    {
        int inputSize = TLayer.InputSize;
        Vector128<float> br = Load(ref w, 0), bz = Load(ref w, 4), bn = Load(ref w, 8);
        Vector128<float> r0 = br, z0 = bz, n0 = bn, r1 = br, z1 = bz, n1 = bn;
        Vector128<float> r2 = br, z2 = bz, n2 = bn, r3 = br, z3 = bz, n3 = bn;
        ref float col = ref Unsafe.Add(ref w, GateBlock);
        ref float xa = ref x;
        ref float xb = ref Unsafe.Add(ref x, stride);
        ref float xc = ref Unsafe.Add(ref x, 2 * stride);
        ref float xd = ref Unsafe.Add(ref x, 3 * stride);
        for (int k = 0; k < inputSize; k++)
        {
            int o = k * GateBlock;
            Vector128<float> wr = Load(ref col, o), wz = Load(ref col, o + 4), wn = Load(ref col, o + 8);
            Vector128<float> x0 = Vector128.Create(Unsafe.Add(ref xa, k));
            Vector128<float> x1 = Vector128.Create(Unsafe.Add(ref xb, k));
            Vector128<float> x2 = Vector128.Create(Unsafe.Add(ref xc, k));
            Vector128<float> x3 = Vector128.Create(Unsafe.Add(ref xd, k));
            r0 = VectorMath.MultiplyAdd(wr, x0, r0); z0 = VectorMath.MultiplyAdd(wz, x0, z0); n0 = VectorMath.MultiplyAdd(wn, x0, n0);
            r1 = VectorMath.MultiplyAdd(wr, x1, r1); z1 = VectorMath.MultiplyAdd(wz, x1, z1); n1 = VectorMath.MultiplyAdd(wn, x1, n1);
            r2 = VectorMath.MultiplyAdd(wr, x2, r2); z2 = VectorMath.MultiplyAdd(wz, x2, z2); n2 = VectorMath.MultiplyAdd(wn, x2, n2);
            r3 = VectorMath.MultiplyAdd(wr, x3, r3); z3 = VectorMath.MultiplyAdd(wz, x3, z3); n3 = VectorMath.MultiplyAdd(wn, x3, n3);
        }

        Store(r0, ref g, 0); Store(z0, ref g, 4); Store(n0, ref g, 8);
        ref float g1 = ref Unsafe.Add(ref g, gateRow);
        Store(r1, ref g1, 0); Store(z1, ref g1, 4); Store(n1, ref g1, 8);
        ref float g2 = ref Unsafe.Add(ref g, 2 * gateRow);
        Store(r2, ref g2, 0); Store(z2, ref g2, 4); Store(n2, ref g2, 8);
        ref float g3 = ref Unsafe.Add(ref g, 3 * gateRow);
        Store(r3, ref g3, 0); Store(z3, ref g3, 4); Store(n3, ref g3, 8);
    }

    private static void ProjectScalar<TLayer>(ref float x, ref float g) where TLayer : IGruLayer
    {
        int inputSize = TLayer.InputSize;
        int blocks = KernelLayout.Padded(TLayer.HiddenSize) / Lanes;
        for (int b = 0; b < blocks; b++)
        {
            ref float wb = ref WeightBlocks.Gru<TLayer>(0, WeightBlocks.SectionLength<TLayer>(0), b);
            ref float gb = ref Unsafe.Add(ref g, b * GateBlock);
            for (int i = 0; i < GateBlock; i++)
            {
                float acc = Unsafe.Add(ref wb, i);
                for (int k = 0; k < inputSize; k++)
                    acc += Unsafe.Add(ref wb, GateBlock * (k + 1) + i) * Unsafe.Add(ref x, k);
                Unsafe.Add(ref gb, i) = acc;
            }
        }
    }

    // ---- Recurrence ------------------------------------------------------------------------------------

    // linear_before_reset = true: r, z and W_hn h + b_hn in one pass over h, two blocks at a time.
    private static void RecurResetAfter<TLayer>(ref float gates, ref float previous, ref float next)
        where TLayer : IGruLayer
    {
        int hiddenSize = TLayer.HiddenSize;
        int blocks = KernelLayout.Padded(hiddenSize) / Lanes;
        int blockLength = WeightBlocks.SectionLength<TLayer>(1);
        int firstChunk = WeightBlocks.FirstChunk<TLayer>(1);
        int b = 0;
        for (; b + 2 <= blocks; b += 2)
        {
            ref float w0 = ref WeightBlocks.Gru<TLayer>(firstChunk, blockLength, b);
            ref float w1 = ref WeightBlocks.Gru<TLayer>(firstChunk, blockLength, b + 1);
            ref float g0 = ref Unsafe.Add(ref gates, b * GateBlock);
            Vector128<float> r0 = Load(ref g0, 0), z0 = Load(ref g0, 4), n0 = Load(ref w0, 0);
            Vector128<float> r1 = Load(ref g0, 12), z1 = Load(ref g0, 16), n1 = Load(ref w1, 0);
            ref float c0 = ref Unsafe.Add(ref w0, Lanes);
            ref float c1 = ref Unsafe.Add(ref w1, Lanes);
            for (int k = 0; k < hiddenSize; k++)
            {
                Vector128<float> hk = Vector128.Create(Unsafe.Add(ref previous, k));
                int o = k * GateBlock;
                r0 = VectorMath.MultiplyAdd(Load(ref c0, o), hk, r0);
                z0 = VectorMath.MultiplyAdd(Load(ref c0, o + 4), hk, z0);
                n0 = VectorMath.MultiplyAdd(Load(ref c0, o + 8), hk, n0);
                r1 = VectorMath.MultiplyAdd(Load(ref c1, o), hk, r1);
                z1 = VectorMath.MultiplyAdd(Load(ref c1, o + 4), hk, z1);
                n1 = VectorMath.MultiplyAdd(Load(ref c1, o + 8), hk, n1);
            }

            Store(Combine(r0, z0, n0, Load(ref g0, 8), Load(ref previous, b * Lanes)), ref next, b * Lanes);
            Store(Combine(r1, z1, n1, Load(ref g0, 20), Load(ref previous, (b + 1) * Lanes)), ref next, (b + 1) * Lanes);
        }

        if (b < blocks)
        {
            ref float w0 = ref WeightBlocks.Gru<TLayer>(firstChunk, blockLength, b);
            ref float g0 = ref Unsafe.Add(ref gates, b * GateBlock);
            Vector128<float> r0 = Load(ref g0, 0), z0 = Load(ref g0, 4), n0 = Load(ref w0, 0);
            ref float c0 = ref Unsafe.Add(ref w0, Lanes);
            for (int k = 0; k < hiddenSize; k++)
            {
                Vector128<float> hk = Vector128.Create(Unsafe.Add(ref previous, k));
                int o = k * GateBlock;
                r0 = VectorMath.MultiplyAdd(Load(ref c0, o), hk, r0);
                z0 = VectorMath.MultiplyAdd(Load(ref c0, o + 4), hk, z0);
                n0 = VectorMath.MultiplyAdd(Load(ref c0, o + 8), hk, n0);
            }

            Store(Combine(r0, z0, n0, Load(ref g0, 8), Load(ref previous, b * Lanes)), ref next, b * Lanes);
        }

        // h' = n + z (h − n) = (1 − z) n + z h, with n = tanh(x part + r (W_hn h + b_hn)).
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector128<float> Combine(Vector128<float> r, Vector128<float> z, Vector128<float> hn, Vector128<float> xn, Vector128<float> h)
        {
            Vector128<float> n = VectorMath.Tanh(xn + VectorMath.Sigmoid(r) * hn);
            return n + VectorMath.Sigmoid(z) * (h - n);
        }
    }

    // linear_before_reset = false: r and z first (for all blocks), then W_hn (r ⊙ h).
    private static void RecurResetBefore<TLayer>(ref float gates, ref float previous, ref float next, ref float scratch)
        where TLayer : IGruLayer
    {
        int hiddenSize = TLayer.HiddenSize;
        int padded = KernelLayout.Padded(hiddenSize);
        int blocks = padded / Lanes;
        int rzLength = WeightBlocks.SectionLength<TLayer>(1);
        int rzChunk = WeightBlocks.FirstChunk<TLayer>(1);
        ref float zs = ref scratch;                          // z per unit
        ref float rh = ref Unsafe.Add(ref scratch, padded);  // r ⊙ h per unit

        int b = 0;
        for (; b + 2 <= blocks; b += 2)
        {
            ref float c0 = ref WeightBlocks.Gru<TLayer>(rzChunk, rzLength, b);
            ref float c1 = ref WeightBlocks.Gru<TLayer>(rzChunk, rzLength, b + 1);
            ref float g0 = ref Unsafe.Add(ref gates, b * GateBlock);
            Vector128<float> r0 = Load(ref g0, 0), z0 = Load(ref g0, 4);
            Vector128<float> r1 = Load(ref g0, 12), z1 = Load(ref g0, 16);
            for (int k = 0; k < hiddenSize; k++)
            {
                Vector128<float> hk = Vector128.Create(Unsafe.Add(ref previous, k));
                int o = k * 2 * Lanes;
                r0 = VectorMath.MultiplyAdd(Load(ref c0, o), hk, r0);
                z0 = VectorMath.MultiplyAdd(Load(ref c0, o + 4), hk, z0);
                r1 = VectorMath.MultiplyAdd(Load(ref c1, o), hk, r1);
                z1 = VectorMath.MultiplyAdd(Load(ref c1, o + 4), hk, z1);
            }

            Store(VectorMath.Sigmoid(z0), ref zs, b * Lanes);
            Store(VectorMath.Sigmoid(z1), ref zs, (b + 1) * Lanes);
            Store(VectorMath.Sigmoid(r0) * Load(ref previous, b * Lanes), ref rh, b * Lanes);
            Store(VectorMath.Sigmoid(r1) * Load(ref previous, (b + 1) * Lanes), ref rh, (b + 1) * Lanes);
        }

        if (b < blocks)
        {
            ref float c0 = ref WeightBlocks.Gru<TLayer>(rzChunk, rzLength, b);
            ref float g0 = ref Unsafe.Add(ref gates, b * GateBlock);
            Vector128<float> r0 = Load(ref g0, 0), z0 = Load(ref g0, 4);
            for (int k = 0; k < hiddenSize; k++)
            {
                Vector128<float> hk = Vector128.Create(Unsafe.Add(ref previous, k));
                int o = k * 2 * Lanes;
                r0 = VectorMath.MultiplyAdd(Load(ref c0, o), hk, r0);
                z0 = VectorMath.MultiplyAdd(Load(ref c0, o + 4), hk, z0);
            }

            Store(VectorMath.Sigmoid(z0), ref zs, b * Lanes);
            Store(VectorMath.Sigmoid(r0) * Load(ref previous, b * Lanes), ref rh, b * Lanes);
        }

        int nLength = WeightBlocks.SectionLength<TLayer>(2);
        int nChunk = WeightBlocks.FirstChunk<TLayer>(2);
        b = 0;
        for (; b + 2 <= blocks; b += 2)
        {
            ref float w0 = ref WeightBlocks.Gru<TLayer>(nChunk, nLength, b);
            ref float w1 = ref WeightBlocks.Gru<TLayer>(nChunk, nLength, b + 1);
            Vector128<float> n0 = Load(ref w0, 0), n1 = Load(ref w1, 0);
            ref float c0 = ref Unsafe.Add(ref w0, Lanes);
            ref float c1 = ref Unsafe.Add(ref w1, Lanes);
            for (int k = 0; k < hiddenSize; k++)
            {
                Vector128<float> rk = Vector128.Create(Unsafe.Add(ref rh, k));
                n0 = VectorMath.MultiplyAdd(Load(ref c0, k * Lanes), rk, n0);
                n1 = VectorMath.MultiplyAdd(Load(ref c1, k * Lanes), rk, n1);
            }

            ref float g0 = ref Unsafe.Add(ref gates, b * GateBlock);
            Store(Combine(n0, Load(ref g0, 8), Load(ref zs, b * Lanes), Load(ref previous, b * Lanes)), ref next, b * Lanes);
            Store(Combine(n1, Load(ref g0, 20), Load(ref zs, (b + 1) * Lanes), Load(ref previous, (b + 1) * Lanes)), ref next, (b + 1) * Lanes);
        }

        if (b < blocks)
        {
            ref float w0 = ref WeightBlocks.Gru<TLayer>(nChunk, nLength, b);
            Vector128<float> n0 = Load(ref w0, 0);
            ref float c0 = ref Unsafe.Add(ref w0, Lanes);
            for (int k = 0; k < hiddenSize; k++)
                n0 = VectorMath.MultiplyAdd(Load(ref c0, k * Lanes), Vector128.Create(Unsafe.Add(ref rh, k)), n0);

            ref float g0 = ref Unsafe.Add(ref gates, b * GateBlock);
            Store(Combine(n0, Load(ref g0, 8), Load(ref zs, b * Lanes), Load(ref previous, b * Lanes)), ref next, b * Lanes);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static Vector128<float> Combine(Vector128<float> hn, Vector128<float> xn, Vector128<float> z, Vector128<float> h)
        {
            Vector128<float> n = VectorMath.Tanh(xn + hn);
            return n + z * (h - n);
        }
    }

    // Both variants without hardware vectors, over the same packed layout.
    private static void RecurScalar<TLayer>(ref float gates, ref float previous, ref float next, ref float scratch)
        where TLayer : IGruLayer
    {
        int hiddenSize = TLayer.HiddenSize;
        int padded = KernelLayout.Padded(hiddenSize);
        int blocks = padded / Lanes;
        if (TLayer.LinearBeforeReset)
        {
            int blockLength = WeightBlocks.SectionLength<TLayer>(1);
            int firstChunk = WeightBlocks.FirstChunk<TLayer>(1);
            for (int b = 0; b < blocks; b++)
            {
                ref float wb = ref WeightBlocks.Gru<TLayer>(firstChunk, blockLength, b);
                for (int lane = 0; lane < Lanes; lane++)
                {
                    float r = Unsafe.Add(ref gates, b * GateBlock + lane);
                    float z = Unsafe.Add(ref gates, b * GateBlock + 4 + lane);
                    float hn = Unsafe.Add(ref wb, lane);
                    for (int k = 0; k < hiddenSize; k++)
                    {
                        float hk = Unsafe.Add(ref previous, k);
                        int o = Lanes + k * GateBlock + lane;
                        r += Unsafe.Add(ref wb, o) * hk;
                        z += Unsafe.Add(ref wb, o + 4) * hk;
                        hn += Unsafe.Add(ref wb, o + 8) * hk;
                    }

                    int unit = b * Lanes + lane;
                    float n = VectorMath.Tanh(Unsafe.Add(ref gates, b * GateBlock + 8 + lane) + VectorMath.Sigmoid(r) * hn);
                    Unsafe.Add(ref next, unit) = n + VectorMath.Sigmoid(z) * (Unsafe.Add(ref previous, unit) - n);
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
            for (int lane = 0; lane < Lanes; lane++)
            {
                float r = Unsafe.Add(ref gates, b * GateBlock + lane);
                float z = Unsafe.Add(ref gates, b * GateBlock + 4 + lane);
                for (int k = 0; k < hiddenSize; k++)
                {
                    float hk = Unsafe.Add(ref previous, k);
                    r += Unsafe.Add(ref wb, k * 2 * Lanes + lane) * hk;
                    z += Unsafe.Add(ref wb, k * 2 * Lanes + 4 + lane) * hk;
                }

                int unit = b * Lanes + lane;
                Unsafe.Add(ref zs, unit) = VectorMath.Sigmoid(z);
                Unsafe.Add(ref rh, unit) = VectorMath.Sigmoid(r) * Unsafe.Add(ref previous, unit);
            }
        }

        int nLength = WeightBlocks.SectionLength<TLayer>(2);
        int nChunk = WeightBlocks.FirstChunk<TLayer>(2);
        for (int b = 0; b < blocks; b++)
        {
            ref float wb = ref WeightBlocks.Gru<TLayer>(nChunk, nLength, b);
            for (int lane = 0; lane < Lanes; lane++)
            {
                float hn = Unsafe.Add(ref wb, lane);
                for (int k = 0; k < hiddenSize; k++)
                    hn += Unsafe.Add(ref wb, Lanes + k * Lanes + lane) * Unsafe.Add(ref rh, k);

                int unit = b * Lanes + lane;
                float n = VectorMath.Tanh(Unsafe.Add(ref gates, b * GateBlock + 8 + lane) + hn);
                Unsafe.Add(ref next, unit) = n + Unsafe.Add(ref zs, unit) * (Unsafe.Add(ref previous, unit) - n);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Load(ref float source, int offset) => Vector128.LoadUnsafe(ref source, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector128<float> value, ref float destination, int offset) =>
        value.StoreUnsafe(ref destination, (nuint)offset);

    private static void ThrowTooShort(string paramName) =>
        throw new ArgumentException("The span is shorter than the layer shape requires.", paramName);
}
