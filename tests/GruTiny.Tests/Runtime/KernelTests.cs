using System;
using System.Linq;
using System.Runtime.Intrinsics;
using GruTiny.Kernels;
using GruTiny.Kernels.Simd;
using GruTiny.Model;
using Xunit;

namespace GruTiny.Tests.Runtime;

/// <summary>
/// The kernels against the scalar float64 oracle (<see cref="ReferenceModel"/>), on random weights packed at
/// run time, independently of the generator. Shapes cover sizes that are and are not multiples of the
/// vector width, odd and even block counts, and both GRU variants.
/// </summary>
public sealed class KernelTests
{
    // Test layers read their weights from a static slot the test fills (generated layers embed them instead).
    private static class Slot<TLayer>
    {
        public static float[][] Chunks = [];
    }

    private struct Gru1x5 : IGruLayer { public static int InputSize => 1; public static int HiddenSize => 5; public static bool LinearBeforeReset => true; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru1x5>.Chunks[i]; }
    private struct Gru3x13 : IGruLayer { public static int InputSize => 3; public static int HiddenSize => 13; public static bool LinearBeforeReset => true; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru3x13>.Chunks[i]; }
    private struct Gru16x128 : IGruLayer { public static int InputSize => 16; public static int HiddenSize => 128; public static bool LinearBeforeReset => true; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru16x128>.Chunks[i]; }
    private struct Gru5x20 : IGruLayer { public static int InputSize => 5; public static int HiddenSize => 20; public static bool LinearBeforeReset => true; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru5x20>.Chunks[i]; }
    private struct Gru6x56 : IGruLayer { public static int InputSize => 6; public static int HiddenSize => 56; public static bool LinearBeforeReset => true; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru6x56>.Chunks[i]; }
    private struct Cho3x20 : IGruLayer { public static int InputSize => 3; public static int HiddenSize => 20; public static bool LinearBeforeReset => false; public static ReadOnlySpan<float> Weights(int i) => Slot<Cho3x20>.Chunks[i]; }
    private struct Cho7x13 : IGruLayer { public static int InputSize => 7; public static int HiddenSize => 13; public static bool LinearBeforeReset => false; public static ReadOnlySpan<float> Weights(int i) => Slot<Cho7x13>.Chunks[i]; }
    private struct Cho2x8 : IGruLayer { public static int InputSize => 2; public static int HiddenSize => 8; public static bool LinearBeforeReset => false; public static ReadOnlySpan<float> Weights(int i) => Slot<Cho2x8>.Chunks[i]; }
    private struct Cho4x96 : IGruLayer { public static int InputSize => 4; public static int HiddenSize => 96; public static bool LinearBeforeReset => false; public static ReadOnlySpan<float> Weights(int i) => Slot<Cho4x96>.Chunks[i]; }
    private struct Dense13x3Softmax : IDenseLayer { public static int InputSize => 13; public static int OutputSize => 3; public static DenseActivation Activation => DenseActivation.Softmax; public static ReadOnlySpan<float> Weights(int i) => Slot<Dense13x3Softmax>.Chunks[i]; }
    private struct Dense5x9Tanh : IDenseLayer { public static int InputSize => 5; public static int OutputSize => 9; public static DenseActivation Activation => DenseActivation.Tanh; public static ReadOnlySpan<float> Weights(int i) => Slot<Dense5x9Tanh>.Chunks[i]; }
    private struct Dense8x4Relu : IDenseLayer { public static int InputSize => 8; public static int OutputSize => 4; public static DenseActivation Activation => DenseActivation.Relu; public static ReadOnlySpan<float> Weights(int i) => Slot<Dense8x4Relu>.Chunks[i]; }
    private struct Dense3x1Sigmoid : IDenseLayer { public static int InputSize => 3; public static int OutputSize => 1; public static DenseActivation Activation => DenseActivation.Sigmoid; public static ReadOnlySpan<float> Weights(int i) => Slot<Dense3x1Sigmoid>.Chunks[i]; }
    private struct Dense4000x40Linear : IDenseLayer { public static int InputSize => 4000; public static int OutputSize => 40; public static DenseActivation Activation => DenseActivation.Linear; public static ReadOnlySpan<float> Weights(int i) => Slot<Dense4000x40Linear>.Chunks[i]; }

