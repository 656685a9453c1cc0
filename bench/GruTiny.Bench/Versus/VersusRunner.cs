using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using GruTiny.Model;

namespace GruTiny.Bench;

/// <summary>
/// GruTiny against RTNeural, timed side by side: generated <c>Step</c> in worker processes at each vector width
/// (<see cref="TimingWorker"/> with <c>DOTNET_PreferredVectorBitWidth</c> 256 and 128) and the RTNeural baseline in
/// its AVX2 and 128-bit builds (bench/rtneural), all on the same model files and inputs, each checked against the
/// float64 reference first. Each program runs as several processes (<see cref="TimedProgram"/>: a process keeps one of
/// two speeds on some cores), and each round asks one process of each program (<see cref="TimedProgram.ProcessOf"/>)
/// for one sample of every shape, in an order that rotates from round to round, and the core's multiply-add peak of
/// each width; the table gives medians over the rounds and the median of the per-round ratios; a second table gives each GruTiny worker's <c>Run</c> per step against a
/// <c>Step</c> sample taken beside it (the guarantee that <c>Run</c> costs no more per step). This is the measure of
/// the performance targets; BenchmarkDotNet
/// (<see cref="GruBenchmarks{T}"/>) stays for allocation and absolute figures.
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/GruTiny.Bench -- versus [rounds] [--processes P] [--baseline DIR]
/// [--compare DIR]</c> (after <c>bash bench/rtneural/build.sh</c>; 31 rounds and 3 processes unless told);
/// <c>-- check-baseline</c> only runs every program's check, in one process each.
/// </remarks>
internal static class VersusRunner
{
    private sealed record Pair(string Width, TimedProgram GruTiny, TimedProgram RTNeural, TimedProgram? Earlier = null);

