using System;
using System.Collections.Generic;
using System.Globalization;
using GruTiny.Kernels;
using GruTiny.Model.Json;

namespace GruTiny.Model;

/// <summary>
/// Reads and validates a <c>grutiny/1</c> model description (docs/model-format.md). Shared by the generator
/// and the run-time interpreter, so both accept exactly the same files and reject the others with the same
/// diagnostic ID and message.
/// </summary>
internal static partial class ModelDescriptionReader
{
    /// <summary>The format tag this reader understands.</summary>
    public const string FormatTag = "grutiny/1";

    /// <summary>Default limit on the number of parameters of one model.</summary>
    public const long DefaultMaxParameters = 2_000_000;

    /// <summary>The end of every GRUT015 message: how to raise the limit, at build time and at run time.</summary>
    public const string RaiseParameterLimit =
        "Raise the limit with the MSBuild property GruTinyMaxParameters (GruNetworkLoadOptions.MaxParameters for GruNetwork), at most 100000000.";

    /// <summary>
    /// Whether a model file's first bytes are a Git LFS pointer (a small text file Git stores in place of a large
    /// file when Git LFS was not installed at checkout) rather than the model.
    /// </summary>
    public static bool IsGitLfsPointer(string text) => text.StartsWith(GitLfsPointerStart, StringComparison.Ordinal);

    public const string GitLfsPointerStart = "version https://git-lfs.github.com/spec/";

    public const string GitLfsPointerMessage =
        "The file is a Git LFS pointer, not the model: Git stored a small text file in its place. Fetch the model with 'git lfs pull' (with Git LFS installed), then build again.";

    private static readonly string[] TopLevelKeys = { "format", "input_size", "layers", "metadata", "input_normalization", "output_normalization", "self_check" };

    /// <summary>Reads a model, or says why it cannot.</summary>
    /// <param name="text">The whole file.</param>
    /// <param name="maxParameters">The largest parameter count accepted.</param>
    /// <param name="error">Why the text was rejected, when it was.</param>
    /// <returns>The model, or null when <paramref name="error"/> is set.</returns>
    public static ModelDescription? TryRead(string text, long maxParameters, out ModelFormatError? error) =>
        TryRead(text, maxParameters, out _, out error);

    /// <summary>Reads a model and its <c>self_check</c> data (null when the file has none), or says why it cannot.</summary>
    public static ModelDescription? TryRead(string text, long maxParameters, out SelfCheck? selfCheck, out ModelFormatError? error)
    {
        try
        {
            error = null;
            return Read(text, maxParameters, out selfCheck);
        }
        catch (ModelFormatErrorException e)
        {
            error = e.Error;
            selfCheck = null;
            return null;
        }
    }

    /// <summary>Parses JSON text, turning syntax errors into GRUT002 with their position.</summary>
    public static JsonNode ParseJson(string text)
    {
        try
        {
            return JsonReader.Parse(text);
        }
        catch (JsonSyntaxException e)
        {
            throw Fail(ModelDiagnosticIds.InvalidJson, $"Invalid JSON: {e.Message}", e.Line, e.Column);
        }
    }