    // The same shapes with quantised weights (GruWeightType): each kernel path reads int8 or float16 columns; the
    // oracle computes with the dequantised weights.
    private struct Gru1x5Int8 : IGruLayer { public static int InputSize => 1; public static int HiddenSize => 5; public static bool LinearBeforeReset => true; public static GruWeightType WeightType => GruWeightType.Int8; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru1x5Int8>.Chunks[i]; }
    private struct Gru6x56Int8 : IGruLayer { public static int InputSize => 6; public static int HiddenSize => 56; public static bool LinearBeforeReset => true; public static GruWeightType WeightType => GruWeightType.Int8; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru6x56Int8>.Chunks[i]; }
    private struct Gru6x56Half : IGruLayer { public static int InputSize => 6; public static int HiddenSize => 56; public static bool LinearBeforeReset => true; public static GruWeightType WeightType => GruWeightType.Float16; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru6x56Half>.Chunks[i]; }
    private struct Gru16x128Int8 : IGruLayer { public static int InputSize => 16; public static int HiddenSize => 128; public static bool LinearBeforeReset => true; public static GruWeightType WeightType => GruWeightType.Int8; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru16x128Int8>.Chunks[i]; }
    private struct Gru16x128Half : IGruLayer { public static int InputSize => 16; public static int HiddenSize => 128; public static bool LinearBeforeReset => true; public static GruWeightType WeightType => GruWeightType.Float16; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru16x128Half>.Chunks[i]; }
    private struct Cho3x20Int8 : IGruLayer { public static int InputSize => 3; public static int HiddenSize => 20; public static bool LinearBeforeReset => false; public static GruWeightType WeightType => GruWeightType.Int8; public static ReadOnlySpan<float> Weights(int i) => Slot<Cho3x20Int8>.Chunks[i]; }
    private struct Cho3x20Half : IGruLayer { public static int InputSize => 3; public static int HiddenSize => 20; public static bool LinearBeforeReset => false; public static GruWeightType WeightType => GruWeightType.Float16; public static ReadOnlySpan<float> Weights(int i) => Slot<Cho3x20Half>.Chunks[i]; }
    private struct Cho4x96Int8 : IGruLayer { public static int InputSize => 4; public static int HiddenSize => 96; public static bool LinearBeforeReset => false; public static GruWeightType WeightType => GruWeightType.Int8; public static ReadOnlySpan<float> Weights(int i) => Slot<Cho4x96Int8>.Chunks[i]; }
    private struct Dense13x3SoftmaxInt8 : IDenseLayer { public static int InputSize => 13; public static int OutputSize => 3; public static DenseActivation Activation => DenseActivation.Softmax; public static GruWeightType WeightType => GruWeightType.Int8; public static ReadOnlySpan<float> Weights(int i) => Slot<Dense13x3SoftmaxInt8>.Chunks[i]; }
    private struct Dense5x9TanhHalf : IDenseLayer { public static int InputSize => 5; public static int OutputSize => 9; public static DenseActivation Activation => DenseActivation.Tanh; public static GruWeightType WeightType => GruWeightType.Float16; public static ReadOnlySpan<float> Weights(int i) => Slot<Dense5x9TanhHalf>.Chunks[i]; }
    private struct Dense8x4ReluInt8 : IDenseLayer { public static int InputSize => 8; public static int OutputSize => 4; public static DenseActivation Activation => DenseActivation.Relu; public static GruWeightType WeightType => GruWeightType.Int8; public static ReadOnlySpan<float> Weights(int i) => Slot<Dense8x4ReluInt8>.Chunks[i]; }
    private struct Dense4000x40Int8 : IDenseLayer { public static int InputSize => 4000; public static int OutputSize => 40; public static DenseActivation Activation => DenseActivation.Linear; public static GruWeightType WeightType => GruWeightType.Int8; public static ReadOnlySpan<float> Weights(int i) => Slot<Dense4000x40Int8>.Chunks[i]; }
    private struct Dense4000x40Half : IDenseLayer { public static int InputSize => 4000; public static int OutputSize => 40; public static DenseActivation Activation => DenseActivation.Linear; public static GruWeightType WeightType => GruWeightType.Float16; public static ReadOnlySpan<float> Weights(int i) => Slot<Dense4000x40Half>.Chunks[i]; }

    // Layers whose chunks are slices of one array, each section's back to back, as generated float32 layers' are in
    // their aligned copy (IGruLayer.ContiguousSections); and one that says so and is not.
    private static class Joined<TLayer>
    {
        public static float[] Copy = [];
        public static int[] Offsets = [];
        public static int[] Lengths = [];
        public static ReadOnlySpan<float> Chunk(int i) => Copy.AsSpan(Offsets[i], Lengths[i]);
    }

    // 64 → 120: the input section in two chunks (15 blocks of 1,560 floats, then a gap of 8 to the next 64 bytes), the
    // recurrent one in three. Cho 5 → 256: the r-z section in eleven chunks and the n section in five.
    private struct Gru64x120 : IGruLayer { public static int InputSize => 64; public static int HiddenSize => 120; public static bool LinearBeforeReset => true; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru64x120>.Chunks[i]; }
    private struct Gru64x120Joined : IGruLayer { public static int InputSize => 64; public static int HiddenSize => 120; public static bool LinearBeforeReset => true; public static bool ContiguousSections => true; public static ReadOnlySpan<float> Weights(int i) => Joined<Gru64x120Joined>.Chunk(i); }
    private struct Cho5x256 : IGruLayer { public static int InputSize => 5; public static int HiddenSize => 256; public static bool LinearBeforeReset => false; public static ReadOnlySpan<float> Weights(int i) => Slot<Cho5x256>.Chunks[i]; }
    private struct Cho5x256Joined : IGruLayer { public static int InputSize => 5; public static int HiddenSize => 256; public static bool LinearBeforeReset => false; public static bool ContiguousSections => true; public static ReadOnlySpan<float> Weights(int i) => Joined<Cho5x256Joined>.Chunk(i); }
    private struct Gru16x128Apart : IGruLayer { public static int InputSize => 16; public static int HiddenSize => 128; public static bool LinearBeforeReset => true; public static bool ContiguousSections => true; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru16x128Apart>.Chunks[i]; }

    [Fact] public void Gru_64x120_with_chunks_back_to_back_gives_the_bits_of_chunks_apart() => CheckContiguous<Gru64x120, Gru64x120Joined>(61, expectGap: true);
    [Fact] public void Cho_5x256_with_chunks_back_to_back_gives_the_bits_of_chunks_apart() => CheckContiguous<Cho5x256, Cho5x256Joined>(62, expectGap: false);

    [Fact]
    public void A_layer_that_says_its_chunks_are_back_to_back_when_they_are_not_is_refused()
    {
        Slot<Gru16x128Apart>.Chunks = Chunks(RandomGru<Gru16x128Apart>(new Random(63), biases: true));
        int padded = GruLayerKernel.StateLength<Gru16x128Apart>(), row = GruLayerKernel.GateRowLength<Gru16x128Apart>();
        foreach (int steps in new[] { 1, 3 })
        {
            void Step() => GruLayerKernel.Forward<Gru16x128Apart>(
                new float[steps * 16], 16, new float[steps * row], new float[padded], new float[steps * padded], steps, [], backwardFirst: false);
            // The scalar path (no hardware vectors) looks up each block's chunk and never relies on the claim.
            if (!Vector128.IsHardwareAccelerated)
            {
                Step();
                continue;
            }

            var e = Assert.Throws<InvalidOperationException>(Step);
            Assert.Contains("back to back", e.Message);
        }
    }

