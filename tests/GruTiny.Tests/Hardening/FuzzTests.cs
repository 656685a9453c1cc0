using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using GruTiny.Model;
using GruTiny.Model.Onnx;
using GruTiny.Tests.Runtime;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;
using static GruTiny.Tests.Generator.GeneratorHarness;

namespace GruTiny.Tests.Hardening;

/// <summary>
/// Thousands of mutated model files (fixed seed): byte flips, truncation, deleted and duplicated fields, huge and
/// tiny numbers, deep nesting. Each is read under a 10-second deadline, then compiled by the generator in
/// batches of 100 types: every case either compiles or gets GRUT diagnostics; no exception escapes, no GRUT099.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output) : IDisposable
{
    private const int JsonCases = 2000, OnnxCases = 1000, Batch = 100;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly string _project = Directory.CreateTempSubdirectory("grutiny-fuzz-").FullName + "/";

    public void Dispose()
    {
        try { Directory.Delete(_project, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Mutated_models_compile_or_get_GRUT_diagnostics()
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(8_2026_1121);
        string[] jsonSeeds = ["tiny", "cho_in7_h13_relu8_softmax3", "norm_in_out_in2_h8_linear1", "stacked2_nobias_in7_h13x2"];
        string[] onnxSeeds = ["onnx_base", "onnx_gru_only", "onnx_classifier_h13", "onnx_node_stacked_float_data"];
        var json = jsonSeeds.Select(n => File.ReadAllText(ReferenceCase.ModelPath(n))).ToArray();
        var onnx = onnxSeeds.Select(n => File.ReadAllBytes(ReferenceCase.ModelPath(n))).ToArray();

        var cases = new List<(string Path, string? Text, byte[]? Bytes)>();
        for (int i = 0; i < JsonCases; i++) cases.Add(($"models/j{i}.gru.json", MutateJson(json[i % json.Length], random), null));
        for (int i = 0; i < OnnxCases; i++) cases.Add(($"models/o{i}.onnx", null, MutateBytes(onnx[i % onnx.Length], random)));

        int accepted = 0, rejected = 0;
        foreach (var (path, text, bytes) in cases) // the readers alone, each under its deadline
        {
            var task = Task.Run(() => text is not null
                ? ModelDescriptionReader.TryRead(text, ModelDescriptionReader.DefaultMaxParameters, out SelfCheck? _, out ModelFormatError? e) is null ? e : null
                : OnnxModelReader.TryRead(bytes!, ModelDescriptionReader.DefaultMaxParameters, out SelfCheck? _, out ModelFormatError? f) is null ? f : null);
            Assert.True(await Task.WhenAny(task, Task.Delay(Deadline)) == task, $"{path}: reading took longer than {Deadline.TotalSeconds} s");
            ModelFormatError? error = await task;
            if (error is null) accepted++;
            else
            {
                rejected++;
                Assert.StartsWith("GRUT0", error.Id);
                Assert.NotEqual(ModelDiagnosticIds.InternalError, error.Id);
            }
        }

        TimeSpan reading = clock.Elapsed;
        for (int start = 0; start < cases.Count; start += Batch)
            CompileBatch(cases.Skip(start).Take(Batch).ToList(), start);
        output.WriteLine($"reading {reading.TotalSeconds:F1} s, generating and compiling {(clock.Elapsed - reading).TotalSeconds:F1} s");

        output.WriteLine($"{cases.Count} cases: {accepted} accepted, {rejected} rejected with a diagnostic, in {clock.Elapsed.TotalSeconds:F0} s");
        Assert.InRange(accepted, 1, cases.Count - 1); // the mutations are neither all harmless nor all fatal
    }

    private void CompileBatch(List<(string Path, string? Text, byte[]? Bytes)> batch, int first)
    {
        var source = new StringBuilder();
        var files = new List<AdditionalText>();
        for (int k = 0; k < batch.Count; k++)
        {
            (string path, string? text, byte[]? bytes) = batch[k];
            source.AppendLine($"/// <summary>Case {first + k}.</summary>").AppendLine($"[GruTiny.GruModel(\"{path}\")] public partial class Case{first + k};");
            if (text is not null) files.Add(new FileText(_project + path, text));
            else
            {
                Directory.CreateDirectory(_project + "models");
                File.WriteAllBytes(_project + path, bytes!);
                files.Add(new FileText(_project + path, null));
            }
        }

        using var cancel = new CancellationTokenSource(Deadline * 6);
        var watch = Stopwatch.StartNew();
        GeneratorDriver driver = CreateDriver(files, new Dictionary<string, string> { ["build_property.ProjectDir"] = _project })
            .RunGeneratorsAndUpdateCompilation(CreateCompilation(source.ToString()), out Compilation compiled, out ImmutableArray<Diagnostic> diagnostics, cancel.Token);
        Assert.All(driver.GetRunResult().Results, r => Assert.Null(r.Exception));
        Assert.All(diagnostics, d => Assert.True(d.Id.StartsWith("GRUT0", StringComparison.Ordinal) && d.Id != "GRUT099", d.ToString()));
        output.WriteLine($"batch {first}: generator {watch.Elapsed.TotalSeconds:F1} s");
        var errors = compiled.GetDiagnostics(cancel.Token).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(5)));
        output.WriteLine($"batch {first}: total {watch.Elapsed.TotalSeconds:F1} s");
    }

    // ---- Mutations ---------------------------------------------------------------------------------

    private static string MutateJson(string text, Random random)
    {
        switch (random.Next(8))
        {
            case 0: // flip characters
            {
                char[] c = text.ToCharArray();
                for (int n = random.Next(1, 4); n > 0; n--) c[random.Next(c.Length)] = "{}[],:\"0123456789.-eEnN tfx\\"[random.Next(28)];
                return new string(c);
            }
            case 1: return text[..random.Next(text.Length)]; // truncate
            case 2: return RemoveMember(text, random);
            case 3: return DuplicateMember(text, random);
            case 4: return ReplaceNumber(text, random, ["1e39", "-1e39", "1e-46", "1e308", "NaN", "-Infinity", "0", "-0", "123456789012345678901234567890", "2147483648", "-1"]);
            case 5: return ReplaceNumber(text, random, ["\"7\"", "true", "null", "[]", "{}"]); // wrong types
            case 6: // deep nesting in place of a value
            {
                int depth = random.Next(30, 200);
                return ReplaceNumber(text, random, [new string('[', depth) + "1" + new string(']', depth)]);
            }
            default: // a size changed
                return ReplaceAfter(text, random, ["\"input_size\":", "\"hidden_size\":"], ["0", "-1", "3", "100000", "2147483647"]);
        }
    }

    private static byte[] MutateBytes(byte[] bytes, Random random)
    {
        byte[] b = (byte[])bytes.Clone();
        switch (random.Next(5))
        {
            case 0:
                for (int n = random.Next(1, 5); n > 0; n--) b[random.Next(b.Length)] ^= (byte)(1 << random.Next(8));
                return b;
            case 1: return b[..random.Next(b.Length)];
            case 2: // duplicate a range
            {
                int at = random.Next(b.Length), length = random.Next(1, Math.Min(64, b.Length - at) + 1);
                return [.. b[..(at + length)], .. b[at..]];
            }
            case 3: // delete a range
            {
                int at = random.Next(b.Length), length = random.Next(1, Math.Min(32, b.Length - at) + 1);
                return [.. b[..at], .. b[(at + length)..]];
            }
            default: // random bytes in place
            {
                int at = random.Next(b.Length);
                for (int k = at; k < Math.Min(b.Length, at + random.Next(1, 16)); k++) b[k] = (byte)random.Next(256);
                return b;
            }
        }
    }

    private static string RemoveMember(string text, Random random)
    {
        int key = RandomKey(text, random);
        if (key < 0) return text;
        int end = text.IndexOfAny([',', '}'], text.IndexOf(':', key));
        return end < 0 ? text : text[..key] + text[end..];
    }

    private static string DuplicateMember(string text, Random random)
    {
        int key = RandomKey(text, random);
        if (key < 0) return text;
        int colon = text.IndexOf(':', key);
        int end = text.IndexOfAny([',', '}'], colon);
        return end < 0 ? text : text[..key] + text[key..end] + "," + text[key..];
    }

    private static int RandomKey(string text, Random random)
    {
        var keys = new List<int>();
        for (int i = text.IndexOf("\":", StringComparison.Ordinal); i >= 0; i = text.IndexOf("\":", i + 2, StringComparison.Ordinal))
            keys.Add(text.LastIndexOf('"', i - 1));
        return keys.Count == 0 ? -1 : keys[random.Next(keys.Count)];
    }

    private static string ReplaceNumber(string text, Random random, string[] replacements)
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            int at = random.Next(text.Length);
            if (!char.IsDigit(text[at])) continue;
            int start = at, end = at;
            while (start > 0 && "0123456789.-eE+".Contains(text[start - 1])) start--;
            while (end < text.Length && "0123456789.-eE+".Contains(text[end])) end++;
            return text[..start] + replacements[random.Next(replacements.Length)] + text[end..];
        }

        return text;
    }

    private static string ReplaceAfter(string text, Random random, string[] keys, string[] values)
    {
        string key = keys[random.Next(keys.Length)];
        int at = text.IndexOf(key, StringComparison.Ordinal);
        if (at < 0) return text;
        int start = at + key.Length;
        while (start < text.Length && text[start] == ' ') start++;
        int end = start;
        while (end < text.Length && char.IsDigit(text[end])) end++;
        return text[..start] + values[random.Next(values.Length)] + text[end..];
    }

    /// <summary>An AdditionalFiles item: JSON text in memory, or a binary file on disk whose text is never asked for.</summary>
    private sealed class FileText(string path, string? text) : AdditionalText
    {
        public override string Path => path;

        public override Microsoft.CodeAnalysis.Text.SourceText GetText(CancellationToken cancellationToken = default) =>
            text is null ? throw new InvalidOperationException("GetText on a binary file") : Microsoft.CodeAnalysis.Text.SourceText.From(text);
    }
}
