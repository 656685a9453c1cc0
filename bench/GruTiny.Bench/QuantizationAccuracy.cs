using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using GruTiny.Model;
using GruTiny.Model.Onnx;

namespace GruTiny.Bench;

/// <summary>
/// What quantising costs on the reference models: for every case of tests/GruTiny.ReferenceModels (its inputs from
/// the case's .ref.json), the float64 reference over the float16 and int8 dequantised weights against the float64
/// reference over the file's float32 weights, worst |difference| / max(1, |float32's|) over every output of the
/// case's sequence. No timing, no vectors: the numbers are the weight types' own, as every compiled path matches the
/// reference within 1e-5 (QuantizedParityTests).
/// <c>dotnet run -c Release --project bench/GruTiny.Bench -- accuracy</c>
/// </summary>
internal static class QuantizationAccuracy
{
    public static int Run()
    {
        string models = Path.Combine(RepositoryRoot(), "tests", "GruTiny.ReferenceModels", "Models");
        var rows = new List<(string Case, long Parameters, double Half, double Int8)>();
        foreach (string refFile in Directory.EnumerateFiles(models, "*.ref.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(refFile)[..^".ref.json".Length];
            string directory = Path.GetDirectoryName(refFile)!;
            string onnx = Path.Combine(directory, name + ".onnx"), json = Path.Combine(directory, name + ".gru.json");
            ModelFormatError? error;
            ModelDescription? model = File.Exists(onnx) ? OnnxModelReader.TryRead(File.ReadAllBytes(onnx), 2_000_000, out error)
                : File.Exists(json) ? ModelDescriptionReader.TryRead(File.ReadAllText(json), 2_000_000, out error) : null;
            if (model is null) continue;
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(refFile));
            float[][] inputs = doc.RootElement.GetProperty("inputs").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
            double[][] baseline = Outputs(model, inputs);
            rows.Add((name, model.ParameterCount,
                Worst(baseline, Outputs(WeightQuantizer.Dequantized(model, GruWeightType.Float16), inputs)),
                Worst(baseline, Outputs(WeightQuantizer.Dequantized(model, GruWeightType.Int8), inputs))));
        }

        var ci = CultureInfo.InvariantCulture;
        Console.WriteLine($"| reference case ({rows.Count}) | parameters | float16: worst deviation | int8: worst deviation |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var row in rows)
            Console.WriteLine(string.Format(ci, "| {0} | {1:N0} | {2:E1} | {3:E1} |", row.Case, row.Parameters, row.Half, row.Int8));
        Console.WriteLine(string.Format(ci, "| median | | {0:E1} | {1:E1} |", Median(rows.Select(r => r.Half)), Median(rows.Select(r => r.Int8))));
        Console.WriteLine(string.Format(ci, "| largest | | {0:E1} | {1:E1} |", rows.Max(r => r.Half), rows.Max(r => r.Int8)));
        return 0;
    }

    // Every step's outputs from the initial state: step by step, or row t of the whole sequence for a model that reads whole sequences.
    private static double[][] Outputs(ModelDescription model, float[][] inputs)
    {
        var reference = new ReferenceModel(model);
        if (!model.Streams) return reference.Run(inputs.SelectMany(r => r).ToArray(), inputs.Length);
        return inputs.Select(reference.Step).ToArray();
    }

    private static double Worst(double[][] expected, double[][] actual) =>
        expected.Zip(actual, (e, a) => e.Zip(a, (x, y) => Math.Abs(x - y) / Math.Max(1, Math.Abs(x))).Max()).Max();

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "GruTiny.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("GruTiny.sln not found above " + AppContext.BaseDirectory);
    }
}