    // The same weights as chunks apart (TApart, which looks up each block's chunk) and back to back (TJoined, which
    // finds every block from its section's start): the same bits, for one step and for several, in both directions.
    private static void CheckContiguous<TApart, TJoined>(int seed, bool expectGap) where TApart : IGruLayer where TJoined : IGruLayer
    {
        Assert.Equal((TApart.InputSize, TApart.HiddenSize, TApart.LinearBeforeReset), (TJoined.InputSize, TJoined.HiddenSize, TJoined.LinearBeforeReset));
        var random = new Random(seed);
        GruLayerDescription layer = RandomGru<TApart>(random, biases: true);
        float[][] chunks = Chunks(layer);
        Slot<TApart>.Chunks = chunks;
        int[] blockLengths = KernelLayout.GruSectionBlockLengths(layer.InputSize, layer.HiddenSize, layer.LinearBeforeReset);
        int[] offsets = KernelLayout.ChunkOffsets(KernelLayout.GruBlocks(layer.HiddenSize), blockLengths, out int length);
        // Gru 64 → 120: both sections in several chunks; Cho 5 → 256: the r-z and n sections (its input section is one).
        Assert.Equal(2, blockLengths.Count(length => KernelLayout.ChunkCount(KernelLayout.GruBlocks(layer.HiddenSize), length) > 1));
        bool gap = Enumerable.Range(1, chunks.Length - 1).Any(c => offsets[c] > offsets[c - 1] + chunks[c - 1].Length);
        Assert.Equal(expectGap, gap);
        var copy = new float[length];
        Array.Fill(copy, float.NaN); // the gaps between sections: read, they would show
        for (int c = 0; c < chunks.Length; c++) chunks[c].CopyTo(copy, offsets[c]);
        Joined<TJoined>.Copy = copy;
        Joined<TJoined>.Offsets = offsets;
        Joined<TJoined>.Lengths = chunks.Select(c => c.Length).ToArray();

        // The joined layer's blocks are offsets from its sections' starts; the other's are looked up chunk by chunk.
        for (int section = 0; section < blockLengths.Length; section++)
        {
            Assert.False(System.Runtime.CompilerServices.Unsafe.IsNullRef(ref WeightBlocks.GruSection<TJoined>(section)));
            bool oneChunk = KernelLayout.ChunkCount(KernelLayout.GruBlocks(layer.HiddenSize), blockLengths[section]) == 1;
            Assert.Equal(!oneChunk, System.Runtime.CompilerServices.Unsafe.IsNullRef(ref WeightBlocks.GruSection<TApart>(section)));
        }

        int i = layer.InputSize, padded = GruLayerKernel.StateLength<TApart>(), row = GruLayerKernel.GateRowLength<TApart>();
        var scratch = new float[GruLayerKernel.ScratchLength<TApart>()];
        foreach (int steps in new[] { 1, 1, 3, 6 }) // 6: a group of steps projected together (four; three for float16 with 16 vector registers), then the rest
            foreach (bool backwardFirst in new[] { false, true })
            {
                float[] inputs = RandomVector(random, steps * i, 2);
                float[] start = RandomVector(random, padded, 1);
                for (int j = layer.HiddenSize; j < padded; j++) start[j] = 0;
                float[] apartState = (float[])start.Clone(), joinedState = (float[])start.Clone();
                float[] apart = new float[steps * padded], joined = new float[steps * padded];
                GruLayerKernel.Forward<TApart>(inputs, i, new float[steps * row], apartState, apart, steps, scratch, backwardFirst);
                GruLayerKernel.Forward<TJoined>(inputs, i, new float[steps * row], joinedState, joined, steps, scratch, backwardFirst);
                Assert.Equal(apart, joined);
                Assert.Equal(apartState, joinedState);
                Assert.DoesNotContain(joined, float.IsNaN);
            }
    }

    // Pairs of strips that split their columns (PairSplitsColumns: up to 64 units) with an odd last column, at 256 bits
    // (37 units: two pairs and one strip) and at 128 bits (ten strips: two groups of four and a pair), in every weight
    // type. And the threshold: 64 units split, 72 do not (at 128 bits 72 leaves an unsplit pair after four groups of
    // four).
    private struct Gru3x37 : IGruLayer { public static int InputSize => 3; public static int HiddenSize => 37; public static bool LinearBeforeReset => true; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru3x37>.Chunks[i]; }
    private struct Gru3x37Int8 : IGruLayer { public static int InputSize => 3; public static int HiddenSize => 37; public static bool LinearBeforeReset => true; public static GruWeightType WeightType => GruWeightType.Int8; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru3x37Int8>.Chunks[i]; }
    private struct Gru3x37Half : IGruLayer { public static int InputSize => 3; public static int HiddenSize => 37; public static bool LinearBeforeReset => true; public static GruWeightType WeightType => GruWeightType.Float16; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru3x37Half>.Chunks[i]; }
    private struct Gru1x5Half : IGruLayer { public static int InputSize => 1; public static int HiddenSize => 5; public static bool LinearBeforeReset => true; public static GruWeightType WeightType => GruWeightType.Float16; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru1x5Half>.Chunks[i]; }
    private struct Gru4x64 : IGruLayer { public static int InputSize => 4; public static int HiddenSize => 64; public static bool LinearBeforeReset => true; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru4x64>.Chunks[i]; }
    private struct Gru4x72 : IGruLayer { public static int InputSize => 4; public static int HiddenSize => 72; public static bool LinearBeforeReset => true; public static ReadOnlySpan<float> Weights(int i) => Slot<Gru4x72>.Chunks[i]; }

    [Fact] public void Gru_3x37_with_split_columns_and_an_odd_last_one_matches_the_oracle() => CheckGru<Gru3x37>(seed: 73, biases: true);
    [Fact] public void Gru_3x37_int8_with_split_columns_and_an_odd_last_one_matches_the_oracle() => CheckGru<Gru3x37Int8>(seed: 64, biases: true);
    [Fact] public void Gru_3x37_float16_with_split_columns_and_an_odd_last_one_matches_the_oracle() => CheckGru<Gru3x37Half>(seed: 65, biases: true);
    [Fact] public void Gru_1x5_float16_matches_the_oracle() => CheckGru<Gru1x5Half>(seed: 66, biases: true);
    [Fact] public void Gru_4x64_the_largest_layer_that_splits_matches_the_oracle() => CheckGru<Gru4x64>(seed: 67, biases: true);
    [Fact] public void Gru_4x72_the_smallest_layer_that_does_not_split_matches_the_oracle() => CheckGru<Gru4x72>(seed: 68, biases: true);
    [Fact] public void Sweeping_the_strips_backward_gives_the_same_bits_int8_odd() => CheckStripOrder<Gru3x37Int8>(69, GruWeightType.Int8);
    [Fact] public void Sweeping_the_strips_backward_gives_the_same_bits_float16_odd() => CheckStripOrder<Gru3x37Half>(70, GruWeightType.Float16);
    [Fact] public void Sweeping_the_strips_backward_gives_the_same_bits_gru_odd_37() => CheckStripOrder<Gru3x37>(71, GruWeightType.Float32);
    [Fact] public void Sweeping_the_strips_backward_gives_the_same_bits_gru_72() => CheckStripOrder<Gru4x72>(72, GruWeightType.Float32);