    private static ModelDescription Read(string text, long maxParameters, out SelfCheck? selfCheck)
    {
        if (IsGitLfsPointer(text)) throw Fail(ModelDiagnosticIds.InvalidJson, GitLfsPointerMessage, 1, 1);
        JsonNode root = ParseJson(text);

        if (root.Kind != JsonKind.Object)
            throw Fail(ModelDiagnosticIds.WrongValueType, $"The model must be a JSON object, but the file holds {root.Describe()}.", root);

        Dictionary<string, JsonProperty> top = Properties(root, "the model", TopLevelKeys);
        JsonProperty format = Required(top, "format", root, "the model");
        if (format.Value.Kind != JsonKind.String)
            throw Fail(ModelDiagnosticIds.WrongValueType, $"'format' must be the string \"{FormatTag}\", but it is {format.Value.Describe()}.", format.Value);
        if (format.Value.String != FormatTag)
            throw Fail(ModelDiagnosticIds.UnknownFormat, $"Unknown format \"{FileText.Quote(format.Value.String!, 64)}\"; this version of GruTiny reads \"{FormatTag}\".", format.Value);

        if (top.TryGetValue("metadata", out JsonProperty? metadata) && metadata.Value.Kind != JsonKind.Object)
            throw Fail(ModelDiagnosticIds.WrongValueType, $"'metadata' must be an object, but it is {metadata.Value.Describe()}.", metadata.Value);

        int inputSize = Size(Required(top, "input_size", root, "the model"), "the model");
        JsonProperty layersProperty = Required(top, "layers", root, "the model");
        if (layersProperty.Value.Kind != JsonKind.Array)
            throw Fail(ModelDiagnosticIds.WrongValueType, $"'layers' must be an array of layers, but it is {layersProperty.Value.Describe()}.", layersProperty.Value);
        List<JsonNode> layerNodes = layersProperty.Value.Items!;
        if (layerNodes.Count == 0)
            throw Fail(ModelDiagnosticIds.InvalidLayerSequence, "'layers' is empty; a model needs at least one gru layer.", layersProperty.Value);

        // First pass: kinds, sizes and order, so that the parameter count is known (and capped) before any
        // tensor is converted.
        var plans = new List<LayerPlan>(layerNodes.Count);
        long parameters = 0;
        var sequence = new LayerSequence(inputSize);
        for (int i = 0; i < layerNodes.Count; i++)
        {
            JsonNode node = layerNodes[i];
            string where = $"layers[{i}]";
            if (node.Kind != JsonKind.Object)
                throw Fail(ModelDiagnosticIds.WrongValueType, $"{where} must be an object, but it is {node.Describe()}.", node);

            JsonProperty type = TypeOf(node, where);
            LayerReader reader = LayerReaders.For(type.Value.String!)
                ?? throw Fail(ModelDiagnosticIds.UnknownLayerType, $"{where}: unknown layer type \"{FileText.Quote(type.Value.String!, 64)}\"; expected {LayerReaders.Expected}.", type.Value);
            Dictionary<string, JsonProperty> keys = Properties(node, $"{where} ({reader.TypeName})", reader.Keys);
            if (i > 0 && plans[i - 1].Reader is EmbeddingLayerReader && reader is not GruLayerReader)
                throw Fail(ModelDiagnosticIds.InvalidLayerSequence, $"{where} is a{(reader.TypeName[0] is 'a' or 'e' ? "n" : "")} {reader.TypeName} layer right after the embedding; an embedding must be followed by a gru layer.", type.Value);
            LayerPlan plan = reader.Plan(i, node, keys, type, sequence);
            plans.Add(plan);
            sequence.SeenEmbedding |= reader is EmbeddingLayerReader;
            parameters += plan.Parameters;
            sequence.Width = plan.Width;

            if (i == layerNodes.Count - 1 && !sequence.SeenGru)
                throw Fail(ModelDiagnosticIds.InvalidLayerSequence, reader is EmbeddingLayerReader
                    ? "the model has no gru layer; an embedding must be followed by a gru layer."
                    : "the model has no gru layer; a model needs at least one.", type.Value);
            if (parameters > maxParameters)
                throw Fail(ModelDiagnosticIds.ModelTooLarge, $"The model has more than {maxParameters.ToString(CultureInfo.InvariantCulture)} parameters (counted up to {where}: {parameters.ToString(CultureInfo.InvariantCulture)}). {RaiseParameterLimit}", node);
        }

        // Second pass: the tensors.
        var layers = new LayerDescription[plans.Count];
        for (int p = 0; p < plans.Count; p++) layers[p] = plans[p].Reader.Read(plans[p]);

        int outputSize = layers[layers.Length - 1].OutputSize;
        if (layers[0] is EmbeddingLayerDescription && top.TryGetValue("input_normalization", out JsonProperty? tokenNorm))
            throw Fail(ModelDiagnosticIds.InvalidLayerSequence, "'input_normalization' does not apply to a token model (its first layer is an embedding).", tokenNorm);
        Normalization? inputNormalization = top.TryGetValue("input_normalization", out JsonProperty? inNorm) ? ReadNormalization(inNorm, inputSize, "input_size") : null;
        Normalization? outputNormalization = top.TryGetValue("output_normalization", out JsonProperty? outNorm) ? ReadNormalization(outNorm, outputSize, "the model's output size") : null;
        var model = new ModelDescription(inputSize, layers, inputNormalization, outputNormalization);
        selfCheck = top.TryGetValue("self_check", out JsonProperty? check)
            ? SelfCheck.Read(check.Value, model)
            : null;
        return model;
    }

