using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.Intrinsics.X86;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using GruTiny.Model;

namespace GruTiny.Bench;

/// <summary>
/// <c>-- jit-check [--arm64 DOTNET]</c>: the kernels' machine code as the JIT compiles it without tiering (optimised
/// from the first call, as Native AOT compiles them too), for the benchmark shapes in each weight type, read with
/// <c>DOTNET_JitDisasm</c>: on x64 at both vector widths, with and without AVX-512, and with <c>--arm64</c> on ARM64
/// (128 bits, its only accelerated width) in a worker run by an ARM64 dotnet host (tools/arm64/emulated.sh's
/// <c>dotnet-qemu</c>: the ARM64 JIT itself, specialising for the CPU features the emulator reports, which include a
/// board's NEON; load and speed do not change the code it writes). It fails on a call that is not
/// one of the kernels' deliberate out-of-line calls (a throw helper, <c>GruInChunks</c>) anywhere in a GRU kernel or
/// the dense sums, on a spill (an operand addressed from <c>rbp</c> or <c>rsp</c>, on ARM64 <c>fp</c> or <c>sp</c>)
/// inside one of their loops, and when a kernel the shapes run (<see cref="Expected"/>) has no listing. One exception:
/// x64 without AVX-512 has 16 vector registers, too few for the gate functions' 15 constants and their temporaries,
/// so there the gate functions' loop (the one loop that divides: tanh's P / Q) may reload a value computed before it
/// (a slot it never writes; counted and printed), never one it carries; loops over weights may not. Whether the JIT
/// used EVEX (32 registers) is read from each listing's header, so a switch that stops working is noticed.
/// ARM64's listings do not name what a call calls (<c>blr</c> through a register), so there a call inside a loop
/// fails, and a kernel may make as many calls as its x64 listing at 128 bits makes deliberate ones, no more.
/// </summary>
/// <remarks>
/// What the six shapes compile, and so what is read: <c>Step</c>'s and <c>Run</c>'s projection (four strips, a group
/// of steps, and two strips at 256 bits), the recurrence of <c>linear_before_reset = true</c> (two strips at 256 bits,
/// four at 128), the dense sums. The workers also run <see cref="JitCheckShapes"/>, which no benchmark times, for the
/// rest: the remainders of the projection and the recurrence (one strip at 256 bits, two at 128) and the kernels of
/// <c>linear_before_reset = false</c> (<c>Recur*Strip*Rz</c>, <c>Recur*Strip*N</c>). Kernels are expected by name: one
/// instantiation of a kernel that vanished while another remains would not be noticed. Where the gate functions follow
/// each group's loop (at 128 bits, and at 256 with AVX-512), reads of their <c>StripSums</c> inside their loop go through a
/// computed address and are not counted: they are the kernel's own stack array, not a spill. At 256 bits without AVX-512
/// they run per chunk of strips in <c>CombineChunkResetAfter</c>, a loop over strips that is read too.
/// </remarks>
/// <remarks>
/// Both have happened with every test green: an exhausted inlining budget left <c>LoadW</c> or the gate functions as
/// calls, and a kernel with one local too many kept an accumulator on the stack, each costing 1.2–2× the time of a
/// step. Timings in CI mean nothing on a shared machine; the code the JIT writes does not depend on the machine's
/// load.
/// </remarks>
internal static class JitCheck
{
    // The kernels whose code is read (by method name): every method with a loop over weights, and the gate functions'
    // loop over a chunk of strips (CombineChunkResetAfter). Not the drivers around them (ProjectVector, RecurResetAfter, RecurResetBefore, StepResetAfterVector), which call these on purpose, once per group of strips.
    private const string Methods = "Recur*Strip* Project*Strip* ProjectSteps SumTwoBlocks* CombineChunk*";

    private static readonly Regex Label = new(@"^(G_M\d+_IG\d+):", RegexOptions.CultureInvariant);

    /// <summary>How one instruction set's listings write a call, a branch to a label and an operand on the stack.</summary>
    private sealed record Syntax(Regex Call, Regex Branch, Regex StackAccess, Regex StackWrite, string? AddressOnly);

    private static readonly Syntax X64 = new(
        new(@"^\s+call\s", RegexOptions.CultureInvariant),
        new(@"^\s+j\w+\s+(?:SHORT\s+)?(G_M\d+_IG\d+)\s*$", RegexOptions.CultureInvariant),
        new(@"\[(rbp|rsp)[^\]]*\]", RegexOptions.CultureInvariant),
        new(@"^\s+\w+\s+(?:\w+ ptr\s+)?\[(rbp|rsp)", RegexOptions.CultureInvariant), // the destination is the stack slot
        "lea ");

