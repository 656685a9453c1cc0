using System.Collections.Generic;
using GruTiny.Model.Json;

namespace GruTiny.Model;

internal static partial class ModelDescriptionReader
{
    // {"type": "embedding", "weight": [vocabulary][dimension]}, only ever the first layer.
    private sealed class EmbeddingLayerReader : LayerReader
    {
        public override string TypeName => "embedding";

        public override System.Type DescriptionType => typeof(EmbeddingLayerDescription);

        public override string[] Keys { get; } = { "type", "weight" };

        public override LayerPlan Plan(int index, JsonNode node, Dictionary<string, JsonProperty> keys, JsonProperty type, LayerSequence sequence)
        {
            string where = $"layers[{index}]";
            if (index != 0)
                throw Fail(ModelDiagnosticIds.InvalidLayerSequence, $"{where} is an embedding layer; it may only be the first layer.", type.Value);
            JsonProperty weight = Required(keys, "weight", node, $"{where} (embedding)");
            int rows = weight.Value.Kind == JsonKind.Array ? weight.Value.Items!.Count : 0;
            int dim = rows > 0 && weight.Value.Items![0].Kind == JsonKind.Array ? weight.Value.Items[0].Items!.Count : 0;
            if (rows == 0 || dim == 0)
                throw Fail(ModelDiagnosticIds.TensorShape, $"{where} (embedding): tensor 'weight' must be a non-empty array of rows [vocabulary][dimension], but it is {ShapeOf(weight.Value)}.", weight.Value);
            if (rows > 1 << 24)
                throw Fail(ModelDiagnosticIds.InvalidSize, $"{where} (embedding): {rows} rows; a vocabulary has at most {1 << 24} tokens (token ids travel as float32 through the IGruModel API, exact up to 2^24).", weight.Value);
            if (rows != sequence.InputSize)
                throw Fail(ModelDiagnosticIds.TensorShape, $"{where} (embedding): tensor 'weight' has {rows} rows but 'input_size' is {sequence.InputSize}; for a token model input_size is the vocabulary size.", weight.Value);
            return new LayerPlan(this, index, node, keys, rows, dim, (long)rows * dim);
        }

        public override LayerDescription Read(LayerPlan plan)
        {
            float[] weight = Tensor(plan, "weight", $"{plan.Where} (embedding)", plan.InputSize, plan.Width, $"{plan.InputSize} rows (the vocabulary) of dimension {plan.Width}");
            return new EmbeddingLayerDescription(plan.InputSize, plan.Width, weight);
        }
    }
}
