using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GruTiny.Kernels.Simd;
using GruTiny.Model;

namespace GruTiny.Kernels;

/// <summary>
/// A dense layer y = act(W x + b) over its packed weights, for a number of rows. Called by generated code
/// with a layer type whose sizes are constants.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
public static class DenseLayerKernel
{
    private const int Lanes = KernelLayout.Lanes;

    /// <summary>Applies the layer to <paramref name="steps"/> rows.</summary>
    /// <param name="inputs">Input rows, <paramref name="inputStride"/> apart; the first InputSize values of each are read.</param>
    /// <param name="inputStride">Distance between input rows, at least InputSize.</param>
    /// <param name="outputs">Output rows, <paramref name="outputStride"/> apart; exactly OutputSize values of each are written.</param>
    /// <param name="outputStride">Distance between output rows, at least OutputSize.</param>
    /// <param name="steps">Number of rows.</param>
    [MethodImpl(KernelRoot.DriverOptions)] // optimised from its first call (KernelRoot)
    public static void Forward<TLayer>(
        ReadOnlySpan<float> inputs, int inputStride, Span<float> outputs, int outputStride, int steps)
        where TLayer : IDenseLayer
    {
        int inputSize = TLayer.InputSize, outputSize = TLayer.OutputSize;
        if (steps <= 0) return;
        if (inputStride < inputSize || inputs.Length < (long)(steps - 1) * inputStride + inputSize) ThrowTooShort(nameof(inputs));
        if (outputStride < outputSize || outputs.Length < (long)(steps - 1) * outputStride + outputSize) ThrowTooShort(nameof(outputs));

        ref float x = ref MemoryMarshal.GetReference(inputs);
        ref float y = ref MemoryMarshal.GetReference(outputs);
        for (int s = 0; s < steps; s++)
        {
            ref float xs = ref Unsafe.Add(ref x, s * inputStride);
            ref float ys = ref Unsafe.Add(ref y, s * outputStride);
            if (Vector128.IsHardwareAccelerated)
                ForwardVector<TLayer>(ref xs, ref ys);
            else
                ForwardScalar<TLayer>(ref xs, ref ys);

            if (TLayer.Activation == DenseActivation.Softmax)
                RowFunctions.Softmax(MemoryMarshal.CreateSpan(ref ys, outputSize), log: false);
        }
    }

    // Two blocks of 4 outputs at a time, each summed in four chains (inputs k ≡ 0, 1, 2, 3 mod 4) that are added
    // at the end. A dense layer usually has one to four blocks, so with a single chain per block every input
    // waits on the multiply-add latency (~4 cycles: ~70 ns for the 65 inputs of 8 → 64 + 4 by that count); the
    // measured gain was smaller, within noise, because out-of-order execution hid part of it. With an odd
    // number of blocks the last pair computes its block twice and stores the same values twice, which keeps a
    // single copy of the loop. The sums are a method of their own, never inlined: inlined here, beside the activation
    // and the lane-by-lane stores, the JIT kept the eight accumulators on the stack through the loop (RyuJIT's tier 1
    // does not inline them as it stands, but neither it nor ILC promises that).
    [MethodImpl(KernelRoot.DriverOptions)] // optimised from its first call (KernelRoot)
    private static void ForwardVector<TLayer>(ref float x, ref float y) where TLayer : IDenseLayer
    {
        int inputSize = TLayer.InputSize, outputSize = TLayer.OutputSize;
        int blocks = KernelLayout.Padded(outputSize) / Lanes;
        int blockLength = KernelLayout.DenseBlockLength(inputSize, TLayer.WeightType);
        int header = KernelLayout.DenseHeaderFloats(TLayer.WeightType);
        for (int b = 0; b < blocks; b += 2)
        {
            int b1 = Math.Min(b + 1, blocks - 1);
            ref float bias0 = ref WeightBlocks.Dense<TLayer>(blockLength, b);
            ref float bias1 = ref WeightBlocks.Dense<TLayer>(blockLength, b1);
            (Vector128<float> sum0, Vector128<float> sum1) = Vector256.IsHardwareAccelerated
                ? SumTwoBlocks256<TLayer>(ref Unsafe.Add(ref bias0, header), ref Unsafe.Add(ref bias1, header), ref x)
                : SumTwoBlocks128<TLayer>(ref Unsafe.Add(ref bias0, header), ref Unsafe.Add(ref bias1, header), ref x);
            StoreBlock(Activate<TLayer>(Finish<TLayer>(sum0, ref bias0)), ref y, b * Lanes, outputSize);
            StoreBlock(Activate<TLayer>(Finish<TLayer>(sum1, ref bias1)), ref y, b1 * Lanes, outputSize);
        }
    }