    [Fact] public void Gru_1x5_int8_matches_the_oracle() => CheckGru<Gru1x5Int8>(seed: 31, biases: true);
    [Fact] public void Gru_6x56_int8_with_every_group_of_strips_matches_the_oracle() => CheckGru<Gru6x56Int8>(seed: 32, biases: true);
    [Fact] public void Gru_6x56_float16_with_every_group_of_strips_matches_the_oracle() => CheckGru<Gru6x56Half>(seed: 33, biases: true);
    [Fact] public void Gru_16x128_int8_in_several_weight_chunks_matches_the_oracle() => CheckGru<Gru16x128Int8>(seed: 34, biases: true, expectedChunks: 2);
    [Fact] public void Gru_16x128_float16_in_several_weight_chunks_matches_the_oracle() => CheckGru<Gru16x128Half>(seed: 35, biases: false, expectedChunks: 3);
    [Fact] public void Cho_3x20_int8_matches_the_oracle() => CheckGru<Cho3x20Int8>(seed: 36, biases: true);
    [Fact] public void Cho_3x20_float16_matches_the_oracle() => CheckGru<Cho3x20Half>(seed: 37, biases: true);
    [Fact] public void Cho_4x96_int8_matches_the_oracle() => CheckGru<Cho4x96Int8>(seed: 38, biases: true);
    [Fact] public void Dense_softmax_int8_matches_the_oracle() => CheckDense<Dense13x3SoftmaxInt8>(39, DenseActivation.Softmax);
    [Fact] public void Dense_tanh_float16_matches_the_oracle() => CheckDense<Dense5x9TanhHalf>(40, DenseActivation.Tanh);
    [Fact] public void Dense_relu_int8_matches_the_oracle() => CheckDense<Dense8x4ReluInt8>(41, DenseActivation.Relu);
    [Fact] public void Dense_int8_in_several_chunks_matches_the_oracle() => CheckDense<Dense4000x40Int8>(42, DenseActivation.Linear, expectedChunks: 4);
    [Fact] public void Dense_float16_in_several_chunks_matches_the_oracle() => CheckDense<Dense4000x40Half>(43, DenseActivation.Linear, expectedChunks: 10);

    [Fact] public void Gru_1x5_matches_the_oracle() => CheckGru<Gru1x5>(seed: 1, biases: true);
    [Fact] public void Gru_3x13_matches_the_oracle() => CheckGru<Gru3x13>(seed: 2, biases: true);
    [Fact] public void Gru_16x128_in_several_weight_chunks_matches_the_oracle() => CheckGru<Gru16x128>(seed: 3, biases: false, expectedChunks: 5);
    [Fact] public void Gru_5x20_with_an_odd_number_of_strips_matches_the_oracle() => CheckGru<Gru5x20>(seed: 13, biases: true);
    // 7 strips of Vector256 (pairs and one) and 14 of Vector128 (groups of four, then a pair).
    [Fact] public void Gru_6x56_with_every_group_of_strips_matches_the_oracle() => CheckGru<Gru6x56>(seed: 15, biases: true);
    [Fact] public void Cho_3x20_with_an_odd_number_of_strips_matches_the_oracle() => CheckGru<Cho3x20>(seed: 14, biases: true);
    [Fact] public void Cho_7x13_matches_the_oracle() => CheckGru<Cho7x13>(seed: 4, biases: true);
    [Fact] public void Cho_2x8_matches_the_oracle() => CheckGru<Cho2x8>(seed: 5, biases: false);
    [Fact] public void Cho_4x96_in_several_weight_chunks_matches_the_oracle() => CheckGru<Cho4x96>(seed: 10, biases: true, expectedChunks: 4);
    [Fact] public void Dense_with_a_block_per_chunk_matches_the_oracle() => CheckDense<Dense4000x40Linear>(12, DenseActivation.Linear, expectedChunks: 10);
    [Fact] public void Dense_softmax_matches_the_oracle() => CheckDense<Dense13x3Softmax>(6, DenseActivation.Softmax);
    [Fact] public void Dense_tanh_matches_the_oracle() => CheckDense<Dense5x9Tanh>(7, DenseActivation.Tanh);
    [Fact] public void Dense_relu_matches_the_oracle() => CheckDense<Dense8x4Relu>(8, DenseActivation.Relu);
    [Fact] public void Dense_sigmoid_matches_the_oracle() => CheckDense<Dense3x1Sigmoid>(9, DenseActivation.Sigmoid);

    [Fact]
    public void Projecting_many_steps_at_once_is_bitwise_equal_to_one_at_a_time()
    {
        var random = new Random(11);
        GruLayerDescription layer = RandomGru<Gru3x13>(random, biases: true);
        Slot<Gru3x13>.Chunks = Chunks(layer);
        int row = GruLayerKernel.GateRowLength<Gru3x13>();
        for (int steps = 1; steps <= 9; steps++)
        {
            float[] inputs = RandomVector(random, steps * 3, 2);
            var together = new float[steps * row];
            GruLayerKernel.ProjectInputs<Gru3x13>(inputs, 3, together, steps);
            var single = new float[steps * row];
            for (int s = 0; s < steps; s++)
                GruLayerKernel.ProjectInputs<Gru3x13>(inputs.AsSpan(s * 3), 3, single.AsSpan(s * row), 1);
            Assert.Equal(single, together);
        }
    }

    [Fact] public void Forward_over_many_steps_is_bitwise_equal_to_single_steps_gru() => CheckForwardChunking<Gru5x20>(15);
    [Fact] public void Forward_over_many_steps_is_bitwise_equal_to_single_steps_cho() => CheckForwardChunking<Cho3x20>(16);
    [Fact] public void Forward_over_many_steps_is_bitwise_equal_to_single_steps_one_strip() => CheckForwardChunking<Gru1x5>(17);
    // Quantised weights: float16 projects three steps at a time where the JIT has 16 vector registers (x64 without
    // AVX-512), four elsewhere; over 1 to 11 steps, so with remainders of one to three steps.
    [Fact] public void Forward_over_many_steps_is_bitwise_equal_to_single_steps_float16() => CheckForwardChunking<Gru6x56Half>(61, GruWeightType.Float16);
    [Fact] public void Forward_over_many_steps_is_bitwise_equal_to_single_steps_int8() => CheckForwardChunking<Gru6x56Int8>(62, GruWeightType.Int8);