    // What the first pass learnt of a layer: enough to count its parameters (and cap them) before any tensor is
    // converted, and to read it in the second pass.
    private sealed class LayerPlan
    {
        public LayerPlan(LayerReader reader, int index, JsonNode node, Dictionary<string, JsonProperty> keys, int inputSize, int width, long parameters)
        {
            Reader = reader;
            Index = index;
            Node = node;
            Keys = keys;
            InputSize = inputSize;
            Width = width;
            Parameters = parameters;
        }

        public LayerReader Reader { get; }

        public int Index { get; }

        public string Where => $"layers[{Index}]";

        public JsonNode Node { get; }

        public Dictionary<string, JsonProperty> Keys { get; }

        public int InputSize { get; }

        /// <summary>The layer's output width (a GRU's hidden size, an embedding's dimension).</summary>
        public int Width { get; }

        public long Parameters { get; }

        /// <summary>GRU: linear_before_reset.</summary>
        public bool LinearBeforeReset { get; init; }

        /// <summary>GRU: which way it runs (Width is both directions' outputs for a bidirectional layer).</summary>
        public GruDirection Direction { get; init; }

        /// <summary>Dense and activation layers: the activation.</summary>
        public ActivationFunction? Activation { get; init; }
    }

    // The layers read so far, for the rules on their order (docs/model-format.md).
    private sealed class LayerSequence(int inputSize)
    {
        public int InputSize { get; } = inputSize;

        /// <summary>The width of the last layer read (input_size before the first).</summary>
        public int Width { get; set; } = inputSize;

        public bool SeenGru { get; set; }

        /// <summary>Whether the model takes tokens (its first layer is an embedding).</summary>
        public bool SeenEmbedding { get; set; }
    }

    // One layer kind's part of the reader: its keys, its place in the sequence and sizes (first pass), its
    // tensors (second pass). LayerReaders.For is the one dispatch over the kinds a file may name.
    private abstract class LayerReader
    {
        /// <summary>The kind's 'type' in the file.</summary>
        public abstract string TypeName { get; }

        /// <summary>The description it reads (LayerKindTests checks that every kind has a reader).</summary>
        public abstract Type DescriptionType { get; }

        public abstract string[] Keys { get; }

        public abstract LayerPlan Plan(int index, JsonNode node, Dictionary<string, JsonProperty> keys, JsonProperty type, LayerSequence sequence);

        public abstract LayerDescription Read(LayerPlan plan);
    }

    private static class LayerReaders
    {
        private static readonly LayerReader[] All = { new EmbeddingLayerReader(), new GruLayerReader(), new DenseLayerReader(), new ActivationLayerReader(),
            new LayerNormLayerReader(), new BatchNormLayerReader(), new ArithmeticLayerReader() };

        /// <summary>The kinds a file may name, for GRUT009: "embedding", "gru", "dense", … or "batch_norm".</summary>
        public static string Expected
        {
            get
            {
                var names = new string[All.Length];
                for (int i = 0; i < All.Length; i++) names[i] = $"\"{All[i].TypeName}\"";
                return MessageText.Alternatives(names);
            }
        }

        public static LayerReader? For(string type)
        {
            foreach (LayerReader reader in All)
                if (reader.TypeName == type) return reader;
            return null;
        }
    }

    private static JsonProperty TypeOf(JsonNode layer, string where, string? expected = null)
    {
        expected ??= LayerReaders.Expected;
        JsonProperty? type = null;
        foreach (JsonProperty property in layer.Properties!)
        {
            if (property.Name != "type") continue;
            if (type is not null)
                throw Fail(ModelDiagnosticIds.DuplicateKey, $"{where}: duplicate key 'type'.", property);
            type = property;
        }

        if (type is null)
            throw Fail(ModelDiagnosticIds.MissingKey, $"{where}: missing required key 'type' ({expected}).", layer);
        if (type.Value.Kind != JsonKind.String)
            throw Fail(ModelDiagnosticIds.WrongValueType, $"{where}: 'type' must be a string ({expected}), but it is {type.Value.Describe()}.", type.Value);
        return type;
    }

