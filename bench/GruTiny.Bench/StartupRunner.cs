using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace GruTiny.Bench;

/// <summary>
/// What a JIT-compiled program's first seconds cost (<c>-- startup [shape] [seconds]</c>): in this process, which
/// has run no model code before, generated <c>Step</c> of one shape (16 → 16 or 8 → 64 + 4) timed from its first
/// call on, the first call alone (compilation, and the aligned copy of the weights that any program makes on first
/// use), then back-to-back samples of 1–2 ms; printed: the median ns per step of the samples that ended in each
/// window of time since the first call returned. Under tiered compilation the generated methods and the library's
/// drivers start unoptimised (tier 0) and are recompiled optimised in the background once their calls stop being
/// new, which takes ten times longer when the process may use one CPU; the kernels' loops are optimised from their
/// first call (<c>src/GruTiny/Kernels/KernelRoot.cs</c>). One shape per process, so that each starts cold: run it
/// under the conditions to compare (<c>taskset -c 0</c>, <c>DOTNET_TieredCompilation=0</c>). docs/deployment.md
/// has the figures.
/// </summary>
internal static class StartupRunner
{
    private static readonly double[] WindowEnds = [0.1, 0.5, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32];

    public static int Run(string[] args)
    {
        string shape = args.Length > 1 ? args[1] : "in16_h16x1";
        double seconds = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 6;
        object? tiered = AppContext.GetData("System.Runtime.TieredCompilation");
        string tiering = Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") ?? Environment.GetEnvironmentVariable("COMPlus_TieredCompilation")
                         ?? (tiered is null ? "(default)" : tiered.ToString()!);
        Console.WriteLine($"CPUs this process may use: {Environment.ProcessorCount}; tiered compilation: {tiering}; Native AOT: {!RuntimeFeature.IsDynamicCodeSupported}; {seconds} s");
        switch (shape)
        {
            case "in16_h16x1": Curve<In16H16>("16→16", seconds); return 0;
            case "in8_h64x1_d4": Curve<In8H64D4>("8→64+4", seconds); return 0;
            default: Console.Error.WriteLine($"startup: unknown shape \"{shape}\" (in16_h16x1 or in8_h64x1_d4)"); return 2;
        }
    }

    private static void Curve<T>(string name, double seconds) where T : struct, IGruModel
    {
        T model = default;
        var input = new float[model.InputSize];
        var output = new float[model.OutputSize];
        for (int i = 0; i < input.Length; i++) input[i] = 0.1f * (i % 7) - 0.3f;

        long start = Stopwatch.GetTimestamp();
        model.Step(input, output);
        double first = Stopwatch.GetElapsedTime(start).TotalNanoseconds;

        var samples = new List<(double End, double NsPerStep)>();
        int steps = 16;
        long origin = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(origin).TotalSeconds < seconds)
        {
            double ns = Sample(ref model, input, output, steps);
            samples.Add((Stopwatch.GetElapsedTime(origin).TotalSeconds, ns / steps));
            if (ns < 1e6) steps *= 2; // 1–2 ms a sample, whether the code is slow or fast
            else if (ns > 2e6 && steps > 1) steps /= 2;
        }

        Console.WriteLine($"{name}: first call {first / 1e6:F1} ms; median ns per step of the samples ending in each window after it returned:");
        double from = 0;
        foreach (double end in WindowEnds)
        {
            // The last window reaches the end of the run, however long (samples after 32 s were dropped before).
            double to = end >= seconds || end == WindowEnds[^1] ? seconds : end;
            var window = samples.FindAll(s => s.End > from && (s.End <= to || to == seconds)).ConvertAll(s => s.NsPerStep);
            if (window.Count > 0)
            {
                window.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {from,4:0.##}–{to,-4:0.##} s: {window[window.Count / 2],9:F1} ns  (min {window[0]:F1}, max {window[^1]:F1}, {window.Count} samples)"));
            }

            from = to;
            if (to >= seconds) break;
        }
    }

    // Optimised from the start, so that the samples time the model's code and not this loop at tier 0. Step is not
    // inlined into it (its listing, DOTNET_JitDisasm, calls Step), so Step starts at tier 0 as in a user's program.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static double Sample<T>(ref T model, float[] input, float[] output, int steps) where T : struct, IGruModel
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < steps; i++) model.Step(input, output);
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds;
    }
}