    [Fact] public void Sweeping_the_strips_backward_gives_the_same_bits_gru_every_group() => CheckStripOrder<Gru6x56>(51, GruWeightType.Float32);
    [Fact] public void Sweeping_the_strips_backward_gives_the_same_bits_gru_odd() => CheckStripOrder<Gru5x20>(52, GruWeightType.Float32);
    [Fact] public void Sweeping_the_strips_backward_gives_the_same_bits_gru_one_strip() => CheckStripOrder<Gru1x5>(53, GruWeightType.Float32);
    [Fact] public void Sweeping_the_strips_backward_gives_the_same_bits_gru_chunked() => CheckStripOrder<Gru16x128>(54, GruWeightType.Float32);
    [Fact] public void Sweeping_the_strips_backward_gives_the_same_bits_cho_odd() => CheckStripOrder<Cho3x20>(55, GruWeightType.Float32);
    [Fact] public void Sweeping_the_strips_backward_gives_the_same_bits_cho_chunked() => CheckStripOrder<Cho4x96>(56, GruWeightType.Float32);
    [Fact] public void Sweeping_the_strips_backward_gives_the_same_bits_int8() => CheckStripOrder<Gru6x56Int8>(57, GruWeightType.Int8);
    [Fact] public void Sweeping_the_strips_backward_gives_the_same_bits_float16() => CheckStripOrder<Gru6x56Half>(58, GruWeightType.Float16);
    [Fact] public void Sweeping_the_strips_backward_gives_the_same_bits_cho_int8() => CheckStripOrder<Cho3x20Int8>(59, GruWeightType.Int8);
    [Fact] public void Sweeping_the_strips_backward_gives_the_same_bits_cho_float16() => CheckStripOrder<Cho3x20Half>(60, GruWeightType.Float16);

    // An input stride below InputSize is refused for one step (StepResetAfter) as for several (ProjectInputs),
    // before any weight is read.
    [Fact]
    public void Forward_refuses_an_input_stride_below_the_input_size()
    {
        int row = GruLayerKernel.GateRowLength<Gru5x20>(), padded = GruLayerKernel.StateLength<Gru5x20>();
        foreach (int steps in new[] { 1, 2 })
        {
            var e = Assert.Throws<ArgumentException>(() => GruLayerKernel.Forward<Gru5x20>(
                new float[steps * Gru5x20.InputSize], Gru5x20.InputSize - 1, new float[steps * row], new float[padded],
                new float[steps * padded], steps, [], backwardFirst: false));
            Assert.Equal("inputs", e.ParamName);
        }
    }

    // A model's steps sweep a layer's strips forward and backward in turn (StripOrder, for the cache): the results
    // must not depend on the direction, bit for bit, for one step and for several.
    private static void CheckStripOrder<TShape>(int seed, GruWeightType type) where TShape : IGruLayer
    {
        var random = new Random(seed);
        Slot<TShape>.Chunks = Chunks(RandomGru<TShape>(random, biases: true), type);
        int padded = GruLayerKernel.StateLength<TShape>(), row = GruLayerKernel.GateRowLength<TShape>();
        var scratch = new float[GruLayerKernel.ScratchLength<TShape>()];
        foreach (int steps in new[] { 1, 1, 2, 5 })
        {
            float[] gates = new float[steps * row];
            float[] inputs = RandomVector(random, steps * TShape.InputSize, 2);
            GruLayerKernel.ProjectInputs<TShape>(inputs, TShape.InputSize, gates, steps);
            float[] start = RandomVector(random, padded, 1);
            for (int j = TShape.HiddenSize; j < padded; j++) start[j] = 0;

            float[] forward = new float[steps * padded], backward = new float[steps * padded];
            float[] forwardState = (float[])start.Clone(), backwardState = (float[])start.Clone();
            // Each sweep gets scratch and rows full of NaN: one that read what it had not written would show.
            Array.Fill(scratch, float.NaN); Array.Fill(forward, float.NaN);
            GruLayerKernel.Recur<TShape>(gates, forwardState, forward, padded, steps, reverse: false, scratch, backwardFirst: false);
            Array.Fill(scratch, float.NaN); Array.Fill(backward, float.NaN);
            GruLayerKernel.Recur<TShape>(gates, backwardState, backward, padded, steps, reverse: false, scratch, backwardFirst: true);

            Assert.Equal(forward, backward);
            Assert.Equal(forwardState, backwardState);
            Assert.Contains(forward.AsSpan(0, TShape.HiddenSize).ToArray(), v => v != 0);
            Assert.DoesNotContain(forward, float.IsNaN);

            // Forward's single step projects each group of strips just before its recurrence (StepResetAfter): the same
            // bits as the projection and the recurrence apart, in either direction.
            if (steps == 1)
                foreach (bool backwardFirst in new[] { false, true })
                {
                    float[] state = (float[])start.Clone(), single = new float[padded], singleGates = new float[row];
                    Array.Fill(scratch, float.NaN); Array.Fill(single, float.NaN); Array.Fill(singleGates, float.NaN);
                    GruLayerKernel.Forward<TShape>(inputs, TShape.InputSize, singleGates, state, single, 1, scratch, backwardFirst);
                    Assert.Equal(forward, single);
                    Assert.Equal(forwardState, state);
                }
        }
    }

    // Run is T Steps: the kernels must give the same bits whether they get the steps together (projections of
    // groups of steps plus a remainder) or one at a time.
    private static void CheckForwardChunking<TShape>(int seed, GruWeightType type = GruWeightType.Float32) where TShape : IGruLayer
    {
        var random = new Random(seed);
        Slot<TShape>.Chunks = Chunks(RandomGru<TShape>(random, biases: true), type);
        int i = TShape.InputSize, padded = GruLayerKernel.StateLength<TShape>(), row = GruLayerKernel.GateRowLength<TShape>();
        var scratch = new float[GruLayerKernel.ScratchLength<TShape>()];
        for (int steps = 1; steps <= 11; steps++)
        {
            float[] inputs = RandomVector(random, steps * i, 2);
            float[] start = RandomVector(random, padded, 1);
            for (int j = TShape.HiddenSize; j < padded; j++) start[j] = 0;

            var stateTogether = (float[])start.Clone();
            var together = new float[steps * padded];
            GruLayerKernel.Forward<TShape>(inputs, i, new float[steps * row], stateTogether, together, steps, scratch, backwardFirst: false);

            var stateSingle = (float[])start.Clone();
            var single = new float[steps * padded];
            for (int s = 0; s < steps; s++)
                GruLayerKernel.Forward<TShape>(inputs.AsSpan(s * i, i), i, new float[row], stateSingle, single.AsSpan(s * padded, padded), 1, scratch, backwardFirst: s % 2 == 1);

            Assert.Equal(single, together);
            Assert.Equal(stateSingle, stateTogether);
        }
    }