    // bias + sum; int8 sums are of q, scaled here by the block's row scales (after its biases): bias + scale ⊙ sum.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Finish<TLayer>(Vector128<float> sum, ref float bias) where TLayer : IDenseLayer =>
        TLayer.WeightType == GruWeightType.Int8
            ? Simd128.MultiplyAdd(sum, Vector128.LoadUnsafe(ref bias, Lanes), Vector128.LoadUnsafe(ref bias))
            : Vector128.LoadUnsafe(ref bias) + sum;

    // Weights of the layer's type along a column run (weight = index of the first one, a multiple of 4), as floats (WeightLoads).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Load128<TLayer>(ref float columns, int weight) where TLayer : IDenseLayer =>
        WeightLoads.Vector<Simd128, Vector128<float>>(TLayer.WeightType, ref columns, weight);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Load256<TLayer>(ref float columns, int weight) where TLayer : IDenseLayer =>
        WeightLoads.Vector<Simd256, Vector256<float>>(TLayer.WeightType, ref columns, weight);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Col<TLayer>(int weights) where TLayer : IDenseLayer => KernelLayout.ColumnFloats(TLayer.WeightType, weights);

    // (chain 0 + chain 1) + (chain 2 + chain 3) of two blocks; the inputs left over after the last four go to chain 0.
    [MethodImpl(KernelRoot.Options)] // see ForwardVector: inlined, its accumulators were spilled
    internal static (Vector128<float>, Vector128<float>) SumTwoBlocks128<TLayer>(ref float w0, ref float w1, ref float x) where TLayer : IDenseLayer
    {
        int inputSize = TLayer.InputSize;
        Vector128<float> p0 = Vector128<float>.Zero, p1 = p0, p2 = p0, p3 = p0, q0 = p0, q1 = p0, q2 = p0, q3 = p0;
        int k = 0;
        for (; k + 4 <= inputSize; k += 4)
        {
            Vector128<float> x0 = Vector128.Create(Unsafe.Add(ref x, k)), x1 = Vector128.Create(Unsafe.Add(ref x, k + 1));
            Vector128<float> x2 = Vector128.Create(Unsafe.Add(ref x, k + 2)), x3 = Vector128.Create(Unsafe.Add(ref x, k + 3));
            p0 = Simd128.MultiplyAdd(Load128<TLayer>(ref w0, 0), x0, p0);
            p1 = Simd128.MultiplyAdd(Load128<TLayer>(ref w0, Lanes), x1, p1);
            p2 = Simd128.MultiplyAdd(Load128<TLayer>(ref w0, 2 * Lanes), x2, p2);
            p3 = Simd128.MultiplyAdd(Load128<TLayer>(ref w0, 3 * Lanes), x3, p3);
            q0 = Simd128.MultiplyAdd(Load128<TLayer>(ref w1, 0), x0, q0);
            q1 = Simd128.MultiplyAdd(Load128<TLayer>(ref w1, Lanes), x1, q1);
            q2 = Simd128.MultiplyAdd(Load128<TLayer>(ref w1, 2 * Lanes), x2, q2);
            q3 = Simd128.MultiplyAdd(Load128<TLayer>(ref w1, 3 * Lanes), x3, q3);
            w0 = ref Unsafe.Add(ref w0, Col<TLayer>(4 * Lanes));
            w1 = ref Unsafe.Add(ref w1, Col<TLayer>(4 * Lanes));
        }

        (p0, q0) = AddLeftOverInputs<TLayer>(ref w0, ref w1, ref x, k, p0, q0);
        return ((p0 + p1) + (p2 + p3), (q0 + q1) + (q2 + q3));
    }