    // ARM64 calls are `blr` through a register loaded from the call's indirection cell, and the listing does not name
    // the target, so a call is told apart by counting (ArmProblems). Branches: b, b.cond or bcond (not bl, a call),
    // cbz / cbnz, tbz / tbnz. An address taken from fp or sp (add x0, fp, #16) has no brackets and is not an access.
    private static readonly Syntax Arm64 = new(
        new(@"^\s+(bl|blr)\s", RegexOptions.CultureInvariant),
        new(@"^\s+(?:b(?:\.?(?:eq|ne|cs|hs|cc|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al))?|cbn?z\s+\w+,|tbn?z\s+\w+,\s*#\w+,)\s+(G_M\d+_IG\d+)\s*$", RegexOptions.CultureInvariant),
        new(@"\[(fp|sp)\b[^\]]*\]", RegexOptions.CultureInvariant),
        new(@"^\s+st\w*\s", RegexOptions.CultureInvariant), // str, stp, stur
        null);

    // Calls the kernels make on purpose (x64, where the listing names them): throwing, and finding a block of a section
    // of several chunks.
    private static readonly Regex AllowedCall = new(@"call\s+.*(Throw|GruInChunks|CORINFO_HELP_RNGCHKFAIL)", RegexOptions.CultureInvariant);

    // Kernels every run must have compiled (by the start of their name in the listing): one that vanishes (inlined,
    // renamed, no longer run) would otherwise pass unread.
    // The one-strip (256 bits) and two-strip (128 bits) remainders and linear_before_reset = false come from
    // JitCheckShapes; the two-strip projection at 256 bits from 16 → 16 as well.
    // CombineChunkResetAfter, the gate functions of a chunk of strips, runs where the 256-bit kernels take them per
    // chunk: x64 without AVX-512 (GruLayerKernel.GatesPerChunk), so in 16-register listings at 256 bits only.
    private static string[] Expected(string width, bool sixteenRegisters) => width == "256"
        ? ["GruLayerKernel:ProjectFourStrips[", "GruLayerKernel:ProjectSteps[", "GruLayerKernel:RecurTwoStripsResetAfter[", "DenseLayerKernel:SumTwoBlocks256[",
           "GruLayerKernel:RecurOneStripResetAfter[", "GruLayerKernel:RecurTwoStripsRz[", "GruLayerKernel:RecurOneStripRz[", "GruLayerKernel:RecurTwoStripsN[",
           "GruLayerKernel:RecurOneStripN[", "GruLayerKernel:ProjectTwoStrips[", "GruLayerKernel:ProjectOneStrip[",
           .. (sixteenRegisters ? new[] { "GruLayerKernel:CombineChunkResetAfter[" } : [])]
        : ["GruLayerKernel:ProjectFourStrips[", "GruLayerKernel:ProjectSteps[", "GruLayerKernel:RecurFourStripsResetAfter[", "DenseLayerKernel:SumTwoBlocks128[",
           "GruLayerKernel:RecurTwoStripsResetAfter[", "GruLayerKernel:RecurTwoStripsRz[", "GruLayerKernel:RecurTwoStripsN[", "GruLayerKernel:ProjectTwoStrips["];

    // Listings with planted problems: the check must find each, or it finds nothing. x64: a call and a spill in a loop
    // (the lea only takes an address; the last two calls are allowed). ARM64: below.
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

    // x64 without EVEX (16 registers): in a loop that divides (the gate functions'), a constant computed before it and
    // reloaded (allowed, counted) and an accumulator stored and reloaded every iteration (two problems); in a loop over
    // weights, which does not divide, a reload (a problem).
    private static readonly string[] PlantedReload =
    [
        "; Emitting BLENDED_CODE for generic X64 + VEX on Unix",
        "G_M000_IG03:",
        "       vfmadd231ps xmm0, xmm12, xmmword ptr [rax]",
        "       vfmadd231ps xmm1, xmm12, xmmword ptr [rbp-0x40]",
        "       jl       SHORT G_M000_IG03",
        "G_M000_IG06:",
        "       vmovaps  xmm10, xmmword ptr [rbp-0x180]",
        "       vfmadd213ps xmm13, xmm11, xmmword ptr [rbp-0x20]",
        "       vdivps   xmm14, xmm14, xmm10",
        "       vmovaps  xmmword ptr [rbp-0x20], xmm13",
        "       jl       G_M000_IG06",
    ];