    private static readonly string[] NormalizationKeys = { "mean", "std" };

    // {"mean": [n numbers], "std": [n numbers > 0]}: x' = (x − mean) / std, or y = y' · std + mean.
    private static Normalization ReadNormalization(JsonProperty property, int size, string sizeName)
    {
        string owner = $"'{property.Name}'";
        JsonNode node = property.Value;
        if (node.Kind != JsonKind.Object)
            throw Fail(ModelDiagnosticIds.WrongValueType, $"{owner} must be an object {{\"mean\": [...], \"std\": [...]}}, but it is {node.Describe()}.", node);
        Dictionary<string, JsonProperty> keys = Properties(node, owner, NormalizationKeys);
        float[] mean = Vector(Required(keys, "mean", node, owner), owner, size, sizeName);
        float[] std = Vector(Required(keys, "std", node, owner), owner, size, sizeName);
        for (int i = 0; i < std.Length; i++)
        {
            if (!(std[i] > 0))
                throw Fail(ModelDiagnosticIds.InvalidSize, $"{owner}: std[{i}] is {std[i].ToString("R", CultureInfo.InvariantCulture)}; every std must be greater than 0.", keys["std"].Value.Items![i]);
        }

        return new Normalization(mean, std);
    }

    private static float[] Vector(JsonProperty property, string owner, int size, string sizeName)
    {
        JsonNode node = property.Value;
        if (node.Kind != JsonKind.Array)
            throw Fail(ModelDiagnosticIds.WrongValueType, $"{owner}: '{property.Name}' must be an array of {size} numbers ({sizeName}), but it is {node.Describe()}.", node);
        if (node.Items!.Count != size)
            throw Fail(ModelDiagnosticIds.TensorShape, $"{owner}: '{property.Name}' has {node.Items.Count} numbers; expected {size} ({sizeName}).", node);
        var values = new float[size];
        for (int i = 0; i < size; i++)
        {
            JsonNode item = node.Items[i];
            if (item.Kind != JsonKind.Number)
                throw Fail(ModelDiagnosticIds.WrongValueType, $"{owner}: {property.Name}[{i}] must be a number, but it is {item.Describe()}.", item);
            if (float.IsNaN(item.Number) || float.IsInfinity(item.Number))
                throw Fail(ModelDiagnosticIds.NonFiniteWeight, $"{owner}: {property.Name}[{i}] is {(float.IsNaN(item.Number) ? "NaN" : item.Number > 0 ? "+Infinity" : "-Infinity")}; it must be finite.", item);
            values[i] = item.Number;
        }

        return values;
    }

    private static Dictionary<string, JsonProperty> Properties(JsonNode node, string owner, string[] allowed)
    {
        var result = new Dictionary<string, JsonProperty>(StringComparer.Ordinal);
        foreach (JsonProperty property in node.Properties!)
        {
            if (result.ContainsKey(property.Name))
                throw Fail(ModelDiagnosticIds.DuplicateKey, $"{owner}: duplicate key '{FileText.Quote(property.Name, 64)}'.", property);
            if (Array.IndexOf(allowed, property.Name) < 0)
                throw Fail(ModelDiagnosticIds.UnknownKey, $"{owner}: unknown key '{FileText.Quote(property.Name, 64)}'; expected one of {string.Join(", ", allowed)}.", property);
            result.Add(property.Name, property);
        }

        return result;
    }

    private static JsonProperty Required(Dictionary<string, JsonProperty> keys, string name, JsonNode owner, string ownerName)
    {
        if (keys.TryGetValue(name, out JsonProperty? property)) return property;
        throw Fail(ModelDiagnosticIds.MissingKey, $"{ownerName}: missing required key '{name}'.", owner);
    }