    // The same sums, bit for bit, with half the multiply-adds: a 256-bit vector holds two consecutive inputs' weights
    // of a block (the layout stores them side by side), so chains 0 and 1 share one accumulator (low and high half),
    // and chains 2 and 3 another.
    [MethodImpl(KernelRoot.Options)] // see ForwardVector: inlined, its accumulators were spilled
    internal static (Vector128<float>, Vector128<float>) SumTwoBlocks256<TLayer>(ref float w0, ref float w1, ref float x) where TLayer : IDenseLayer
    {
        int inputSize = TLayer.InputSize;
        Vector256<float> p01 = Vector256<float>.Zero, p23 = p01, q01 = p01, q23 = p01;
        int k = 0;
        for (; k + 4 <= inputSize; k += 4)
        {
            Vector256<float> x01 = Vector256.Create(Vector128.Create(Unsafe.Add(ref x, k)), Vector128.Create(Unsafe.Add(ref x, k + 1)));
            Vector256<float> x23 = Vector256.Create(Vector128.Create(Unsafe.Add(ref x, k + 2)), Vector128.Create(Unsafe.Add(ref x, k + 3)));
            p01 = Simd256.MultiplyAdd(Load256<TLayer>(ref w0, 0), x01, p01);
            p23 = Simd256.MultiplyAdd(Load256<TLayer>(ref w0, 2 * Lanes), x23, p23);
            q01 = Simd256.MultiplyAdd(Load256<TLayer>(ref w1, 0), x01, q01);
            q23 = Simd256.MultiplyAdd(Load256<TLayer>(ref w1, 2 * Lanes), x23, q23);
            w0 = ref Unsafe.Add(ref w0, Col<TLayer>(4 * Lanes));
            w1 = ref Unsafe.Add(ref w1, Col<TLayer>(4 * Lanes));
        }

        (Vector128<float> p0, Vector128<float> q0) = AddLeftOverInputs<TLayer>(ref w0, ref w1, ref x, k, p01.GetLower(), q01.GetLower());
        return ((p0 + p01.GetUpper()) + (p23.GetLower() + p23.GetUpper()), (q0 + q01.GetUpper()) + (q23.GetLower() + q23.GetUpper()));
    }

    // Chain 0 of both blocks takes the inputs k … InputSize − 1 left over after the last four (w0 and w1 at input k).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float>, Vector128<float>) AddLeftOverInputs<TLayer>(ref float w0, ref float w1, ref float x, int k, Vector128<float> p0, Vector128<float> q0)
        where TLayer : IDenseLayer
    {
        for (; k < TLayer.InputSize; k++)
        {
            Vector128<float> xk = Vector128.Create(Unsafe.Add(ref x, k));
            p0 = Simd128.MultiplyAdd(Load128<TLayer>(ref w0, 0), xk, p0);
            q0 = Simd128.MultiplyAdd(Load128<TLayer>(ref w1, 0), xk, q0);
            w0 = ref Unsafe.Add(ref w0, Col<TLayer>(Lanes));
            w1 = ref Unsafe.Add(ref w1, Col<TLayer>(Lanes));
        }

        return (p0, q0);
    }

    private static void ForwardScalar<TLayer>(ref float x, ref float y) where TLayer : IDenseLayer
    {
        int inputSize = TLayer.InputSize, outputSize = TLayer.OutputSize;
        int blockLength = KernelLayout.DenseBlockLength(inputSize, TLayer.WeightType);
        bool int8 = TLayer.WeightType == GruWeightType.Int8;
        for (int row = 0; row < outputSize; row++)
        {
            ref float wb = ref WeightBlocks.Dense<TLayer>(blockLength, row / Lanes);
            ref float columns = ref Unsafe.Add(ref wb, KernelLayout.DenseHeaderFloats(TLayer.WeightType));
            int lane = row % Lanes;
            float acc = int8 ? 0f : Unsafe.Add(ref wb, lane);
            for (int k = 0; k < inputSize; k++)
                acc += ScalarWeight<TLayer>(ref columns, Lanes * k + lane) * Unsafe.Add(ref x, k);
            if (int8) acc = Unsafe.Add(ref wb, lane) + Unsafe.Add(ref wb, Lanes + lane) * acc;

            Unsafe.Add(ref y, row) = TLayer.Activation switch
            {
                DenseActivation.Relu => acc > 0f || float.IsNaN(acc) ? acc : 0f,
                DenseActivation.Sigmoid => ScalarMath.Sigmoid(acc),
                DenseActivation.Tanh => ScalarMath.Tanh(acc),
                _ => acc,
            };
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ScalarWeight<TLayer>(ref float columns, int i) where TLayer : IDenseLayer => WeightLoads.Scalar(TLayer.WeightType, ref columns, i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Activate<TLayer>(Vector128<float> v) where TLayer : IDenseLayer => TLayer.Activation switch
    {
        DenseActivation.Relu => Vector128.Max(v, Vector128<float>.Zero),
        DenseActivation.Sigmoid => VectorMath<Simd128, Vector128<float>>.Sigmoid(v),
        DenseActivation.Tanh => VectorMath<Simd128, Vector128<float>>.Tanh(v),
        _ => v,
    };

    // Writes the lanes of a block that are real outputs: the whole vector where it fits, lane by lane at the end.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreBlock(Vector128<float> value, ref float destination, int offset, int outputSize)
    {
        if (offset + Lanes <= outputSize)
        {
            value.StoreUnsafe(ref destination, (nuint)offset);
            return;
        }

        for (int lane = 0; offset + lane < outputSize; lane++)
            Unsafe.Add(ref destination, offset + lane) = value.GetElement(lane);
    }

    private static void ThrowTooShort(string paramName) =>
        throw new ArgumentException("The span is shorter than the layer shape requires.", paramName);
}
