using System;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace GruTiny.Tests.Runtime;

/// <summary>
/// One reference case written by tools/make_reference.py: inputs and the outputs and final state that
/// PyTorch (or, for linear_before_reset=false, the float64 equations) produced for them.
/// </summary>
public sealed class ReferenceCase
{
    public required string Name { get; init; }
    public required int Steps { get; init; }
    public required int InputSize { get; init; }
    public required int OutputSize { get; init; }
    public required float[] Inputs { get; init; }
    public required double[] Outputs { get; init; }
    public required double[] FinalState { get; init; }

    public static string ModelsDirectory => Path.Combine(AppContext.BaseDirectory, "Models");

    public static string OnnxDirectory => Path.Combine(ModelsDirectory, "onnx");

    public static string NormalizedDirectory => Path.Combine(ModelsDirectory, "normalized");

    public static string EmbeddingDirectory => Path.Combine(ModelsDirectory, "embedding");

    public static string LayeredDirectory => Path.Combine(ModelsDirectory, "layered");

    /// <summary>Models that read whole sequences (reverse and bidirectional GRUs): <see cref="SequenceNames"/>, not in <see cref="Names"/>.</summary>
    public static string SequenceDirectory => Path.Combine(ModelsDirectory, "sequence");

    public static string[] SequenceNames() => CaseNames(Path.Combine(SequenceDirectory, "sequence_cases.json"));

    /// <summary>Every case: the grutiny/1 descriptions (plain, with input/output normalisation, token models, layers in any order), then the ONNX files.</summary>
    public static string[] Names() => CaseNames(Path.Combine(ModelsDirectory, "cases.json"))
        .Concat(CaseNames(Path.Combine(NormalizedDirectory, "normalized_cases.json")))
        .Concat(CaseNames(Path.Combine(EmbeddingDirectory, "embedding_cases.json")))
        .Concat(CaseNames(Path.Combine(LayeredDirectory, "layered_cases.json")))
        .Concat(OnnxNames()).ToArray();

    private static string DirectoryOf(string name) =>
        new[] { ModelsDirectory, NormalizedDirectory, EmbeddingDirectory, LayeredDirectory, SequenceDirectory }.FirstOrDefault(d => File.Exists(Path.Combine(d, name + ".ref.json"))) ?? OnnxDirectory;

    public static string[] OnnxNames() => CaseNames(Path.Combine(OnnxDirectory, "onnx_cases.json"));

    /// <summary>The ONNX cases that are hand-built variants, with the case each must compile the same as.</summary>
    public static (string Name, string SameAs)[] OnnxVariants()
    {
        using JsonDocument cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(OnnxDirectory, "onnx_cases.json")));
        return cases.RootElement.EnumerateArray()
            .Where(c => c.GetProperty("same_as").ValueKind == JsonValueKind.String)
            .Select(c => (c.GetProperty("name").GetString()!, c.GetProperty("same_as").GetString()!))
            .ToArray();
    }

    /// <summary>The model file of a case: its .gru.json description or its .onnx file.</summary>
    public static string ModelPath(string name)
    {
        string directory = DirectoryOf(name);
        string onnx = Path.Combine(directory, name + ".onnx");
        return directory == OnnxDirectory || File.Exists(onnx) ? onnx : Path.Combine(directory, name + ".gru.json");
    }

    private static string[] CaseNames(string file)
    {
        using JsonDocument cases = JsonDocument.Parse(File.ReadAllText(file));
        return cases.RootElement.EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray();
    }

    public static ReferenceCase Load(string name)
    {
        string directory = DirectoryOf(name);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, name + ".ref.json")));
        JsonElement root = doc.RootElement;
        float[][] inputs = root.GetProperty("inputs").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        double[][] outputs = root.GetProperty("outputs").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        return new ReferenceCase
        {
            Name = name,
            Steps = root.GetProperty("steps").GetInt32(),
            InputSize = inputs[0].Length,
            OutputSize = outputs[0].Length,
            Inputs = inputs.SelectMany(r => r).ToArray(),
            Outputs = outputs.SelectMany(r => r).ToArray(),
            FinalState = root.GetProperty("final_state").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
        };
    }

    /// <summary>The parity rule: |y − ref| ≤ 1e-5 · max(1, |ref|).</summary>
    public static double Tolerance(double reference) => 1e-5 * Math.Max(1, Math.Abs(reference));
}
