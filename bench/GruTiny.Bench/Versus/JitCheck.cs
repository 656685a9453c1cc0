using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using GruTiny.Model;

namespace GruTiny.Bench;

/// <summary>
/// <c>-- jit-check</c>: the kernels' machine code as the JIT compiles it without tiering (optimised from the first
/// call, as Native AOT compiles them too), for the benchmark shapes in each weight type at both vector widths, with
/// and without AVX-512, read with <c>DOTNET_JitDisasm</c> on x64. It fails on a call that is not one of the kernels'
/// deliberate out-of-line calls (a throw helper, <c>GruInChunks</c>) anywhere in a GRU kernel or the dense sums, on
/// a spill (an operand addressed from <c>rbp</c> or <c>rsp</c>) inside one of their loops, and when a kernel the
/// shapes run (<see cref="Expected"/>) has no listing.
/// </summary>
/// <remarks>
/// What the six shapes compile, and so what is read: <c>Step</c>'s and <c>Run</c>'s projection (four strips, four
/// steps, and two strips at 256 bits), the recurrence of <c>linear_before_reset = true</c> (two strips at 256 bits,
/// four at 128), the dense sums. The workers also run <see cref="JitCheckShapes"/>, which no benchmark times, for the
/// rest: the remainders of the projection and the recurrence (one strip at 256 bits, two at 128) and the kernels of
/// <c>linear_before_reset = false</c> (<c>Recur*Strip*Rz</c>, <c>Recur*Strip*N</c>). Kernels are expected by name: one
/// instantiation of a kernel that vanished while another remains would not be noticed. Reads of the gate functions' <c>StripSums</c> inside their loop go
/// through a computed address and are not counted: they are the kernel's own stack array, not a spill.
/// </remarks>
/// <remarks>
/// Both have happened with every test green: an exhausted inlining budget left <c>LoadW</c> or the gate functions as
/// calls, and a kernel with one local too many kept an accumulator on the stack, each costing 1.2–2× the time of a
/// step. Timings in CI mean nothing on a shared machine; the code the JIT writes does not depend on the machine's
/// load.
/// </remarks>
internal static class JitCheck
{
    // The kernels whose code is read (by method name): every method with a loop over weights. Not the drivers around
    // them (ProjectVector, RecurResetAfter, RecurResetBefore), which call these on purpose, once per group of strips.
    private const string Methods = "Recur*Strip* Project*Strip* ProjectFourSteps SumTwoBlocks*";

    // Calls the kernels make on purpose: throwing, and finding a block of a section of several chunks.
    private static readonly Regex AllowedCall = new(@"call\s+.*(Throw|GruInChunks|CORINFO_HELP_RNGCHKFAIL)", RegexOptions.CultureInvariant);
    private static readonly Regex Label = new(@"^(G_M\d+_IG\d+):", RegexOptions.CultureInvariant);
    private static readonly Regex Branch = new(@"^\s+j\w+\s+(?:SHORT\s+)?(G_M\d+_IG\d+)\s*$", RegexOptions.CultureInvariant);
    private static readonly Regex StackAccess = new(@"\[(rbp|rsp)[^\]]*\]", RegexOptions.CultureInvariant);

    // Kernels every run must have compiled (by the start of their name in the listing): one that vanishes (inlined,
    // renamed, no longer run) would otherwise pass unread.
    // The one-strip (256 bits) and two-strip (128 bits) remainders and linear_before_reset = false come from
    // JitCheckShapes; the two-strip projection at 256 bits from 16 → 16 as well.
    private static string[] Expected(string width) => width == "256"
        ? ["GruLayerKernel:ProjectFourStrips[", "GruLayerKernel:ProjectFourSteps[", "GruLayerKernel:RecurTwoStripsResetAfter[", "DenseLayerKernel:SumTwoBlocks256[",
           "GruLayerKernel:RecurOneStripResetAfter[", "GruLayerKernel:RecurTwoStripsRz[", "GruLayerKernel:RecurOneStripRz[", "GruLayerKernel:RecurTwoStripsN[",
           "GruLayerKernel:RecurOneStripN[", "GruLayerKernel:ProjectTwoStrips[", "GruLayerKernel:ProjectOneStrip["]
        : ["GruLayerKernel:ProjectFourStrips[", "GruLayerKernel:ProjectFourSteps[", "GruLayerKernel:RecurFourStripsResetAfter[", "DenseLayerKernel:SumTwoBlocks128[",
           "GruLayerKernel:RecurTwoStripsResetAfter[", "GruLayerKernel:RecurTwoStripsRz[", "GruLayerKernel:RecurTwoStripsN[", "GruLayerKernel:ProjectTwoStrips["];

    // A listing with one planted call and one planted spill in its loop: the check must find both, or it finds nothing.
    private static readonly string[] Planted =
    [
        "G_M000_IG03:",
        "       vbroadcastss ymm6, dword ptr [rdx+4*r11]",
        "       vfmadd231ps ymm0, ymm6, ymmword ptr [rax]",
        "       vmovaps  ymmword ptr [rbp-0x40], ymm0",
        "       lea      rcx, [rbp-0x50]",
        "       jl       SHORT G_M000_IG03",
        "       call     [GruTiny.Kernels.Simd.Simd256:MultiplyAdd(System.Runtime.Intrinsics.Vector256`1[float])]",
        "       call     [GruTiny.Kernels.WeightBlocks:GruInChunks[X](int,int):byref]",
        "       call     CORINFO_HELP_RNGCHKFAIL",
    ];

