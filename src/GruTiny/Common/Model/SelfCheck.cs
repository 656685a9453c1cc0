using System;
using System.Collections.Generic;
using System.Globalization;
using GruTiny.Model.Json;

namespace GruTiny.Model;

/// <summary>
/// Reference input sequences and the outputs the training framework produced for them, carried with the
/// model (<c>self_check</c> in grutiny/1, metadata entry <c>grutiny.self_check</c> in ONNX) and verified
/// at build time, so that a model exported with the wrong GRU variant or wrong weights never builds.
/// Compared bit for bit, so the generator's pipeline re-checks only when the data changes.
/// </summary>
internal sealed class SelfCheck : IEquatable<SelfCheck>
{
    /// <summary>Sequences accepted.</summary>
    public const int MaxSequences = 16;

    /// <summary>
    /// Work bound: steps over all sequences × parameters (about one multiply-add each). 64 million admits the
    /// exporter's default (2 × 16 steps) at the default cap of 2 million parameters and keeps the float64 check
    /// under roughly 0.3 s per build on a slow core.
    /// </summary>
    public const long MaxWork = 64_000_000;

    public const string OnnxMetadataKey = "grutiny.self_check";

    public SelfCheck(SelfCheckSequence[] sequences) => Sequences = sequences;

    public SelfCheckSequence[] Sequences { get; }

    public bool Equals(SelfCheck? other)
    {
        if (other is null || other.Sequences.Length != Sequences.Length) return false;
        for (int i = 0; i < Sequences.Length; i++)
            if (!Sequences[i].Equals(other.Sequences[i])) return false;
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as SelfCheck);

    public override int GetHashCode()
    {
        int hash = Sequences.Length;
        foreach (SelfCheckSequence s in Sequences) hash = hash * 31 + s.GetHashCode();
        return hash;
    }

    /// <summary>
    /// Reads <c>{"sequences": [{"inputs": [[...]], "outputs": [[...]]}, ...]}</c> for a model with the given
    /// sizes, rejecting anything else with GRUT040 at the offending position.
    /// </summary>
    public static SelfCheck Read(JsonNode node, ModelDescription model)
    {
        int inputSize = model.StepInputWidth, outputSize = model.OutputSize;
        long parameterCount = model.ParameterCount;
        int vocabulary = model.Embedding?.VocabularySize ?? 0;
        const string where = "self_check";
        if (node.Kind != JsonKind.Object)
            throw Fail($"'{where}' must be an object {{\"sequences\": [...]}}, but it is {node.Describe()}.", node);
        JsonNode sequencesNode = null!;
        foreach (JsonProperty property in node.Properties!)
        {
            if (property.Name != "sequences")
                throw Fail($"{where}: unknown key '{FileText.Quote(property.Name, 40)}'; expected only 'sequences'.", property.Line, property.Column);
            if (sequencesNode is not null)
                throw Fail($"{where}: duplicate key 'sequences'.", property.Line, property.Column);
            sequencesNode = property.Value;
        }

        if (sequencesNode is null) throw Fail($"{where}: missing key 'sequences'.", node);
        if (sequencesNode.Kind != JsonKind.Array || sequencesNode.Items!.Count == 0 || sequencesNode.Items.Count > MaxSequences)
            throw Fail($"{where}: 'sequences' must be an array of 1 to {MaxSequences} sequences.", sequencesNode);

        var sequences = new SelfCheckSequence[sequencesNode.Items.Count];
        long steps = 0;
        for (int s = 0; s < sequences.Length; s++)
        {
            JsonNode sequence = sequencesNode.Items[s];
            string owner = $"{where}.sequences[{s}]";
            if (sequence.Kind != JsonKind.Object) throw Fail($"{owner} must be an object with 'inputs' and 'outputs'.", sequence);
            JsonNode? inputs = null, outputs = null;
            foreach (JsonProperty property in sequence.Properties!)
            {
                if (property.Name == "inputs" && inputs is null) inputs = property.Value;
                else if (property.Name == "outputs" && outputs is null) outputs = property.Value;
                else throw Fail($"{owner}: unexpected key '{FileText.Quote(property.Name, 40)}'; expected 'inputs' and 'outputs' once each.", property.Line, property.Column);
            }

            if (inputs is null || outputs is null) throw Fail($"{owner}: needs both 'inputs' and 'outputs'.", sequence);
            long rows = Cost(inputs.Kind == JsonKind.Array ? inputs.Items!.Count : 0);
            if ((steps + rows) * Math.Max(1, parameterCount) > MaxWork)
                throw Fail($"{where}: {steps + rows} steps of a {parameterCount}-parameter model exceed the build-time budget of {MaxWork.ToString(CultureInfo.InvariantCulture)} multiply-adds; use fewer or shorter sequences.", sequence);
            float[] x = Rows(inputs, inputSize, $"{owner}.inputs", vocabulary > 0 ? "one token id" : "input_size", out int t);
            for (int k = 0; vocabulary > 0 && k < x.Length; k++)
            {
                if (x[k] != Math.Floor(x[k]) || x[k] < 0 || x[k] >= vocabulary)
                    throw Fail($"{owner}.inputs[{k}] is {x[k].ToString("R", CultureInfo.InvariantCulture)}; a token id must be a whole number from 0 to {vocabulary - 1}.", inputs.Items![k]);
            }

            float[] y = Rows(outputs, outputSize, $"{owner}.outputs", "the model's output size", out int tOut);
            if (t != tOut)
                throw Fail($"{owner}: {t} input rows but {tOut} output rows; each step needs one of each.", outputs);
            steps += Cost(t);
            if (steps * Math.Max(1, parameterCount) > MaxWork)
                throw Fail($"{where}: {steps} steps of a {parameterCount}-parameter model exceed the build-time budget of {MaxWork.ToString(CultureInfo.InvariantCulture)} multiply-adds; use fewer or shorter sequences.", sequence);
            sequences[s] = new SelfCheckSequence(t, x, y);
        }

        return new SelfCheck(sequences);

        // Steps the check runs for a sequence of t rows: t, or for a model that reads whole sequences every prefix
        // (row k is its output at the last step of the first k + 1 inputs), t·(t + 1)/2.
        long Cost(long t) => model.Streams ? t : t * (t + 1) / 2;
    }