    // ARM64: calls that the x64 count (0) does not allow (one problem), then one loop per branch form, each with one stack
    // access or call; not problems: the address taken from fp, and the store before a bl to its own label (a call, not
    // a loop's branch).
    private static readonly string[] PlantedArm64 =
    [
        "; Emitting BLENDED_CODE for generic ARM64 on Unix",
        "            blr     x2",
        "G_M000_IG03:",
        "            ldr     s28, [x2, w4, SXTW #2]",
        "            fmla    v16.4s, v28.4s, v29.4s",
        "            str     q16, [fp, #0x20]",
        "            add     x0, fp, #0x10",
        "            blt     G_M000_IG03",
        "G_M000_IG04:",
        "            ldp     q16, q17, [sp, #0x40]",
        "            b.ne    G_M000_IG04",
        "G_M000_IG05:",
        "            blr     x5",
        "            cbnz    w4, G_M000_IG05",
        "G_M000_IG06:",
        "            ldr     q18, [sp]",
        "            tbnz    w0, #31, G_M000_IG06",
        "G_M000_IG07:",
        "            ldr     q19, [fp, x16]",
        "            b       G_M000_IG07",
        "G_M000_IG08:",
        "            str     q20, [fp, #0x60]",
        "            bl      G_M000_IG08",
    ];

