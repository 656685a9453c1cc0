using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace GruTiny.Bench;

/// <summary>
/// What a JIT-compiled program's first seconds cost (<c>-- startup [seconds]</c>): in this process, from the
/// first call on, generated <c>Step</c> of 16 → 16 and 8 → 64 + 4 timed in back-to-back samples of about 1 ms
/// (the first call alone), and the median ns per step of the samples that ended in each window of time since
/// the first call. Tiered compilation first runs the kernels' code unoptimised (tier 0, or on-stack replacement
/// for methods with loops) and recompiles them optimised in the background once their calls stop being new;
/// how long that takes depends on the CPUs the process may use (one CPU: seconds), which is why
/// docs/deployment.md says how to avoid it. Run it in a fresh process each time, e.g. under <c>taskset -c 0</c>,
/// with <c>DOTNET_TieredCompilation=0</c>, or as a Native AOT program. Nothing before the first call has run
/// any model code.
/// </summary>
internal static class StartupRunner
{
    private static readonly double[] WindowEnds = [0.01, 0.1, 0.5, 1, 2, 3, 4, 6, 8];

    public static int Run(double seconds)
    {
        Console.WriteLine($"CPUs this process may use: {Environment.ProcessorCount}; TieredCompilation={Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") ?? "(default)"}; " +
                          $"Native AOT: {!RuntimeFeature.IsDynamicCodeSupported}; {seconds} s per shape");
        Curve<In16H16>("16→16", seconds);
        Curve<In8H64D4>("8→64+4", seconds);
        return 0;
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
        long origin = start;
        while (Stopwatch.GetElapsedTime(origin).TotalSeconds < seconds)
        {
            double ns = Sample(ref model, input, output, steps);
            samples.Add((Stopwatch.GetElapsedTime(origin).TotalSeconds, ns / steps));
            if (ns < 1e6) steps *= 2; // about 1 ms a sample once the code is fast; fewer steps while it is not
            else if (ns > 2e6 && steps > 1) steps /= 2;
        }

        Console.WriteLine($"{name}: first call {first / 1000:F1} µs; median ns per step of the samples ending in each window since it:");
        double from = 0;
        foreach (double to in WindowEnds)
        {
            if (from >= seconds) break;
            var window = samples.FindAll(s => s.End > from && s.End <= to).ConvertAll(s => s.NsPerStep);
            if (window.Count > 0)
            {
                window.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {from,4:0.##}–{to,-4:0.##} s: {window[window.Count / 2],9:F1} ns  (min {window[0]:F1}, max {window[^1]:F1}, {window.Count} samples)"));
            }

            from = to;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double Sample<T>(ref T model, float[] input, float[] output, int steps) where T : struct, IGruModel
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < steps; i++) model.Step(input, output);
        return Stopwatch.GetElapsedTime(start).TotalNanoseconds;
    }
}
