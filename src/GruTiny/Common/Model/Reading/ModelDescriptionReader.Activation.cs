using System.Collections.Generic;
using System.Globalization;
using GruTiny.Kernels;
using GruTiny.Model.Json;

namespace GruTiny.Model;

internal static partial class ModelDescriptionReader
{
    // {"type": "activation", "activation": "gelu" | {"type": "leaky_relu", "negative_slope": 0.2}}: f(x), same width.
    private sealed class ActivationLayerReader : LayerReader
    {
        public override string TypeName => "activation";

        public override System.Type DescriptionType => typeof(ActivationLayerDescription);

        public override string[] Keys { get; } = { "type", "activation" };

        public override LayerPlan Plan(int index, JsonNode node, Dictionary<string, JsonProperty> keys, JsonProperty type, LayerSequence sequence)
        {
            string where = $"layers[{index}] (activation)";
            ActivationFunction act = ReadActivation(Required(keys, "activation", node, where), where, sequence.Width);
            return new LayerPlan(this, index, node, keys, sequence.Width, sequence.Width, act.ParameterCount) { Activation = act };
        }

        public override LayerDescription Read(LayerPlan plan) => new ActivationLayerDescription(plan.Width, plan.Activation!);
    }

    // The parameters each activation takes in its object form, with PyTorch's defaults (docs/model-format.md).
    private static string[] ActivationKeys(ActivationKind kind) => kind switch
    {
        ActivationKind.LeakyRelu => new[] { "type", "negative_slope" },
        ActivationKind.Elu => new[] { "type", "alpha" },
        ActivationKind.Hardtanh => new[] { "type", "min_val", "max_val" },
        ActivationKind.Hardsigmoid => new[] { "type", "alpha", "beta" },
        ActivationKind.Prelu => new[] { "type", "weight" },
        _ => new[] { "type" },
    };

    /// <summary>"name", or {"type": "name", parameters…}, for a layer of <paramref name="width"/> outputs.</summary>
    private static ActivationFunction ReadActivation(JsonProperty property, string owner, int width)
    {
        JsonNode node = property.Value;
        JsonNode nameNode;
        Dictionary<string, JsonProperty>? parameters = null;
        if (node.Kind == JsonKind.Object)
        {
            nameNode = TypeOf(node, $"{owner}: 'activation'", "the activation's name").Value;
        }
        else if (node.Kind == JsonKind.String)
        {
            nameNode = node;
        }
        else
        {
            throw Fail(ModelDiagnosticIds.WrongValueType, $"{owner}: 'activation' must be a name (\"relu\") or an object ({{\"type\": \"leaky_relu\", \"negative_slope\": 0.2}}), but it is {node.Describe()}.", node);
        }

        if (!ActivationNames.TryParse(nameNode.String, out ActivationKind kind))
            throw Fail(ModelDiagnosticIds.UnknownActivation, $"{owner}: unknown activation \"{FileText.Quote(nameNode.String!, 64)}\"; expected {ActivationNames.Expected}.", nameNode);
        if (node.Kind == JsonKind.Object)
            parameters = Properties(node, $"{owner}: activation '{ActivationNames.Name(kind)}'", ActivationKeys(kind));

        string where = $"{owner}: activation '{ActivationNames.Name(kind)}'";
        float Param(string key, float fallback) =>
            parameters is not null && parameters.TryGetValue(key, out JsonProperty? p) ? Number(p.Value, where, $"'{key}'") : fallback;

        switch (kind)
        {
            case ActivationKind.LeakyRelu:
                return new ActivationFunction(kind, Param("negative_slope", ActivationFunction.DefaultNegativeSlope));
            case ActivationKind.Elu:
                return new ActivationFunction(kind, Param("alpha", ActivationFunction.DefaultEluAlpha));
            case ActivationKind.Hardsigmoid:
                return new ActivationFunction(kind, Param("alpha", ActivationFunction.DefaultHardsigmoidAlpha), Param("beta", ActivationFunction.DefaultHardsigmoidBeta));
            case ActivationKind.Hardtanh:
                float min = Param("min_val", ActivationFunction.DefaultMinVal), max = Param("max_val", ActivationFunction.DefaultMaxVal);
                if (!(min < max))
                    throw Fail(ModelDiagnosticIds.InvalidSize, $"{where}: min_val {min.ToString("R", CultureInfo.InvariantCulture)} must be less than max_val {max.ToString("R", CultureInfo.InvariantCulture)}.", node);
                return new ActivationFunction(kind, min, max);
            case ActivationKind.Prelu:
                if (parameters is null || !parameters.TryGetValue("weight", out JsonProperty? weight))
                    throw Fail(ModelDiagnosticIds.MissingKey, $"{where}: missing required key 'weight' (the learned slopes: [1] or [{width}]); write the activation as {{\"type\": \"prelu\", \"weight\": [...]}}.", node);
                int count = weight.Value.Kind == JsonKind.Array ? weight.Value.Items!.Count : -1;
                if (count != 1 && count != width)
                    throw Fail(ModelDiagnosticIds.TensorShape, $"{where}: tensor 'weight' has shape {ShapeOf(weight.Value)}; expected {(width == 1 ? "[1]" : $"[1] (one slope) or [{width}] (one per feature)")}.", weight.Value);
                var slopes = new float[count];
                for (int i = 0; i < count; i++) slopes[i] = Number(weight.Value.Items![i], where, $"weight[{i}]");
                return new ActivationFunction(kind, slopes: slopes);
            default:
                return new ActivationFunction(kind);
        }
    }
}