    // The kernels choose Vector256 where it is accelerated and Vector128 elsewhere (ARM64): per lane the two
    // must compute the same bits. Where Vector256 is not accelerated (CI's DOTNET_PreferredVectorBitWidth=128
    // and ARM64 runs) the kernels never use it and its software fallback may fuse differently, so there is
    // nothing to compare; the default CI run on x64 with AVX2 checks it.
    [Fact]
    public void Vector256_functions_equal_Vector128_lane_by_lane()
    {
        if (!Vector256.IsHardwareAccelerated) return;
        var random = new Random(18);
        var values = new float[8];
        for (int trial = 0; trial < 20_000; trial++)
        {
            for (int j = 0; j < 8; j++) values[j] = (float)((random.NextDouble() * 2 - 1) * (trial % 3 == 0 ? 100 : 6));
            Vector256<float> wide = Vector256.Create(values);
            Vector128<float> lo = Vector128.Create(values, 0), hi = Vector128.Create(values, 4);
            AssertSame(VectorMath<Simd256, Vector256<float>>.Exp(wide), VectorMath<Simd128, Vector128<float>>.Exp(lo), VectorMath<Simd128, Vector128<float>>.Exp(hi));
            AssertSame(VectorMath<Simd256, Vector256<float>>.Sigmoid(wide), VectorMath<Simd128, Vector128<float>>.Sigmoid(lo), VectorMath<Simd128, Vector128<float>>.Sigmoid(hi));
            AssertSame(VectorMath<Simd256, Vector256<float>>.GateSigmoid(wide), VectorMath<Simd128, Vector128<float>>.GateSigmoid(lo), VectorMath<Simd128, Vector128<float>>.GateSigmoid(hi));
            AssertSame(VectorMath<Simd256, Vector256<float>>.Tanh(wide), VectorMath<Simd128, Vector128<float>>.Tanh(lo), VectorMath<Simd128, Vector128<float>>.Tanh(hi));
            AssertSame(VectorMath<Simd256, Vector256<float>>.TanhOfHalf(wide), VectorMath<Simd128, Vector128<float>>.TanhOfHalf(lo), VectorMath<Simd128, Vector128<float>>.TanhOfHalf(hi));
        }

        static void AssertSame(Vector256<float> wide, Vector128<float> lo, Vector128<float> hi)
        {
            Assert.Equal(lo.AsInt32(), wide.GetLower().AsInt32());
            Assert.Equal(hi.AsInt32(), wide.GetUpper().AsInt32());
        }
    }

    [Fact]
    public void Sigmoid_and_tanh_are_accurate_and_saturate_at_128_bits() =>
        CheckGateFunctions<Simd128, Vector128<float>>(v => Vector128.Create(v), v => v.GetElement(0));

    [Fact]
    public void Sigmoid_and_tanh_are_accurate_and_saturate_at_256_bits()
    {
        if (!Vector256.IsHardwareAccelerated) return; // the path is not taken where 256-bit vectors are not accelerated
        CheckGateFunctions<Simd256, Vector256<float>>(v => Vector256.Create(v), v => v.GetElement(0));
    }

    [Fact]
    public void Tanh_of_half_is_tanh_of_x_halved_bit_for_bit_at_128_bits() =>
        CheckTanhOfHalf<Simd128, Vector128<float>>(v => Vector128.Create(v), v => v.GetElement(0));

    [Fact]
    public void Tanh_of_half_is_tanh_of_x_halved_bit_for_bit_at_256_bits()
    {
        if (!Vector256.IsHardwareAccelerated) return; // the path is not taken where 256-bit vectors are not accelerated
        CheckTanhOfHalf<Simd256, Vector256<float>>(v => Vector256.Create(v), v => v.GetElement(0));
    }

    // TanhOfHalf scales tanh's coefficients by powers of two instead of halving x (the GRU's combine takes it where the
    // JIT has 16 vector registers, tanh of x halved elsewhere): every float result must be the very bits of Tanh(x / 2). Every 61st float of either sign
    // from the smallest subnormal up (the last below infinity), then +∞ and NaN.
    private static void CheckTanhOfHalf<TSimd, TVector>(Func<float, TVector> create, Func<TVector, float> first)
        where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        for (int bits = 1; bits <= 0x7F800000; bits += 61)
        {
            float x = BitConverter.Int32BitsToSingle(bits);
            Check(x);
            Check(-x);
        }

        Assert.True(float.IsNaN(first(VectorMath<TSimd, TVector>.TanhOfHalf(create(float.NaN)))));
        Assert.Equal(1f, first(VectorMath<TSimd, TVector>.TanhOfHalf(create(float.PositiveInfinity))));

