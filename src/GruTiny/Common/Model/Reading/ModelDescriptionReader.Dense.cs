using System.Collections.Generic;
using GruTiny.Model.Json;

namespace GruTiny.Model;

internal static partial class ModelDescriptionReader
{
    // {"type": "dense", "activation", "weight": [out][in], ["bias"]}
    private sealed class DenseLayerReader : LayerReader
    {
        public override string TypeName => "dense";

        public override System.Type DescriptionType => typeof(DenseLayerDescription);

        public override string[] Keys { get; } = { "type", "activation", "weight", "bias" };

        public override LayerPlan Plan(int index, JsonNode node, Dictionary<string, JsonProperty> keys, JsonProperty type, LayerSequence sequence)
        {
            string where = $"layers[{index}]";
            int width = sequence.Width;
            JsonProperty weight = Required(keys, "weight", node, $"{where} (dense)");
            int outputs = weight.Value.Kind == JsonKind.Array ? weight.Value.Items!.Count : 0;
            if (outputs == 0)
                throw Fail(ModelDiagnosticIds.TensorShape, $"{where} (dense): tensor 'weight' must be a non-empty array of rows [out][{width}], but it is {ShapeOf(weight.Value)}.", weight.Value);
            ActivationFunction act = ReadActivation(Required(keys, "activation", node, $"{where} (dense)"), $"{where} (dense)", outputs);
            return new LayerPlan(this, index, node, keys, width, outputs, (long)outputs * width + (keys.ContainsKey("bias") ? outputs : 0) + act.ParameterCount) { Activation = act };
        }

        public override LayerDescription Read(LayerPlan plan)
        {
            string owner = $"{plan.Where} (dense)";
            float[] weight = Tensor(plan, "weight", owner, plan.Width, plan.InputSize, $"{plan.Width} output rows of the previous layer's width {plan.InputSize}");
            float[]? bias = OptionalVector(plan, "bias", owner, plan.Width);
            return new DenseLayerDescription(plan.InputSize, plan.Width, plan.Activation!, weight, bias);
        }
    }
}
