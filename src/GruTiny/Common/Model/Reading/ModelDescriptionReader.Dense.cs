using System.Collections.Generic;
using GruTiny.Kernels;
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
            if (!sequence.SeenGru)
                throw Fail(ModelDiagnosticIds.InvalidLayerSequence, index == 0
                    ? $"{where} is a dense layer; the first layer must be a gru layer."
                    : $"{where} is a dense layer right after the embedding; an embedding must be followed by a gru layer.", type.Value);
            sequence.SeenDense = true;
            int width = sequence.Width;
            JsonProperty activation = Required(keys, "activation", node, $"{where} (dense)");
            DenseActivation act = Activation(activation, where);
            JsonProperty weight = Required(keys, "weight", node, $"{where} (dense)");
            int outputs = weight.Value.Kind == JsonKind.Array ? weight.Value.Items!.Count : 0;
            if (outputs == 0)
                throw Fail(ModelDiagnosticIds.TensorShape, $"{where} (dense): tensor 'weight' must be a non-empty array of rows [out][{width}], but it is {ShapeOf(weight.Value)}.", weight.Value);
            return new LayerPlan(this, index, node, keys, width, outputs, (long)outputs * width + (keys.ContainsKey("bias") ? outputs : 0)) { Activation = act };
        }

        public override LayerDescription Read(LayerPlan plan)
        {
            string owner = $"{plan.Where} (dense)";
            float[] weight = Tensor(plan, "weight", owner, plan.Width, plan.InputSize, $"{plan.Width} output rows of the previous layer's width {plan.InputSize}");
            float[]? bias = OptionalVector(plan, "bias", owner, plan.Width);
            return new DenseLayerDescription(plan.InputSize, plan.Width, plan.Activation, weight, bias);
        }
    }
}