    /// <summary>
    /// <c>jit-check [--arm64 DOTNET]</c>: x64 always; ARM64 too when <c>DOTNET</c> is a dotnet host that runs ARM64
    /// programs (tools/arm64/emulated.sh's <c>dotnet-qemu</c>).
    /// </summary>
    public static int Run(string[] args)
    {
        if (args.Length != 1 && !(args.Length == 3 && args[1] == "--arm64"))
        {
            Console.Error.WriteLine("usage: jit-check [--arm64 DOTNET]  (DOTNET: a dotnet host running ARM64, e.g. artifacts/arm64/dotnet/dotnet-qemu)");
            return 2;
        }

        // Whether AVX-512 is expected in the listings comes from this process's own Avx512F.VL.IsSupported.
        foreach (string inherited in new[] { "DOTNET_EnableAVX512", "DOTNET_EnableAVX512F", "DOTNET_PreferredVectorBitWidth" })
            if (Environment.GetEnvironmentVariable(inherited) is not null)
            {
                Console.Error.WriteLine($"jit-check: {inherited} is set; jit-check sets the instruction sets and widths of its workers itself: run it without");
                return 2;
            }

        string? arm64Host = args.Length == 3 ? Path.GetFullPath(args[2]) : null;
        if (arm64Host is not null && !File.Exists(arm64Host))
        {
            Console.Error.WriteLine($"jit-check: no ARM64 dotnet host at {arm64Host}: bash tools/arm64/emulated.sh runtime lays one out (artifacts/arm64/dotnet/dotnet-qemu)");
            return 1;
        }

        if (Problems(Planted, X64, out _).Count != 2) throw new InvalidOperationException("jit-check does not find the call and the spill planted in its x64 sample.");
        if (Problems(PlantedReload, X64, out int plantedReloads).Count != 3 || plantedReloads != 1)
            throw new InvalidOperationException("jit-check does not tell a reload in the gate functions' loop (16 registers) from an accumulator kept on the stack or a reload in a loop over weights.");
        if (Evex(["; Emitting BLENDED_CODE for generic X64 + VEX + EVEX on Unix"]) != true || Evex(["; Emitting BLENDED_CODE for generic X64 + VEX on Unix"]) != false)
            throw new InvalidOperationException("jit-check does not tell EVEX listings from VEX ones.");
        string[] armPlanted = ArmProblems(PlantedArm64, x64Calls: 0).ToArray();
        string[] armExpected = ["3 calls", "loop at G_M000_IG03: str     q16, [fp", "loop at G_M000_IG04: ldp", "loop at G_M000_IG05: blr", "loop at G_M000_IG06: ldr", "loop at G_M000_IG07: ldr"];
        if (armPlanted.Length != armExpected.Length || armExpected.Any(e => !armPlanted.Any(p => p.Contains(e, StringComparison.Ordinal))))
            throw new InvalidOperationException("jit-check does not find exactly the calls and the stack accesses planted in its ARM64 sample: " + string.Join(" | ", armPlanted));
        string data = Path.Combine(AppContext.BaseDirectory, "versus-data");
        CheckData.WriteAll(data);
        int problems = 0, listings = 0, armListings = 0, reloadsBeforeLoops = 0;
        // Per weight type, the calls of each kernel's x64 listing at 128 bits with AVX-512 (32 vector registers, as on
        // ARM64), all of them allowed ones where it is clean: what an ARM64 listing of the same kernel may have.
        var x64Calls = new Dictionary<GruWeightType, Dictionary<string, int>>();
        // With AVX-512 the JIT has 32 vector registers, without it (AVX2 edge boxes) 16: both are read.
        foreach (string avx512 in new[] { "1", "0" })
        foreach (GruWeightType weights in new[] { GruWeightType.Float32, GruWeightType.Int8, GruWeightType.Float16 })
        {
            foreach (string width in new[] { "256", "128" })
            {
                string where = $"{width}-bit {WeightQuantizer.Name(weights)}{(avx512 == "0" ? " without AVX-512" : "")}";
                // EnableAVX512 is the grouped switch (F, BW, CD, DQ and VL) of recent runtimes, EnableAVX512F the
                // older name; which of them .NET 10 honours was not checked on a core with AVX-512. Both are set, and
                // whether the JIT used EVEX (32 registers) is read from each listing's header (WrongEncoding).
                List<(string Method, string[] Lines)> compiled = Compile(null, data, weights, $"{width}-{avx512}", new Dictionary<string, string>
                {
                    ["DOTNET_PreferredVectorBitWidth"] = width,
                    ["DOTNET_EnableAVX512"] = avx512,
                    ["DOTNET_EnableAVX512F"] = avx512,
                });
                listings += compiled.Count;
                problems += Missing(compiled, Expected(width, sixteenRegisters: avx512 == "0" || !Avx512F.VL.IsSupported), where);
                problems += WrongEncoding(compiled, evex: avx512 == "1" && Avx512F.VL.IsSupported, where);
                foreach ((string method, string[] lines) in compiled)
                {
                    List<string> found = Problems(lines, X64, out int reloads);
                    reloadsBeforeLoops += reloads;
                    foreach (string problem in found)
                    {
                        problems++;
                        Console.Error.WriteLine($"jit-check: {where}: {method}: {problem}");
                    }
                }

                if (width == "128" && avx512 == "1")
                {
                    var calls = new Dictionary<string, int>();
                    foreach ((string method, string[] lines) in compiled)
                        calls[method] = Math.Max(calls.GetValueOrDefault(method), lines.Count(l => X64.Call.IsMatch(l) && AllowedCall.IsMatch(l)));
                    x64Calls[weights] = calls;
                }
            }
        }

        if (arm64Host is not null)
        {
            foreach (GruWeightType weights in new[] { GruWeightType.Float32, GruWeightType.Int8, GruWeightType.Float16 })
            {
                string where = $"ARM64 {WeightQuantizer.Name(weights)}";
                // Vector128 is ARM64's only accelerated width; the test host's ICU is not installed for arm64.
                List<(string Method, string[] Lines)> compiled = Compile(arm64Host, data, weights, "arm64", new Dictionary<string, string>
                {
                    ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1",
                });
                armListings += compiled.Count;
                problems += Missing(compiled, Expected("128", sixteenRegisters: false), where);
                foreach ((string method, string[] lines) in compiled)
                {
                    foreach (string problem in ArmProblems(lines, x64Calls[weights].TryGetValue(method, out int calls) ? calls : null))
                    {
                        problems++;
                        Console.Error.WriteLine($"jit-check: {where}: {method}: {problem}");
                    }
                }
            }
        }

        Console.WriteLine($"jit-check: {listings} x64 listings of the GRU kernels and dense sums (float32, int8, float16; 256 and 128 bits; " +
                          (Avx512F.VL.IsSupported ? "with and without AVX-512)" : "this machine has no AVX-512: every x64 listing is the 16-register code)") +
                          (arm64Host is null ? "; ARM64 not read (jit-check --arm64 DOTNET reads it)" : $" and {armListings} ARM64 listings (128 bits, emulated)") +
                          $"; {reloadsBeforeLoops} reloads of values computed before the gate functions' loops, allowed in 16-register listings only" + ": " +
                          (problems == 0 ? "every expected kernel read; no stray call, no value carried on the stack in a loop" : $"{problems} problems (above)"));
        return listings > 0 && (arm64Host is null || armListings > 0) && problems == 0 ? 0 : 1;
    }