        void Check(float v)
        {
            float halved = first(VectorMath<TSimd, TVector>.Tanh(create(v * 0.5f))), scaled = first(VectorMath<TSimd, TVector>.TanhOfHalf(create(v)));
            if (BitConverter.SingleToInt32Bits(halved) != BitConverter.SingleToInt32Bits(scaled))
                Assert.Fail($"TanhOfHalf({v:R}) = {scaled:R}, Tanh({v:R} / 2) = {halved:R}");
        }
    }

    [Fact]
    public void Exp_is_accurate_over_the_float_range()
    {
        double worst = 0;
        for (double x = -87; x <= 88; x += 0.0137)
        {
            float y = VectorMath<Simd128, Vector128<float>>.Exp(Vector128.Create((float)x)).GetElement(0);
            double exact = Math.Exp((float)x);
            worst = Math.Max(worst, Math.Abs(y - exact) / exact);
        }

        Assert.True(worst < 4e-7, $"worst relative error {worst:E2}");
    }

    // NaN must survive the clamps: on x64 a clamp is maxps/minps, which return their second operand when either is
    // NaN, so the order of operands is what keeps it.
    private static void CheckGateFunctions<TSimd, TVector>(Func<float, TVector> create, Func<TVector, float> first)
        where TSimd : struct, ISimd<TVector> where TVector : struct
    {
        double worstGate = 0, worstTanh = 0, worstSigmoid = 0;
        for (double x = -100; x <= 100; x += 0.00731)
        {
            float xf = (float)x;
            double sigmoid = 1 / (1 + Math.Exp(-(double)xf)), tanh = Math.Tanh(xf);
            float gate = first(VectorMath<TSimd, TVector>.GateSigmoid(create(xf))), t = first(VectorMath<TSimd, TVector>.Tanh(create(xf)));
            worstGate = Math.Max(worstGate, Math.Abs(gate - sigmoid));
            worstTanh = Math.Max(worstTanh, Math.Abs(t - tanh) / Math.Max(1e-30, Math.Min(1, Math.Abs(tanh))));
            if (xf > -87) worstSigmoid = Math.Max(worstSigmoid, Math.Abs(first(VectorMath<TSimd, TVector>.Sigmoid(create(xf))) - sigmoid) / sigmoid);
            Assert.InRange(gate, 0f, 1f);
            Assert.InRange(t, -1f, 1f);
        }

        // Where the rational tanh's fraction rounds above 1 (|x| in 8.3…9), densely: it must be clamped to ±1.
        for (float xf = 8f; xf <= 9.5f; xf = MathF.BitIncrement(MathF.BitIncrement(MathF.BitIncrement(xf))))
        {
            Assert.InRange(first(VectorMath<TSimd, TVector>.Tanh(create(xf))), 0.99999f, 1f);
            Assert.InRange(first(VectorMath<TSimd, TVector>.Tanh(create(-xf))), -1f, -0.99999f);
            Assert.InRange(first(VectorMath<TSimd, TVector>.GateSigmoid(create(-2 * xf))), 0f, 1e-5f);
        }

        Assert.True(worstGate < 2e-7, $"gate sigmoid worst absolute error {worstGate:E2}");
        Assert.True(worstTanh < 3e-7, $"tanh worst error {worstTanh:E2} (relative below |tanh| = 1)");
        Assert.True(worstSigmoid < 5e-7, $"sigmoid worst relative error {worstSigmoid:E2}");
        Assert.Equal(1f, first(VectorMath<TSimd, TVector>.Tanh(create(1000f))));
        Assert.Equal(-1f, first(VectorMath<TSimd, TVector>.Tanh(create(-1000f))));
        Assert.Equal(0f, first(VectorMath<TSimd, TVector>.GateSigmoid(create(-1000f))));
        Assert.Equal(1f, first(VectorMath<TSimd, TVector>.GateSigmoid(create(1000f))));
        Assert.InRange(first(VectorMath<TSimd, TVector>.Sigmoid(create(-1000f))), 0f, 1e-37f);
        Assert.Equal(1f, first(VectorMath<TSimd, TVector>.Sigmoid(create(1000f))));
        Assert.True(float.IsNaN(first(VectorMath<TSimd, TVector>.Tanh(create(float.NaN)))));
        Assert.True(float.IsNaN(first(VectorMath<TSimd, TVector>.GateSigmoid(create(float.NaN)))));
        Assert.True(float.IsNaN(first(VectorMath<TSimd, TVector>.Sigmoid(create(float.NaN)))));
        Assert.True(float.IsNaN(first(VectorMath<TSimd, TVector>.Exp(create(float.NaN)))));
    }

    // The 256-bit dense sums (two inputs per vector) add the same products in the same order as the 128-bit ones,
    // so a dense layer gives the same bits on both paths: input sizes with and without a remainder after fours.
    [Fact] public void Dense_sums_are_bitwise_equal_at_both_widths_13() => CheckDenseSums<Dense13x3Softmax>(21);
    [Fact] public void Dense_sums_are_bitwise_equal_at_both_widths_8() => CheckDenseSums<Dense8x4Relu>(22);
    [Fact] public void Dense_sums_are_bitwise_equal_at_both_widths_3() => CheckDenseSums<Dense3x1Sigmoid>(23);
    [Fact] public void Dense_sums_are_bitwise_equal_at_both_widths_5() => CheckDenseSums<Dense5x9Tanh>(24);
    [Fact] public void Dense_sums_are_bitwise_equal_at_both_widths_int8_13() => CheckDenseSums<Dense13x3SoftmaxInt8>(25);
    [Fact] public void Dense_sums_are_bitwise_equal_at_both_widths_float16_5() => CheckDenseSums<Dense5x9TanhHalf>(26);

    private static void CheckDenseSums<TLayer>(int seed) where TLayer : IDenseLayer
    {
        if (!Vector256.IsHardwareAccelerated) return; // only the 128-bit sums exist on this path
        var random = new Random(seed);
        int k = TLayer.InputSize, header = KernelLayout.DenseHeaderFloats(TLayer.WeightType);
        float[] x = new float[k];
        for (int trial = 0; trial < 50; trial++)
        {
            // Two random blocks, packed in the layer's weight type.
            float[] w0 = KernelLayout.Floats(KernelLayout.PackDense(k, 4, RandomVector(random, 4 * k, 1), null, TLayer.WeightType));
            float[] w1 = KernelLayout.Floats(KernelLayout.PackDense(k, 4, RandomVector(random, 4 * k, 1), null, TLayer.WeightType));
            for (int i = 0; i < x.Length; i++) x[i] = (float)((random.NextDouble() * 2 - 1) * 10);
            var narrow = DenseLayerKernel.SumTwoBlocks128<TLayer>(ref w0[header], ref w1[header], ref x[0]);
            var wide = DenseLayerKernel.SumTwoBlocks256<TLayer>(ref w0[header], ref w1[header], ref x[0]);
            Assert.Equal(narrow.Item1.AsUInt32(), wide.Item1.AsUInt32());
            Assert.Equal(narrow.Item2.AsUInt32(), wide.Item2.AsUInt32());
        }
    }

    private static void CheckGru<TShape>(int seed, bool biases, int expectedChunks = 0) where TShape : IGruLayer
    {
        var random = new Random(seed);
        GruLayerDescription layer = RandomGru<TShape>(random, biases);
        Slot<TShape>.Chunks = Chunks(layer, TShape.WeightType);
        if (expectedChunks > 0) Assert.Equal(expectedChunks, Slot<TShape>.Chunks.Length);
        Assert.All(Slot<TShape>.Chunks, c => Assert.True(c.Length <= KernelLayout.MaxChunkFloats));
        var model = new ModelDescription(TShape.InputSize, [layer]);
        var oracle = new ReferenceModel(WeightQuantizer.Dequantized(model, TShape.WeightType));
        var floatOracle = new ReferenceModel(model);
        double quantisationEffect = 0;

        const int steps = 40;
        float[] inputs = RandomVector(random, steps * TShape.InputSize, 1.5);
        int padded = GruLayerKernel.StateLength<TShape>();
        var gates = new float[steps * GruLayerKernel.GateRowLength<TShape>()];
        var state = new float[padded];
        var hidden = new float[steps * padded];
        var scratch = new float[GruLayerKernel.ScratchLength<TShape>()];
        GruLayerKernel.ProjectInputs<TShape>(inputs, TShape.InputSize, gates, steps);
        GruLayerKernel.Recur<TShape>(gates, state, hidden, steps, scratch);

        for (int s = 0; s < steps; s++)
        {
            double[] expected = oracle.Step(inputs.AsSpan(s * TShape.InputSize, TShape.InputSize).ToArray());
            double[] unquantised = floatOracle.Step(inputs.AsSpan(s * TShape.InputSize, TShape.InputSize).ToArray());
            for (int j = 0; j < TShape.HiddenSize; j++)
            {
                Assert.True(Math.Abs(hidden[s * padded + j] - expected[j]) <= 1e-5, $"step {s} unit {j}: {hidden[s * padded + j]} vs {expected[j]}");
                quantisationEffect = Math.Max(quantisationEffect, Math.Abs(unquantised[j] - expected[j]));
            }

            for (int j = TShape.HiddenSize; j < padded; j++)
                Assert.Equal(0f, hidden[s * padded + j]); // padded lanes stay exactly zero
        }

        Assert.Equal(hidden.AsSpan((steps - 1) * padded, padded).ToArray(), state);
        // A quantised layer must compute something measurably different from the float one, or the check above proves nothing.
        if (TShape.WeightType != GruWeightType.Float32) Assert.True(quantisationEffect > 1e-4, $"quantisation changed the states by only {quantisationEffect:E2}");
    }

    private static void CheckDense<TShape>(int seed, DenseActivation activation, int expectedChunks = 0) where TShape : IDenseLayer
    {
        var random = new Random(seed);
        int k = TShape.InputSize, o = TShape.OutputSize;
        double scale = 2 / Math.Sqrt(k); // the usual initialisation scale, so that outputs stay O(1)
        var original = new DenseLayerDescription(k, o, new ActivationFunction((ActivationKind)activation), RandomVector(random, o * k, scale), RandomVector(random, o, 1));
        GruWeightType type = TShape.WeightType;
        Slot<TShape>.Chunks = KernelLayout.Chunk(KernelLayout.Floats(KernelLayout.PackDense(k, o, original.Weight, original.Bias, type)), KernelLayout.Padded(o) / 4, [KernelLayout.DenseBlockLength(k, type)]);
        var layer = (DenseLayerDescription)original.WithWeights((w, rows, columns, _) => WeightQuantizer.Dequantized(w, rows, columns, type));
        if (type != GruWeightType.Float32) Assert.NotEqual(original.Weight, layer.Weight);
        if (expectedChunks > 0) Assert.Equal(expectedChunks, Slot<TShape>.Chunks.Length);
        // Output rows are written with a stride one wider than the layer, to check that the gap stays untouched.
        const int steps = 5;
        float[] inputs = RandomVector(random, steps * k, 3);
        var outputs = new float[steps * (o + 1)];
        outputs.AsSpan().Fill(42f);
        DenseLayerKernel.Forward<TShape>(inputs, k, outputs, o + 1, steps);
        for (int s = 0; s < steps; s++)
        {
            // The dense equations in float64.
            var z = new double[o];
            for (int r = 0; r < o; r++)
            {
                double acc = layer.Bias![r];
                for (int c = 0; c < k; c++) acc += layer.Weight[r * k + c] * (double)inputs[s * k + c];
                z[r] = acc;
            }

            double max = double.NegativeInfinity, sum = 0;
            foreach (double v in z) max = Math.Max(max, v);
            foreach (double v in z) sum += Math.Exp(v - max);
            for (int r = 0; r < o; r++)
            {
                double expected = activation switch
                {
                    DenseActivation.Relu => Math.Max(0, z[r]),
                    DenseActivation.Sigmoid => 1 / (1 + Math.Exp(-z[r])),
                    DenseActivation.Tanh => Math.Tanh(z[r]),
                    DenseActivation.Softmax => Math.Exp(z[r] - max) / sum,
                    _ => z[r],
                };
                Assert.True(Math.Abs(outputs[s * (o + 1) + r] - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"step {s} output {r}");
            }

            Assert.Equal(42f, outputs[s * (o + 1) + o]); // the row stride's gap is never written
        }
    }

    private static GruLayerDescription RandomGru<TShape>(Random random, bool biases) where TShape : IGruLayer
    {
        int i = TShape.InputSize, h = TShape.HiddenSize;
        double scale = 1 / Math.Sqrt(h) * 2;
        return new GruLayerDescription(i, h, TShape.LinearBeforeReset,
            RandomVector(random, 3 * h * i, scale), RandomVector(random, 3 * h * h, scale),
            biases ? RandomVector(random, 3 * h, scale) : null, biases ? RandomVector(random, 3 * h, scale) : null);
    }

    private static float[][] Chunks(GruLayerDescription g, GruWeightType type = GruWeightType.Float32) =>
        KernelLayout.Chunk(
            KernelLayout.Floats(KernelLayout.PackGru(g.InputSize, g.HiddenSize, g.LinearBeforeReset, g.WeightIh, g.WeightHh, g.BiasIh, g.BiasHh, type)),
            KernelLayout.GruBlocks(g.HiddenSize),
            KernelLayout.GruSectionBlockLengths(g.InputSize, g.HiddenSize, g.LinearBeforeReset, type));

    private static float[] RandomVector(Random random, int length, double scale)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)((random.NextDouble() * 2 - 1) * scale);
        return values;
    }
}