    public static int Run(string[] args)
    {
        System.Globalization.CultureInfo.DefaultThreadCurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
        bool checkOnly = args[0] == "check-baseline";
        int rounds = 31, processes = 3;
        string? baseline = null, earlier = null;
        GruWeightType weights = GruWeightType.Float32;
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == "--baseline" && i + 1 < args.Length) baseline = args[++i];
            else if (args[i] == "--compare" && i + 1 < args.Length) earlier = Path.GetFullPath(args[++i]);
            else if (args[i] == "--processes")
                processes = i + 1 < args.Length && int.TryParse(args[++i], out int p) && p > 0 ? p : throw new ArgumentException("--processes P: a count of processes per program, 1 or more");
            else if (args[i] == "--weights" && i + 1 < args.Length) weights = WeightQuantizer.Parse(args[++i]) ?? throw new ArgumentException($"--weights {args[i]}: float32, float16 or int8");
            else if (int.TryParse(args[i], out int r) && r > 0) rounds = r;
            else throw new ArgumentException($"unknown argument \"{args[i]}\" (expected: [rounds] [--processes P] [--baseline DIR] [--compare DIR] [--weights int8|float16])");
        }

        if (!checkOnly && rounds < processes)
            throw new ArgumentException($"{rounds} rounds for {processes} processes a program: every process needs a round (ask for at least {processes}).");
        if (earlier is not null && weights != GruWeightType.Float32)
            throw new ArgumentException("--weights compares the quantised models with this build's float32 ones; it does not combine with --compare.");

        baseline ??= Path.Combine(RepositoryRoot(), "bench", "rtneural", "bin");
        if (!Avx2.IsSupported || !Fma.IsSupported)
            throw new PlatformNotSupportedException("The runner compares x64 builds with AVX2 and FMA; this machine has neither (ARM64 timings under emulation mean nothing).");
        foreach (string build in new[] { "baseline-avx2", "baseline-sse42" })
            if (!File.Exists(Path.Combine(baseline, build)))
                throw new FileNotFoundException($"{Path.Combine(baseline, build)} is missing: build the RTNeural baseline first (bash bench/rtneural/build.sh).");

        string data = Path.Combine(AppContext.BaseDirectory, "versus-data");
        CheckData.WriteAll(data);

        if (checkOnly) processes = 1; // the check runs in every process started: once is enough
        var programs = new List<TimedProgram>();
        try
        {
            TimedProgram Start(string name, string file, string[] arguments, Dictionary<string, string>? environment = null)
            {
                var program = TimedProgram.Start(name, processes, programs.Count, file, arguments, environment);
                programs.Add(program);
                return program;
            }

            string typeName = WeightQuantizer.Name(weights);
            (string self, string[] selfArgs, _) = WorkerCommand(AppContext.BaseDirectory, "worker", data, typeName);
            string suffix = weights == GruWeightType.Float32 ? "" : " " + typeName;
            var gru256 = Start("GruTiny Vector256" + suffix, self, selfArgs, new() { ["DOTNET_PreferredVectorBitWidth"] = "256" });
            var gru128 = Start("GruTiny Vector128" + suffix, self, selfArgs, new() { ["DOTNET_PreferredVectorBitWidth"] = "128" });
            var rt256 = Start("RTNeural AVX2", Path.Combine(baseline, "baseline-avx2"), ["serve", data]);
            var rt128 = Start("RTNeural SSE4.2 (no FMA)", Path.Combine(baseline, "baseline-sse42"), ["serve", data]);
            TimedProgram? old256 = null, old128 = null;
            if (earlier is not null)
            {
                // Another build of this program (a copy of its output folder from before a change), timed in the same
                // rounds, so that what a change gives is measured against noise that both builds share.
                (string otherFile, string[] otherArgs, _) = WorkerCommand(earlier, "worker", data);
                old256 = Start("earlier GruTiny Vector256", otherFile, otherArgs, new() { ["DOTNET_PreferredVectorBitWidth"] = "256" });
                old128 = Start("earlier GruTiny Vector128", otherFile, otherArgs, new() { ["DOTNET_PreferredVectorBitWidth"] = "128" });
            }
            else if (weights != GruWeightType.Float32)
            {
                // The float32 models of this build, timed in the same rounds: the "earlier" column is then quantised / float32.
                (string file32, string[] args32, _) = WorkerCommand(AppContext.BaseDirectory, "worker", data, "float32");
                old256 = Start("GruTiny Vector256 float32", file32, args32, new() { ["DOTNET_PreferredVectorBitWidth"] = "256" });
                old128 = Start("GruTiny Vector128 float32", file32, args32, new() { ["DOTNET_PreferredVectorBitWidth"] = "128" });
            }

            var pairs = new List<Pair> { new("256-bit", gru256, rt256, old256), new("128-bit", gru128, rt128, old128) };
            if (gru256.AskAll("info") != "Vector256" || gru128.AskAll("info") != "Vector128")
                throw new InvalidOperationException($"The GruTiny workers took the {gru256.AskAll("info")} and {gru128.AskAll("info")} paths, not Vector256 and Vector128.");
            Console.WriteLine("Every program agrees with GruTiny's float64 reference within 1e-5 (lines above).");
            if (checkOnly) return 0;

            Time(pairs, programs, rounds);
            return 0;
        }
        finally
        {
            foreach (TimedProgram program in programs) program.Dispose();
        }
    }

    private static void Time(List<Pair> pairs, List<TimedProgram> programs, int rounds)
    {
        var shapes = BenchShapes.All;
        int processes = programs[0].ProcessCount;
        var ns = programs.ToDictionary(w => w, _ => shapes.Select(_ => new List<double>()).ToArray());
        var peak = new Dictionary<TimedProgram, List<double>> { [pairs[0].GruTiny] = [], [pairs[1].GruTiny] = [] };
        var floor = peak.Keys.ToDictionary(w => w, _ => shapes.Select(_ => new List<double>()).ToArray());
        // Run per step: this build's workers and, when timed too, the earlier build's (a build from before the run
        // verb answers it with an error, and the column is left out).
        var runners = pairs.SelectMany(p => p.Earlier is null || p.Earlier.Name.EndsWith("float32", StringComparison.Ordinal)
            || !p.Earlier.Understands("run " + shapes[0].File) ? [p.GruTiny] : new[] { p.GruTiny, p.Earlier }).ToList();
        var run = runners.ToDictionary(w => w, _ => shapes.Select(_ => new List<double>()).ToArray());
        var stepBesideRun = runners.ToDictionary(w => w, _ => shapes.Select(_ => new List<double>()).ToArray());
        Console.WriteLine($"{rounds} rounds (and {processes} discarded warm-up rounds, one for each process) of {shapes.Length} shapes × {programs.Count} programs " +
                          $"of {processes} process{(processes == 1 ? "" : "es")} each, in turn, ≥ 10 ms a sample…");
        var clock = Stopwatch.StartNew();
        for (int round = -processes; round < rounds; round++)
        {
            for (int s = 0; s < shapes.Length; s++)
                for (int w = 0; w < programs.Count; w++)
                {
                    TimedProgram program = programs[(w + s + Math.Max(round, 0)) % programs.Count];
                    double sample = program.For(round).AskNumber("time " + shapes[s].File);
                    if (round >= 0) ns[program][s].Add(sample);
                }

            foreach ((TimedProgram program, List<double> values) in peak)
            {
                WorkerProcess worker = program.For(round);
                double gmacs = worker.AskNumber("peak");
                if (round >= 0) values.Add(gmacs);
                for (int s = 0; s < shapes.Length; s++)
                {
                    double pass = worker.AskNumber("floor " + shapes[s].File);
                    if (round >= 0) floor[program][s].Add(pass);
                }
            }

            for (int s = 0; s < shapes.Length; s++)
                for (int w = 0; w < runners.Count; w++)
                {
                    // Step and Run back to back, in turn first, so that the ratio compares samples taken under the same
                    // conditions (this machine's speed drifts by more than the difference between them).
                    TimedProgram program = runners[(w + s + Math.Max(round, 0)) % runners.Count];
                    WorkerProcess worker = program.For(round);
                    bool runFirst = (round & 1) == 1;
                    double first = worker.AskNumber((runFirst ? "run " : "time ") + shapes[s].File);
                    double second = worker.AskNumber((runFirst ? "time " : "run ") + shapes[s].File);
                    if (round < 0) continue;
                    run[program][s].Add(runFirst ? first : second);
                    stepBesideRun[program][s].Add(runFirst ? second : first);
                }
        }

        Console.WriteLine($"({clock.Elapsed.TotalSeconds:F0} s)");
        Console.WriteLine();
        Console.WriteLine($"Machine: {CpuName()}, {Environment.ProcessorCount} logical cores; {RuntimeInformation.OSDescription}; .NET {Environment.Version}; " +
                          $"{rounds} rounds. FMA peak (12 independent chains, median): Vector256 {Median(peak[pairs[0].GruTiny]):F1} GMAC/s, Vector128 {Median(peak[pairs[1].GruTiny]):F1} GMAC/s.");
        Console.WriteLine();
        var header = new List<string> { "shape", "MAC/step" };
        foreach (Pair p in pairs)
        {
            header.AddRange([$"{p.GruTiny.Name} ns", $"{p.RTNeural.Name} ns", $"ratio {p.Width} (Q1–Q3)", $"% of {Peak(p, peak).Name} peak",
                $"weights-only floor {Peak(p, peak).Name} ns", "RTNeural / floor"]);
            if (p.Earlier is not null) header.Add(p.Earlier.Name.EndsWith("float32", StringComparison.Ordinal) ? $"{p.GruTiny.Name[(p.GruTiny.Name.LastIndexOf(' ') + 1)..]} / float32 {p.Width}" : $"this / earlier build {p.Width}");
        }

        Console.WriteLine("| " + string.Join(" | ", header) + " |");
        Console.WriteLine("| --- |" + string.Concat(Enumerable.Repeat(" ---: |", header.Count - 1)));
        for (int s = 0; s < shapes.Length; s++)
        {
            long macs = MultiplyAdds(shapes[s].File);
            var cells = new List<string> { shapes[s].Label, macs.ToString("N0") };
            foreach (Pair p in pairs)
            {
                List<double> ours = ns[p.GruTiny][s], theirs = ns[p.RTNeural][s];
                double[] ratios = ours.Zip(theirs, (a, b) => a / b).ToArray();
                double gmacs = macs / Median(ours);
                cells.AddRange([Format(Median(ours)), Format(Median(theirs)),
                    $"**{Median(ratios):F2}** ({Quantile(ratios, 0.25):F2}–{Quantile(ratios, 0.75):F2})", $"{100 * gmacs / Median(Peak(p, peak).Values):F0}%"]);
                List<double> floors = floor[p.GruTiny][s];
                cells.AddRange([Format(Median(floors)), $"{Median(theirs.Zip(floors, (a, b) => a / b)):F2}"]);
                if (p.Earlier is not null)
                {
                    double[] change = ours.Zip(ns[p.Earlier][s], (a, b) => a / b).ToArray();
                    cells.Add($"{Median(change):F2} ({Quantile(change, 0.25):F2}–{Quantile(change, 0.75):F2})");
                }
            }

            Console.WriteLine("| " + string.Join(" | ", cells) + " |");
        }

        PrintRunAgainstStep(pairs, shapes, stepBesideRun, run);
        if (processes > 1) PrintPerProcess(programs, shapes, ns);
    }

    /// <summary>
    /// Each process's median <c>Step</c> (or RTNeural step) time, in process order: how far the processes of one
    /// program differ (<see cref="TimedProgram"/> says why there are several).
    /// </summary>
    private static void PrintPerProcess(List<TimedProgram> programs, (string Label, string File, Type Type)[] shapes, Dictionary<TimedProgram, List<double>[]> ns)
    {
        Console.WriteLine();
        Console.WriteLine("Median ns of each process (#1 / #2 / …), from the rounds it answered:");
        Console.WriteLine();
        Console.WriteLine("| program | " + string.Join(" | ", shapes.Select(s => s.Label)) + " |");
        Console.WriteLine("| --- |" + string.Concat(Enumerable.Repeat(" ---: |", shapes.Length)));
        foreach (TimedProgram program in programs)
        {
            var cells = shapes.Select((_, s) => string.Join(" / ", Enumerable.Range(0, program.ProcessCount)
                .Select(p => Format(Median(ns[program][s].Where((_, r) => program.ProcessOf(r) == p))))));
            Console.WriteLine($"| {program.Name} | " + string.Join(" | ", cells) + " |");
        }
    }

    /// <summary>
    /// The guarantee that <c>Run</c> costs no more per step than <c>Step</c>: each round's <c>Run</c> per step (over
    /// the 48 check steps) against a <c>Step</c> sample taken just before or after it, in the same process.
    /// </summary>
    private static void PrintRunAgainstStep(List<Pair> pairs, (string Label, string File, Type Type)[] shapes, Dictionary<TimedProgram, List<double>[]> step, Dictionary<TimedProgram, List<double>[]> run)
    {
        Console.WriteLine();
        Console.WriteLine("Run per step (48 steps a call) against Step, this build, each Run sample beside a Step sample:");
        Console.WriteLine();
        var header = new List<string> { "shape" };
        foreach (Pair p in pairs)
        {
            header.AddRange([$"{p.GruTiny.Name} Step ns", "Run ns per step", $"Run / Step {p.Width} (Q1–Q3)"]);
            if (p.Earlier is not null && run.ContainsKey(p.Earlier)) header.Add($"Run this / earlier build {p.Width}");
        }

        Console.WriteLine("| " + string.Join(" | ", header) + " |");
        Console.WriteLine("| --- |" + string.Concat(Enumerable.Repeat(" ---: |", header.Count - 1)));
        for (int s = 0; s < shapes.Length; s++)
        {
            var cells = new List<string> { shapes[s].Label };
            foreach (Pair p in pairs)
            {
                List<double> steps = step[p.GruTiny][s], runs = run[p.GruTiny][s];
                double[] ratios = runs.Zip(steps, (a, b) => a / b).ToArray();
                cells.AddRange([Format(Median(steps)), Format(Median(runs)), $"**{Median(ratios):F2}** ({Quantile(ratios, 0.25):F2}–{Quantile(ratios, 0.75):F2})"]);
                if (p.Earlier is not null && run.TryGetValue(p.Earlier, out List<double>[]? earlier))
                {
                    double[] change = runs.Zip(earlier[s], (a, b) => a / b).ToArray();
                    cells.Add($"{Median(change):F2} ({Quantile(change, 0.25):F2}–{Quantile(change, 0.75):F2})");
                }
            }

            Console.WriteLine("| " + string.Join(" | ", cells) + " |");
        }
    }

    private static (string Name, List<double> Values) Peak(Pair pair, Dictionary<TimedProgram, List<double>> peak) =>
        (pair.GruTiny.Name.Replace("GruTiny ", "", StringComparison.Ordinal), peak[pair.GruTiny]);

    private static long MultiplyAdds(string file)
    {
        ModelDescription model = ModelDescriptionReader.TryRead(BenchShapes.Json(file), long.MaxValue, out _)!;
        return model.Layers.Sum(l => l is GruLayerDescription g ? 3L * g.HiddenSize * (g.InputSize + g.HiddenSize) : (long)l.InputSize * l.OutputSize);
    }

    internal static string Format(double ns) => ns >= 100 ? ns.ToString("N0") : ns.ToString("F1");

    internal static double Median(IEnumerable<double> values) => Quantile(values.ToArray(), 0.5);

    /// <summary>Inclusive quantile: linear interpolation between the sorted values.</summary>
    internal static double Quantile(double[] values, double q)
    {
        double[] sorted = values.OrderBy(v => v).ToArray();
        double at = q * (sorted.Length - 1);
        int low = (int)Math.Floor(at);
        return low + 1 < sorted.Length ? sorted[low] + (at - low) * (sorted[low + 1] - sorted[low]) : sorted[low];
    }

    /// <summary>
    /// A build of this program from its output folder (this one's, <see cref="AppContext.BaseDirectory"/>, or a copy of
    /// an older <c>bin/Release/net10.0</c>): through its apphost when this process runs through its own, else through
    /// <c>dotnet</c>. <c>Program</c> is the folder's file that runs (the apphost or <c>GruTiny.Bench.dll</c>).
    /// </summary>
    internal static (string File, string[] Arguments, string Program) WorkerCommand(string folder, params string[] arguments)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("The runner's own path is unknown.");
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            string dll = Path.Combine(folder, "GruTiny.Bench.dll");
            return (self, [dll, .. arguments], dll);
        }

        string apphost = Path.Combine(folder, Path.GetFileName(self));
        return (apphost, arguments, apphost);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GruTiny.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No GruTiny.sln above {AppContext.BaseDirectory}: pass --baseline DIR.");
    }

    private static string CpuName()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