    // Runs a worker (under `host` when given, else this runtime) with the kernels' listings on, tiering off, and returns them.
    private static List<(string Method, string[] Lines)> Compile(string? host, string data, GruWeightType weights, string tag, Dictionary<string, string> environment)
    {
        string file = Path.Combine(Path.GetTempPath(), $"gru-jit-check-{Environment.ProcessId}-{tag}-{WeightQuantizer.Name(weights)}.txt");
        File.Delete(file);
        environment["DOTNET_TieredCompilation"] = "0";
        environment["DOTNET_JitDisasm"] = Methods;
        environment["DOTNET_JitStdOutFile"] = file;
        environment[JitCheckShapes.Variable] = "1";
        RunWorker(host, data, weights, environment);
        if (!File.Exists(file)) throw new InvalidOperationException($"The worker wrote no listing ({file}): DOTNET_JitDisasm matched no kernel.");
        List<(string Method, string[] Lines)> compiled = Listings(File.ReadAllLines(file));
        File.Delete(file);
        return compiled;
    }

    // Listings compiled with EVEX when they should not be (AVX-512 switched off, yet 32 vector registers: the
    // 16-register code of AVX2 machines would go unread) or without it on a machine that has AVX-512; returns how many.
    private static int WrongEncoding(List<(string Method, string[] Lines)> compiled, bool evex, string where)
    {
        int wrong = 0;
        foreach ((string method, string[] lines) in compiled)
        {
            if (Evex(lines) == evex) continue;
            wrong++;
            Console.Error.WriteLine($"jit-check: {where}: {method}: the listing's header does not say it was compiled {(evex ? "with" : "without")} EVEX");
        }

        return wrong;
    }

    // Whether a listing's header says the JIT encoded with EVEX ("; Emitting BLENDED_CODE for generic X64 + VEX + EVEX
    // on Unix"); null without a header.
    private static bool? Evex(string[] lines) =>
        lines.FirstOrDefault(l => l.StartsWith("; Emitting ", StringComparison.Ordinal)) is { } header
            ? header.Contains("+ EVEX", StringComparison.Ordinal)
            : null;

    // Kernels of `expected` with no listing, reported; returns how many.
    private static int Missing(List<(string Method, string[] Lines)> compiled, string[] expected, string where)
    {
        int missing = 0;
        foreach (string kernel in expected.Where(k => !compiled.Any(c => c.Method.Contains(k, StringComparison.Ordinal))))
        {
            missing++;
            Console.Error.WriteLine($"jit-check: {where}: no listing of {kernel.TrimEnd('[')}: the check would not read it");
        }

        return missing;
    }

    private static void RunWorker(string? host, string data, GruWeightType weights, Dictionary<string, string> environment)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("The runner's own path is unknown.");
        var start = new ProcessStartInfo(host ?? self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (host is not null || Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(JitCheck).Assembly.Location);
        foreach (string argument in new[] { "worker", data, WeightQuantizer.Name(weights) }) start.ArgumentList.Add(argument);
        foreach ((string key, string value) in environment) start.Environment[key] = value;
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("The worker did not start.");
        string name = $"The worker ({WeightQuantizer.Name(weights)}{(host is null ? "" : $", {host}")})";
        // The worker checks its shapes and JIT-compiles their kernels before "ready": minutes under the emulator.
        Task<string?> ready = process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new InvalidOperationException($"{name} did not say \"ready\" within 10 minutes.");
        }

