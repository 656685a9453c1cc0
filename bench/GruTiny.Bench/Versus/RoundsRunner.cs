using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace GruTiny.Bench;

/// <summary>
/// One shape, several live processes of several programs, asked in turn round by round over the workers' line
/// protocol: narrower questions than <see cref="VersusRunner"/>'s, which stays the measure of the targets.
/// <list type="bullet">
/// <item>Whether a speed belongs to a process or to the moment: <c>--matrix</c> prints every sample, a row per round
/// (bench/RESULTS.md, "an eighth session").</item>
/// <item>What one build gives against another, or against RTNeural, on one shape, every sample taken in the same
/// rounds: for each program after the first, the ratio of its processes' median to the first program's, round by
/// round (later / first).</item>
/// </list>
/// </summary>
/// <remarks>
/// <c>dotnet run -c Release --project bench/GruTiny.Bench -- rounds SHAPE [--width 256|128] [--processes P]
/// [--rounds N] [--matrix] NAME=PATH …</c>. A PATH is a GruTiny.Bench output folder (<c>bin/Release/net10.0</c> of
/// this build or a copy of an older one), whose worker runs with <c>DOTNET_PreferredVectorBitWidth</c> set to the
/// width, or an RTNeural baseline executable (<c>bench/rtneural/bin/baseline-avx2</c>, <c>baseline-sse42</c>). Every
/// program reads this build's check data and checks its outputs against the float64 reference before it answers.
/// Within a round the programs are asked in an order that rotates from round to round: process 1 of each, then
/// process 2 of each, and so on.
/// </remarks>
internal static class RoundsRunner
{
    private const string Usage = "rounds SHAPE [--width 256|128] [--processes P] [--rounds N] [--matrix] NAME=PATH …";

    public static int Run(string[] args)
    {
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
        string? shape = null;
        int width = 256, processes = 3, rounds = 31;
        bool matrix = false;
        var programs = new List<(string Name, string Path)>();
        for (int i = 1; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--width")
                width = i + 1 < args.Length && args[++i] is "256" or "128" ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : throw new ArgumentException("--width: 256 or 128");
            else if (a == "--processes")
                processes = i + 1 < args.Length && int.TryParse(args[++i], out int p) && p > 0 ? p : throw new ArgumentException("--processes P: a count of processes per program, 1 or more");
            else if (a == "--rounds")
                rounds = i + 1 < args.Length && int.TryParse(args[++i], out int r) && r > 1 ? r : throw new ArgumentException("--rounds N: 2 or more");
            else if (a == "--matrix") matrix = true;
            else if (a.StartsWith('-')) throw new ArgumentException($"unknown option \"{a}\" (expected: {Usage})");
            else if (a.IndexOf('=') == 0 || a.EndsWith('=')) throw new ArgumentException($"\"{a}\": each program is NAME=PATH, both given");
            else if (a.IndexOf('=') > 0) programs.Add((a[..a.IndexOf('=')], Path.GetFullPath(a[(a.IndexOf('=') + 1)..])));
            else if (shape is null) shape = a;
            else throw new ArgumentException($"unknown argument \"{a}\" (expected: {Usage})");
        }

        if (shape is null || programs.Count == 0) throw new ArgumentException($"a shape and at least one program are needed: {Usage}");
        if (!BenchShapes.All.Any(s => s.File == shape))
            throw new ArgumentException($"no shape \"{shape}\": one of {string.Join(", ", BenchShapes.All.Select(s => s.File))}");
        if (programs.Select(p => p.Name).Distinct().Count() != programs.Count) throw new ArgumentException("each program needs a name of its own (NAME=PATH)");

        string data = Path.Combine(AppContext.BaseDirectory, "versus-data");
        CheckData.WriteAll(data);
        var commands = programs.Select(p => Command(p.Name, p.Path, data, width)).ToList();

        var started = new List<TimedProgram>();
        try
        {
            for (int k = 0; k < programs.Count; k++)
            {
                (string file, string[] arguments, Dictionary<string, string>? environment) = commands[k];
                started.Add(TimedProgram.Start(programs[k].Name, processes, k, file, arguments, environment));
                if (environment is not null && started[k].AskAll("info") != $"Vector{width}")
                    throw new InvalidOperationException($"{programs[k].Name} took the {started[k].AskAll("info")} path, not Vector{width}.");
            }

            Time(started, shape, width, rounds, matrix);
            return 0;
        }
        finally
        {
            foreach (TimedProgram program in started) program.Dispose();
        }
    }

