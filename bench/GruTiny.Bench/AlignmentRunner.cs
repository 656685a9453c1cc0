using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

namespace GruTiny.Bench;

/// <summary>
/// What the alignment of the weights is worth to generated <c>Step</c>, measured in one process, interleaved:
/// each round times every shape with its weights at offsets 0, 4 and 8 bytes from a 64-byte boundary (0: the
/// aligned copies of Kernels/AlignedWeights.cs; 4: where a string literal's floats lie; 8: the alignment the C#
/// compiler gives field data). The weights are moved by pointing each generated layer's <c>Aligned{i}</c> slot at
/// a copy made here, through reflection, so the model code is the one users get.
/// </summary>
/// <remarks><c>dotnet run -c Release --project bench/GruTiny.Bench -- alignment [rounds]</c>, once per vector width
/// (<c>DOTNET_PreferredVectorBitWidth=128</c> for the path ARM64 runs). Prints the median ns per step of each offset
/// and the median of the per-round ratios to offset 0.</remarks>
internal static unsafe class AlignmentRunner
{
    private static readonly int[] Offsets = [0, 4, 8];

    private delegate ReadOnlySpan<float> WeightsOf(int index);

    public static void Run(int rounds)
    {
        Console.WriteLine($"Vector256 accelerated: {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}, " +
                          $"PreferredVectorBitWidth: {Environment.GetEnvironmentVariable("DOTNET_PreferredVectorBitWidth") ?? "(default)"}, rounds: {rounds}");
        Console.WriteLine($"{"shape",-14} {"offset 0 ns",12} {"offset 4 ns",12} {"offset 8 ns",12} {"4 / 0",8} {"8 / 0",8}");
        Measure<In16H16>(rounds);
        Measure<In8H64D4>(rounds);
        Measure<In64H64>(rounds);
        Measure<In16H128D16>(rounds);
        Measure<In1H32x2D1>(rounds);
        Measure<In32H256x2D1>(rounds);
    }

    private static void Measure<T>(int rounds) where T : struct, IGruModel
    {
        T model = default;
        var input = new float[model.InputSize];
        var output = new float[model.OutputSize];
        for (int i = 0; i < input.Length; i++) input[i] = (float)Math.Sin(i);
        // Tier-1 code and the aligned copies: the runtime recompiles hot methods in the background some 100 ms
        // after their calls stop being new, so warm up for a time, not a count.
        var warm = Stopwatch.StartNew();
        while (warm.ElapsedMilliseconds < 1500) for (int i = 0; i < 1000; i++) model.Step(input, output);

        // Every weight slot of every layer, and a copy of its chunk at each offset.
        var slots = new List<(FieldInfo Slot, nint[] Copies)>();
        foreach (Type layer in typeof(T).GetNestedTypes(BindingFlags.NonPublic))
        {
            MethodInfo? weights = layer.GetMethod("Weights", BindingFlags.Public | BindingFlags.Static);
            if (weights is null) continue;
            var read = weights.CreateDelegate<WeightsOf>();
            for (int index = 0; ; index++)
            {
                ReadOnlySpan<float> chunk = read(index);
                FieldInfo? slot = layer.GetField("Aligned" + index, BindingFlags.NonPublic | BindingFlags.Static);
                if (chunk.IsEmpty || slot is null) break;
                var copies = new nint[Offsets.Length];
                for (int o = 0; o < Offsets.Length; o++)
                {
                    byte* block = (byte*)NativeMemory.AlignedAlloc((nuint)chunk.Length * sizeof(float) + 64, 64) + Offsets[o];
                    chunk.CopyTo(new Span<float>(block, chunk.Length));
                    copies[o] = (nint)block;
                }

                slots.Add((slot, copies));
            }
        }

        if (slots.Count == 0) throw new InvalidOperationException($"{typeof(T).Name}: no weight slots found.");
        long calibrate = Stopwatch.GetTimestamp();
        for (int i = 0; i < 1000; i++) model.Step(input, output);
        int steps = (int)Math.Max(100, 1000 * 5e6 / Stopwatch.GetElapsedTime(calibrate).TotalNanoseconds); // ~5 ms a sample
        var times = new double[Offsets.Length][];
        for (int o = 0; o < Offsets.Length; o++) times[o] = new double[rounds];
        for (int round = 0; round < rounds; round++)
        {
            for (int o = 0; o < Offsets.Length; o++)
            {
                foreach ((FieldInfo slot, nint[] copies) in slots) slot.SetValue(null, copies[o]);
                for (int i = 0; i < steps / 10; i++) model.Step(input, output); // bring this copy into the caches
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < steps; i++) model.Step(input, output);
                times[o][round] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / steps;
            }
        }

        double Median(IEnumerable<double> values)
        {
            double[] sorted = values.OrderBy(v => v).ToArray();
            return sorted[sorted.Length / 2];
        }

        double ratio4 = Median(Enumerable.Range(0, rounds).Select(r => times[1][r] / times[0][r]));
        double ratio8 = Median(Enumerable.Range(0, rounds).Select(r => times[2][r] / times[0][r]));
        Console.WriteLine($"{typeof(T).Name,-14} {Median(times[0]),12:F1} {Median(times[1]),12:F1} {Median(times[2]),12:F1} {ratio4,8:F3} {ratio8,8:F3}");
    }
}
