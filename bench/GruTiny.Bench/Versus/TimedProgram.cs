using System;
using System.Collections.Generic;
using System.Linq;

namespace GruTiny.Bench;

/// <summary>
/// One program the runner times (a GruTiny worker at one vector width, or one RTNeural build) as several processes of
/// the same command, asked in turn (<see cref="ProcessOf"/>).
/// </summary>
/// <remarks>
/// Why several: on the Zen 3 core of the fifth session a process of either program runs a shape at one of two speeds
/// and keeps it (16 → 128 + 16 with <c>Vector256</c>: about 2,700–2,950 ns in some processes, 3,400–3,900 ns in
/// others, GruTiny's with tiering off too; RTNeural's AVX2 build 3,035–4,210 ns in one batch of processes), not
/// explained by the stack's or the weights' alignment (bench/RESULTS.md, "The same effect is per process"). With one
/// process per program, a ratio is one draw of that pair of modes however many rounds it has; with several, each
/// ratio's rounds spread over as many draws, and the per-process table shows the spread.
/// </remarks>
internal sealed class TimedProgram : IDisposable
{
    private readonly WorkerProcess[] _processes;
    private readonly int _stagger;

    private TimedProgram(string name, WorkerProcess[] processes, int stagger)
    {
        Name = name;
        _processes = processes;
        _stagger = stagger;
    }

    /// <summary>What the runner's tables call it ("GruTiny Vector256", "RTNeural AVX2", …).</summary>
    public string Name { get; }

    public int ProcessCount => _processes.Length;

    /// <summary>
    /// Starts <paramref name="processes"/> processes of the command, one after the other, each checked first;
    /// <paramref name="stagger"/> is the program's place among those timed together (<see cref="ProcessOf"/>).
    /// </summary>
    public static TimedProgram Start(string name, int processes, int stagger, string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(processes, 1);
        var started = new List<WorkerProcess>();
        try
        {
            for (int i = 0; i < processes; i++) started.Add(WorkerProcess.Start(processes == 1 ? name : $"{name} #{i + 1}", fileName, arguments, environment));
            return new TimedProgram(name, [.. started], stagger);
        }
        catch
        {
            DisposeAll(started);
            throw;
        }
    }

    /// <summary>
    /// Which process answers in <paramref name="round"/>. Rounds -P to -1 are the warm-up rounds, one for each process.
    /// From round 0, process (r + k ⌊r / P⌋) mod P for the program k-th among those timed together: within each run
    /// of P rounds every process answers once, and over P² rounds every process of one program meets every process
    /// of another in some round (the per-round ratios pair them), not only its namesake.
    /// </summary>
    public int ProcessOf(int round)
    {
        int p = _processes.Length;
        return round < 0 ? ((round % p) + p) % p : (round + _stagger * (round / p)) % p;
    }

    /// <summary>The <paramref name="index"/>-th process started.</summary>
    public WorkerProcess this[int index] => _processes[index];

    /// <summary>The process that answers in <paramref name="round"/> (<see cref="ProcessOf"/>).</summary>
    public WorkerProcess For(int round) => _processes[ProcessOf(round)];

    /// <summary>Asks every process and requires one answer (which vector path it took, say).</summary>
    public string AskAll(string request)
    {
        string[] answers = _processes.Select(p => p.Ask(request)).Distinct().ToArray();
        return answers.Length == 1 ? answers[0] : string.Join(" / ", answers);
    }

    /// <summary>Whether every process answers <paramref name="request"/> without an error (a build from before a verb).</summary>
    public bool Understands(string request) => _processes.All(p => p.TryAsk(request, out _));

    public void Dispose() => DisposeAll(_processes);

    // Every process gets its quit and, if need be, its kill, even if one of them throws.
    private static void DisposeAll(IEnumerable<WorkerProcess> processes)
    {
        foreach (WorkerProcess worker in processes)
        {
            try
            {
                worker.Dispose();
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or AggregateException)
            {
                Console.Error.WriteLine($"{worker.Name}: {e.Message}");
            }
        }
    }
}