    private static float[] Rows(JsonNode node, int width, string owner, string widthName, out int count)
    {
        if (node.Kind != JsonKind.Array || node.Items!.Count == 0)
            throw Fail($"{owner} must be a non-empty array of rows of {width} numbers ({widthName}).", node);
        count = node.Items.Count;
        var values = new List<float>((int)Math.Min((long)count * width, 1 << 20));
        for (int r = 0; r < count; r++)
        {
            JsonNode row = node.Items[r];
            if (row.Kind != JsonKind.Array || row.Items!.Count != width)
                throw Fail($"{owner}[{r}] must be a row of {width} numbers ({widthName}), but it is {(row.Kind == JsonKind.Array ? $"a row of {row.Items!.Count}" : row.Describe())}.", row);
            for (int c = 0; c < width; c++)
            {
                JsonNode v = row.Items[c];
                if (v.Kind != JsonKind.Number || float.IsNaN(v.Number) || float.IsInfinity(v.Number))
                    throw Fail($"{owner}[{r}][{c}] must be a finite number, but it is {v.Describe()}.", v);
                values.Add(v.Number);
            }
        }

        return values.ToArray();
    }


    private static ModelFormatErrorException Fail(string message, JsonNode node) => Fail(message, node.Line, node.Column);

    private static ModelFormatErrorException Fail(string message, int line, int column) =>
        new(new ModelFormatError(ModelDiagnosticIds.SelfCheckMalformed, message, line, column));
}

/// <summary>One reference sequence: T input rows and the T outputs expected after each step.</summary>
internal sealed class SelfCheckSequence : IEquatable<SelfCheckSequence>
{
    public SelfCheckSequence(int steps, float[] inputs, float[] outputs)
    {
        Steps = steps;
        Inputs = inputs;
        Outputs = outputs;
    }

    public int Steps { get; }

    public float[] Inputs { get; }

    public float[] Outputs { get; }

    public bool Equals(SelfCheckSequence? other) =>
        other is not null && other.Steps == Steps && LayerDescription.SameBits(Inputs, other.Inputs) && LayerDescription.SameBits(Outputs, other.Outputs);

    public override bool Equals(object? obj) => Equals(obj as SelfCheckSequence);

    public override int GetHashCode() => (Steps * 31 + LayerDescription.HashBits(Inputs)) * 31 + LayerDescription.HashBits(Outputs);
}