        string? first = ready.Result;
        try
        {
            process.StandardInput.WriteLine("quit");
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The worker has already exited (its check failed): its exit code says so below.
        }

        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new InvalidOperationException($"{name} did not exit after \"quit\" (its first line: \"{first}\").");
        }

        if (first != "ready" || process.ExitCode != 0)
            throw new InvalidOperationException($"{name} failed its check or did not start (\"{first}\", exit {process.ExitCode}).");
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

    /// <summary>x64: calls not allowed anywhere; stack accesses between a loop's label and its backward branch.</summary>
    private static List<string> Problems(string[] lines, Syntax syntax, out int reloads)
    {
        var problems = lines.Where(l => syntax.Call.IsMatch(l) && !AllowedCall.IsMatch(l)).Select(l => "a call: " + l.Trim()).ToList();
        // Only x64 without EVEX has 16 vector registers: there the gate functions' loop may reload what was computed before it.
        problems.AddRange(LoopProblems(lines, syntax, callsToo: false, reloadsAllowed: Evex(lines) == false, out reloads));
        return problems;
    }

    /// <summary>
    /// ARM64: the listing must be ARM64's; no call and no stack access inside a loop; and no more calls in all than the
    /// same kernel's x64 listing has (<paramref name="x64Calls"/>, every one of them a deliberate call where x64 is
    /// clean), since an ARM64 listing does not name what it calls.
    /// </summary>
    private static IEnumerable<string> ArmProblems(string[] lines, int? x64Calls)
    {
        if (!lines.Any(l => l.StartsWith("; Emitting", StringComparison.Ordinal) && l.Contains("ARM64", StringComparison.Ordinal)))
            yield return "not an ARM64 listing";
        int calls = lines.Count(l => Arm64.Call.IsMatch(l));
        if (calls > (x64Calls ?? 0))
            yield return (x64Calls is null ? $"{calls} calls, and no x64 listing at 128 bits to compare with: " : $"{calls} calls, {x64Calls} deliberate ones in its x64 listing at 128 bits: ") +
                         string.Join("; ", lines.Where(l => Arm64.Call.IsMatch(l)).Select(l => l.Trim()));
        foreach (string problem in LoopProblems(lines, Arm64, callsToo: true, reloadsAllowed: false, out _)) yield return problem;
    }

    // Stack accesses (and with callsToo, calls) between a loop's label and its backward branch. A slot the loop writes
    // holds a value carried through the loop on the stack (an accumulator: a store and a reload on its chain every
    // iteration), always a problem. A slot it only reads holds a value computed before the loop: with
    // reloadsAllowed (x64 without AVX-512, 16 vector registers, which the 15 constants of the gate functions alone
    // nearly fill) such a reload in the gate functions' loop (the one that divides) costs a load, as the constant
    // read from memory would, and is counted in `reloads` instead; in a loop over weights, or with 32 registers
    // (EVEX, ARM64), it is a problem too.
    private static List<string> LoopProblems(string[] lines, Syntax syntax, bool callsToo, bool reloadsAllowed, out int reloads)
    {
        var problems = new List<string>();
        reloads = 0;
        var labels = new Dictionary<string, int>();
        for (int i = 0; i < lines.Length; i++)
            if (Label.Match(lines[i]) is { Success: true } label) labels[label.Groups[1].Value] = i;

        var reported = new HashSet<int>(); // a line inside several loops (or one with two backward branches), once

        for (int i = 0; i < lines.Length; i++)
        {
            if (syntax.Branch.Match(lines[i]) is not { Success: true } branch || !labels.TryGetValue(branch.Groups[1].Value, out int top) || top > i) continue;
            var written = new HashSet<string>(StringComparer.Ordinal);
            bool divides = false;
            for (int j = top; j < i; j++)
            {
                if (StackSlot(lines[j], syntax) is { } slot && syntax.StackWrite.IsMatch(lines[j])) written.Add(slot);
                divides |= Division.IsMatch(lines[j]);
            }

            for (int j = top; j < i; j++)
            {
                if (reported.Contains(j)) continue;
                if (StackSlot(lines[j], syntax) is { } slot)
                {
                    reported.Add(j);
                    if (reloadsAllowed && divides && !written.Contains(slot)) reloads++;
                    else problems.Add($"a stack access in the loop at {branch.Groups[1].Value}: " + lines[j].Trim());
                }
                else if (callsToo && !lines[j].TrimStart().StartsWith(';') && syntax.Call.IsMatch(lines[j]))
                {
                    reported.Add(j);
                    problems.Add($"a call in the loop at {branch.Groups[1].Value}: " + lines[j].Trim());
                }
            }
        }

        return problems;
    }

    private static readonly Regex Division = new(@"^\s+v?divp[sd]\s", RegexOptions.CultureInvariant);

    // The stack operand an instruction reads or writes ("[rbp-0x30]"), or null: comments, and an address only taken.
    private static string? StackSlot(string line, Syntax syntax) =>
        line.TrimStart().StartsWith(';') || (syntax.AddressOnly is { } address && line.TrimStart().StartsWith(address, StringComparison.Ordinal))
            ? null
            : syntax.StackAccess.Match(line) is { Success: true } match ? match.Value : null;
}