    /// <summary>How to start a program: a GruTiny.Bench output folder as a worker at the width, or an RTNeural build.</summary>
    private static (string File, string[] Arguments, Dictionary<string, string>? Environment) Command(string name, string path, string data, int width)
    {
        if (Directory.Exists(path))
        {
            (string file, string[] arguments, string launched) = VersusRunner.WorkerCommand(path, "worker", data);
            if (!File.Exists(launched))
                throw new FileNotFoundException($"{name}: {path} has no {Path.GetFileName(launched)} (a GruTiny.Bench output folder, bin/Release/net10.0, is expected).");
            return (file, arguments, new() { ["DOTNET_PreferredVectorBitWidth"] = width.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        if (!File.Exists(path) || (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) == 0))
            throw new FileNotFoundException($"{name}: {path} is neither a GruTiny.Bench output folder nor an RTNeural baseline executable.");
        if (Path.GetFileName(path).Contains("avx2", StringComparison.Ordinal) != (width == 256))
            Console.Error.WriteLine($"note: {name} ({Path.GetFileName(path)}) is timed beside GruTiny at {width} bits.");
        return (path, ["serve", data], null);
    }

    private static void Time(List<TimedProgram> programs, string shape, int width, int rounds, bool matrix)
    {
        string request = "time " + shape;
        int processes = programs[0].ProcessCount;
        foreach (TimedProgram program in programs)
            for (int i = 0; i < processes; i++) program[i].AskNumber(request); // a discarded warm-up sample each

        var samples = programs.ToDictionary(p => p, _ => Enumerable.Range(0, processes).Select(_ => new List<double>()).ToArray());
        var ratios = programs.Skip(1).ToDictionary(p => p, _ => new List<double>());
        int column = Math.Max(10, programs.Max(p => p[0].Name.Length) + 2);
        if (matrix)
            Console.WriteLine("round" + string.Concat(programs.SelectMany(p => Enumerable.Range(0, processes).Select(i => p[i].Name.PadLeft(column)))));
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < processes; i++)
                for (int k = 0; k < programs.Count; k++)
                {
                    TimedProgram program = programs[(k + round) % programs.Count];
                    samples[program][i].Add(program[i].AskNumber(request));
                }

            double first = VersusRunner.Median(samples[programs[0]].Select(s => s[round]));
            foreach (TimedProgram program in programs.Skip(1))
                ratios[program].Add(VersusRunner.Median(samples[program].Select(s => s[round])) / first);
            if (matrix)
                Console.WriteLine($"{round,5}" + string.Concat(programs.SelectMany(p => samples[p].Select(s => VersusRunner.Format(s[round]).PadLeft(column)))));
        }

        Console.WriteLine($"{shape}, width {width}, {processes} process{(processes == 1 ? "" : "es")} a program, {rounds} rounds; ns a step:");
        foreach (TimedProgram program in programs)
        {
            double[] all = samples[program].SelectMany(s => s).ToArray();
            Console.WriteLine($"  {program.Name,-16} median {VersusRunner.Format(VersusRunner.Median(all)),9}  (min {VersusRunner.Format(all.Min())}, max {VersusRunner.Format(all.Max())})");
        }

        foreach ((TimedProgram program, List<double> values) in ratios)
        {
            double[] r = values.ToArray();
            Console.WriteLine($"  {program.Name} / {programs[0].Name}, per round (median of each program's processes): " +
                              $"{VersusRunner.Median(r):F3} (Q1–Q3 {VersusRunner.Quantile(r, 0.25):F3}–{VersusRunner.Quantile(r, 0.75):F3})");
        }
    }
}