    private static int Size(JsonProperty property, string owner)
    {
        JsonNode value = property.Value;
        if (value.Kind != JsonKind.Number || !value.IsInteger)
            throw Fail(ModelDiagnosticIds.WrongValueType, $"{owner}: '{property.Name}' must be a JSON integer, but it is {(value.Kind == JsonKind.Number ? "a non-integer number" : value.Describe())}.", value);
        if (value.Integer < 1 || value.Integer > int.MaxValue / 16)
            throw Fail(ModelDiagnosticIds.InvalidSize, $"{owner}: '{property.Name}' is {value.Integer.ToString(CultureInfo.InvariantCulture)}; it must be at least 1 (and at most {(int.MaxValue / 16).ToString(CultureInfo.InvariantCulture)}).", value);
        return (int)value.Integer;
    }

    private static float[] Tensor(LayerPlan plan, string name, string owner, int rows, int columns, string meaning)
    {
        JsonProperty property = Required(plan.Keys, name, plan.Node, owner);
        JsonNode node = property.Value;
        string expected = $"[{rows}][{columns}]";
        if (node.Kind != JsonKind.Array || node.Items!.Count != rows)
            throw Fail(ModelDiagnosticIds.TensorShape, $"{owner}: tensor '{name}' has shape {ShapeOf(node)}; expected {expected} ({meaning}).", node);

        var values = new float[rows * columns];
        for (int r = 0; r < rows; r++)
        {
            JsonNode row = node.Items[r];
            if (row.Kind != JsonKind.Array || row.Items!.Count != columns)
                throw Fail(ModelDiagnosticIds.TensorShape, $"{owner}: tensor '{name}' row {r} is {ShapeOf(row)}; expected {expected} ({meaning}).", row);
            for (int c = 0; c < columns; c++)
                values[r * columns + c] = Number(row.Items[c], owner, $"{name}[{r}][{c}]");
        }

        return values;
    }

    private static float[]? OptionalVector(LayerPlan plan, string name, string owner, int length)
    {
        if (!plan.Keys.TryGetValue(name, out JsonProperty? property)) return null;
        JsonNode node = property.Value;
        if (node.Kind != JsonKind.Array || node.Items!.Count != length)
            throw Fail(ModelDiagnosticIds.TensorShape, $"{owner}: tensor '{name}' has shape {ShapeOf(node)}; expected [{length}].", node);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = Number(node.Items[i], owner, $"{name}[{i}]");
        return values;
    }

    private static float Number(JsonNode node, string owner, string element)
    {
        if (node.Kind != JsonKind.Number)
            throw Fail(ModelDiagnosticIds.WrongValueType, $"{owner}: {element} must be a number, but it is {node.Describe()}.", node);
        float value = node.Number;
        if (float.IsNaN(value) || float.IsInfinity(value))
            throw Fail(ModelDiagnosticIds.NonFiniteWeight, $"{owner}: {element} is {(float.IsNaN(value) ? "NaN" : value > 0 ? "+Infinity" : "-Infinity")} (or out of float range); weights must be finite.", node);
        return value;
    }

    // "[15][3]", "[4] of numbers", "a string", "[3][ragged]" — what a tensor node actually looks like.
    private static string ShapeOf(JsonNode node)
    {
        if (node.Kind != JsonKind.Array) return node.Describe();
        List<JsonNode> items = node.Items!;
        if (items.Count == 0) return "[0]";
        if (items[0].Kind != JsonKind.Array) return $"[{items.Count}]";
        int columns = items[0].Items!.Count;
        foreach (JsonNode item in items)
            if (item.Kind != JsonKind.Array || item.Items!.Count != columns) return $"[{items.Count}][rows of different lengths]";
        return $"[{items.Count}][{columns}]";
    }

    private static ModelFormatErrorException Fail(string id, string message, JsonNode node) =>
        Fail(id, message, node.Line, node.Column);

    private static ModelFormatErrorException Fail(string id, string message, JsonProperty property) =>
        Fail(id, message, property.Line, property.Column);

    private static ModelFormatErrorException Fail(string id, string message, int line, int column) =>
        new ModelFormatErrorException(new ModelFormatError(id, message, line, column));
}