    public static int Run()
    {
        if (Problems(Planted).Count() != 2) throw new InvalidOperationException("jit-check does not find the call and the spill planted in its own sample.");
        string data = Path.Combine(AppContext.BaseDirectory, "versus-data");
        CheckData.WriteAll(data);
        int problems = 0, listings = 0;
        // With AVX-512 the JIT has 32 vector registers, without it (AVX2 edge boxes) 16: both are read.
        foreach (string avx512 in new[] { "1", "0" })
        foreach (GruWeightType weights in new[] { GruWeightType.Float32, GruWeightType.Int8, GruWeightType.Float16 })
        {
            foreach (string width in new[] { "256", "128" })
            {
                string file = Path.Combine(Path.GetTempPath(), $"gru-jit-check-{Environment.ProcessId}-{width}-{WeightQuantizer.Name(weights)}-{avx512}.txt");
                File.Delete(file);
                RunWorker(data, weights, new Dictionary<string, string>
                {
                    ["DOTNET_TieredCompilation"] = "0",
                    ["DOTNET_PreferredVectorBitWidth"] = width,
                    ["DOTNET_EnableAVX512F"] = avx512,
                    ["DOTNET_JitDisasm"] = Methods,
                    ["DOTNET_JitStdOutFile"] = file,
                    [JitCheckShapes.Variable] = "1",
                });
                if (!File.Exists(file)) throw new InvalidOperationException($"The worker wrote no listing ({file}): DOTNET_JitDisasm matched no kernel.");
                List<(string Method, string[] Lines)> compiled = Listings(File.ReadAllLines(file));
                File.Delete(file);
                listings += compiled.Count;
                foreach (string kernel in Expected(width).Where(k => !compiled.Any(c => c.Method.Contains(k, StringComparison.Ordinal))))
                {
                    problems++;
                    Console.Error.WriteLine($"jit-check: {width}-bit {WeightQuantizer.Name(weights)}: no listing of {kernel.TrimEnd('[')}: the check would not read it");
                }

                foreach ((string method, string[] lines) in compiled)
                {
                    foreach (string problem in Problems(lines))
                    {
                        problems++;
                        Console.Error.WriteLine($"jit-check: {width}-bit {WeightQuantizer.Name(weights)}{(avx512 == "0" ? " without AVX-512" : "")}: {method}: {problem}");
                    }
                }
            }
        }

        Console.WriteLine($"jit-check: {listings} listings of the GRU kernels and dense sums (float32, int8, float16; 256 and 128 bits; with and without AVX-512): " +
                          (problems == 0 ? "every expected kernel read; no stray call, no spill in a loop" : $"{problems} problems (above)"));
        return listings > 0 && problems == 0 ? 0 : 1;
    }

    private static void RunWorker(string data, GruWeightType weights, Dictionary<string, string> environment)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("The runner's own path is unknown.");
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(JitCheck).Assembly.Location);
        foreach (string argument in new[] { "worker", data, WeightQuantizer.Name(weights) }) start.ArgumentList.Add(argument);
        foreach ((string key, string value) in environment) start.Environment[key] = value;
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("The worker did not start.");
        string? first = process.StandardOutput.ReadLine();
        process.StandardInput.WriteLine("quit");
        process.StandardInput.Close();
        if (!process.WaitForExit(120_000)) process.Kill(entireProcessTree: true);
        if (first != "ready" || process.ExitCode != 0)
            throw new InvalidOperationException($"The worker ({WeightQuantizer.Name(weights)}) failed its check or did not start (\"{first}\", exit {process.ExitCode}).");
    }

    private static List<(string Method, string[] Lines)> Listings(string[] lines)
    {
        var result = new List<(string, string[])>();
        const string Header = "; Assembly listing for method ";
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith(Header, StringComparison.Ordinal)) continue;
            int end = i + 1;
            while (end < lines.Length && !lines[end].StartsWith(Header, StringComparison.Ordinal)) end++;
            result.Add((lines[i].Substring(Header.Length), lines[i..end]));
            i = end - 1;
        }

        return result;
    }

    /// <summary>Calls not allowed anywhere; stack accesses between a loop's label and its backward branch.</summary>
    internal static IEnumerable<string> Problems(string[] lines)
    {
        var labels = new Dictionary<string, int>();
        for (int i = 0; i < lines.Length; i++)
        {
            if (Label.Match(lines[i]) is { Success: true } label) labels[label.Groups[1].Value] = i;
            if (lines[i].TrimStart().StartsWith("call ", StringComparison.Ordinal) && !AllowedCall.IsMatch(lines[i]))
                yield return "a call: " + lines[i].Trim();
        }

        for (int i = 0; i < lines.Length; i++)
        {
            if (Branch.Match(lines[i]) is not { Success: true } branch || !labels.TryGetValue(branch.Groups[1].Value, out int top) || top > i) continue;
            for (int j = top; j < i; j++)
                if (!lines[j].TrimStart().StartsWith(';') && !lines[j].Contains("lea ", StringComparison.Ordinal) && StackAccess.IsMatch(lines[j]))
                    yield return $"a stack access in the loop at {branch.Groups[1].Value}: " + lines[j].Trim();
        }
    }
}
