using System;
using System.Collections.Generic;
using System.Linq;

namespace GruTiny.Bench;

/// <summary>
/// One program the runner times (a GruTiny worker at one vector width, or one RTNeural build) as several processes of
/// the same command, asked in turn: round r takes its sample from process r mod P.
/// </summary>
/// <remarks>
/// Why several: on the Zen 3 core of the fifth session a process of either program runs a shape at one of two speeds
/// and keeps it (16 → 128 + 16 with <c>Vector256</c>: about 2,700–2,950 ns in some processes, 3,400–3,900 ns in
/// others; RTNeural's AVX2 build 3,035–4,210 ns in one batch of processes), with tiering off too, and not explained by
/// the stack's or the weights' alignment (bench/RESULTS.md, "The same effect is per process"). With one process per
/// program, a ratio is one draw of that pair of modes however many rounds it has; with several, each ratio's rounds
/// spread over as many draws, and the per-process table shows the spread.
/// </remarks>
internal sealed class TimedProgram : IDisposable
{
    private readonly WorkerProcess[] _processes;

    private TimedProgram(string name, WorkerProcess[] processes)
    {
        Name = name;
        _processes = processes;
    }

    /// <summary>What the runner's tables call it ("GruTiny Vector256", "RTNeural AVX2", …).</summary>
    public string Name { get; }

    public int ProcessCount => _processes.Length;

    /// <summary>Starts <paramref name="processes"/> processes of the command, one after the other, each checked first.</summary>
    public static TimedProgram Start(string name, int processes, string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(processes, 1);
        var started = new List<WorkerProcess>();
        try
        {
            for (int i = 0; i < processes; i++) started.Add(WorkerProcess.Start(processes == 1 ? name : $"{name} #{i + 1}", fileName, arguments, environment));
            return new TimedProgram(name, [.. started]);
        }
        catch
        {
            foreach (WorkerProcess worker in started) worker.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The process that answers in <paramref name="round"/>: rounds -P to -1 are the warm-up rounds, one for each
    /// process; round r ≥ 0 is process r mod P, so that sample r of a list of kept samples came from process r mod P.
    /// </summary>
    public WorkerProcess For(int round) => _processes[((round % _processes.Length) + _processes.Length) % _processes.Length];

    /// <summary>Asks every process and requires one answer (which vector path it took, say).</summary>
    public string AskAll(string request)
    {
        string[] answers = _processes.Select(p => p.Ask(request)).Distinct().ToArray();
        return answers.Length == 1 ? answers[0] : string.Join(" / ", answers);
    }

    /// <summary>Whether every process answers <paramref name="request"/> without an error (a build from before a verb).</summary>
    public bool Understands(string request) => _processes.All(p => p.TryAsk(request, out _));

    public void Dispose()
    {
        foreach (WorkerProcess worker in _processes) worker.Dispose();
    }
}
