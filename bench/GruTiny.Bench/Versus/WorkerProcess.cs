using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace GruTiny.Bench;

/// <summary>
/// One process of a program the interleaved runner times (<see cref="TimedProgram"/>), started once and asked for one
/// sample at a time over its standard input and output (the line protocol of <see cref="TimingWorker"/> and
/// bench/rtneural/baseline.cpp). A worker waits on its input between requests, so only one process runs at a time.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;

    private WorkerProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>What the runner's tables call it ("GruTiny Vector256", "RTNeural AVX2", …).</summary>
    public string Name { get; }

    /// <summary>Starts the program, lets it check its outputs against the float64 reference and waits for "ready".</summary>
    public static WorkerProcess Start(string name, string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false, // its check lines go straight to the runner's console
            UseShellExecute = false,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        if (environment is not null)
            foreach ((string key, string value) in environment) start.Environment[key] = value;
        Process process = Process.Start(start) ?? throw new InvalidOperationException($"{name}: {fileName} did not start.");
        string? first = process.StandardOutput.ReadLine();
        if (first != "ready")
        {
            // A program that failed its check has exited; one that printed something else (an older build without
            // the worker mode, say) may be waiting on its input: close that and stop it.
            process.StandardInput.Close();
            if (!process.WaitForExit(10_000)) process.Kill(entireProcessTree: true);
            process.WaitForExit();
            string said = first is null ? "" : $", after printing \"{first}\" instead of \"ready\"";
            throw new InvalidOperationException($"{name} did not start timing ({fileName} exited with {process.ExitCode}{said}; its check against GruTiny's float64 reference is printed above).");
        }

        return new WorkerProcess(name, process);
    }

    public string Ask(string request) =>
        TryAsk(request, out string answer) ? answer : throw new InvalidOperationException($"{Name}: {answer}");

    /// <summary>Asks, and returns false with the answer when the program answered with an error.</summary>
    public bool TryAsk(string request, out string answer)
    {
        _process.StandardInput.WriteLine(request);
        _process.StandardInput.Flush();
        answer = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"{Name} exited while answering \"{request}\".");
        return !answer.StartsWith("error", StringComparison.Ordinal);
    }

    public double AskNumber(string request)
    {
        string answer = Ask(request);
        return double.TryParse(answer, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new InvalidOperationException($"{Name} answered \"{request}\" with \"{answer}\", not a number.");
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.WriteLine("quit");
            _process.StandardInput.Close();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // Already gone (a broken pipe): nothing to ask it.
        }

        if (!_process.HasExited && !_process.WaitForExit(5000)) _process.Kill(entireProcessTree: true);

        _process.Dispose();
    }
}
