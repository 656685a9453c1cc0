using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using GruTiny.Model;

namespace GruTiny.Bench;

/// <summary>
/// What every timed program is checked against before it is timed, and steps through while it is timed: a sequence
/// of inputs and the outputs GruTiny's float64 reference (<see cref="ReferenceModel"/>, the oracle of the parity
/// tests) gives for them from a zero state. Written once per run as <c>&lt;shape&gt;.check.txt</c> beside the model
/// file, so that the RTNeural baseline (bench/rtneural/baseline.cpp) and GruTiny's workers read the same numbers.
/// Format: a line "steps inputs outputs", one line of inputs per step, one line of expected outputs per step.
/// </summary>
internal sealed class CheckData
{
    /// <summary>Steps in the sequence: enough for the state to matter, few enough to stay in L1 beside the weights.</summary>
    private const int Steps = 48;

    /// <summary>The same tolerance as the parity tests: |y − ref| ≤ 1e-5 · max(1, |ref|).</summary>
    public const double Tolerance = 1e-5;

    private CheckData(int inputs, int outputs, float[][] input, double[][] expected)
    {
        InputSize = inputs;
        OutputSize = outputs;
        Input = input;
        Expected = expected;
    }

    public int InputSize { get; }

    public int OutputSize { get; }

    public float[][] Input { get; }

    public double[][] Expected { get; }

    /// <summary>Writes the model file and its check data for every benchmark shape into <paramref name="folder"/>.</summary>
    public static void WriteAll(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach ((_, string file, _) in BenchShapes.All)
        {
            string json = BenchShapes.Json(file);
            File.WriteAllText(Path.Combine(folder, file + ".gru.json"), json);
            ModelDescription model = ModelDescriptionReader.TryRead(json, long.MaxValue, out ModelFormatError? error)
                ?? throw new InvalidOperationException($"{file}: {error}");
            foreach (GruWeightType weights in new[] { GruWeightType.Float32, GruWeightType.Int8, GruWeightType.Float16 })
                Write(folder, BenchShapes.CheckFile(file, weights), WeightQuantizer.Dequantized(model, weights));
        }
    }

    // The check inputs and the float64 reference's outputs for them (over the dequantised weights of a quantised model).
    private static void Write(string folder, string name, ModelDescription model)
    {
        {
            var reference = new ReferenceModel(model);
            // Inputs in [-2, 2], every sixth step five times larger, so that some gates saturate.
            var random = new Random(2026);
            var input = new float[Steps][];
            var expected = new double[Steps][];
            for (int s = 0; s < Steps; s++)
            {
                float scale = s % 6 == 5 ? 10f : 2f;
                input[s] = Enumerable.Range(0, model.InputSize).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();
                expected[s] = reference.Step(input[s]);
            }

            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"{Steps} {model.InputSize} {model.OutputSize}\n");
            foreach (float[] row in input) text.AppendJoin(' ', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
            foreach (double[] row in expected) text.AppendJoin(' ', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
            File.WriteAllText(Path.Combine(folder, name), text.ToString());
        }
    }

    public static CheckData Read(string path)
    {
        string[] lines = File.ReadAllLines(path);
        int[] head = lines[0].Split(' ').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        (int steps, int inputs, int outputs) = (head[0], head[1], head[2]);
        float[][] input = lines.Skip(1).Take(steps).Select(l => l.Split(' ').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        double[][] expected = lines.Skip(1 + steps).Take(steps).Select(l => l.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        if (input.Length != steps || expected.Length != steps || input.Any(r => r.Length != inputs) || expected.Any(r => r.Length != outputs))
            throw new InvalidDataException($"{path}: the rows do not match its first line \"{lines[0]}\".");
        return new CheckData(inputs, outputs, input, expected);
    }

    /// <summary>The largest |y − ref| / max(1, |ref|) of a model stepped through the inputs from a zero state.</summary>
    public double WorstError(Func<float[], float[]> step)
    {
        double worst = 0;
        for (int s = 0; s < Input.Length; s++)
        {
            float[] y = step(Input[s]);
            for (int o = 0; o < OutputSize; o++)
                worst = Math.Max(worst, Math.Abs(y[o] - Expected[s][o]) / Math.Max(1, Math.Abs(Expected[s][o])));
        }

        return worst;
    }
}
