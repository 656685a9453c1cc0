using System.Collections.Generic;
using GruTiny.Kernels;
using GruTiny.Model.Json;

namespace GruTiny.Model;

internal static partial class ModelDescriptionReader
{
    private static readonly string[] ArithmeticStepKeys = { "op", "value" };

    // {"type": "arithmetic", "steps": [{"op": "sub", "value": [...]}, {"op": "div", "value": [...]}]}: in order, each
    // value one number for all features or one per feature.
    private sealed class ArithmeticLayerReader : LayerReader
    {
        public override string TypeName => "arithmetic";

        public override System.Type DescriptionType => typeof(ArithmeticLayerDescription);

        public override string[] Keys { get; } = { "type", "steps" };

        public override LayerPlan Plan(int index, JsonNode node, Dictionary<string, JsonProperty> keys, JsonProperty type, LayerSequence sequence)
        {
            string where = $"layers[{index}] (arithmetic)";
            JsonProperty steps = Required(keys, "steps", node, where);
            if (steps.Value.Kind != JsonKind.Array || steps.Value.Items!.Count == 0)
                throw Fail(ModelDiagnosticIds.WrongValueType, $"{where}: 'steps' must be a non-empty array of {{\"op\": ..., \"value\": [...]}}, but it is {steps.Value.Describe()}.", steps.Value);
            long count = 0;
            foreach (JsonNode step in steps.Value.Items)
                count += step.Kind == JsonKind.Object && step.Properties!.Find(p => p.Name == "value") is { Value: { Kind: JsonKind.Array } v } ? v.Items!.Count : 0;
            return new LayerPlan(this, index, node, keys, sequence.Width, sequence.Width, count);
        }

        public override LayerDescription Read(LayerPlan plan)
        {
            string owner = $"{plan.Where} (arithmetic)";
            List<JsonNode> items = plan.Keys["steps"].Value.Items!;
            var steps = new ArithmeticStep[items.Count];
            for (int i = 0; i < steps.Length; i++)
            {
                JsonNode item = items[i];
                string where = $"{owner}: steps[{i}]";
                if (item.Kind != JsonKind.Object)
                    throw Fail(ModelDiagnosticIds.WrongValueType, $"{where} must be an object {{\"op\": ..., \"value\": [...]}}, but it is {item.Describe()}.", item);
                Dictionary<string, JsonProperty> keys = Properties(item, where, ArithmeticStepKeys);
                JsonProperty op = Required(keys, "op", item, where);
                if (op.Value.Kind != JsonKind.String)
                    throw Fail(ModelDiagnosticIds.WrongValueType, $"{where}: 'op' must be a string ({ArithmeticNames.Expected}), but it is {op.Value.Describe()}.", op.Value);
                if (!ArithmeticNames.TryParse(op.Value.String, out ArithmeticOperator oper))
                    throw Fail(ModelDiagnosticIds.UnknownActivation, $"{where}: unknown 'op' \"{FileText.Quote(op.Value.String!, 32)}\"; expected {ArithmeticNames.Expected}.", op.Value);
                JsonProperty value = Required(keys, "value", item, where);
                int count = value.Value.Kind == JsonKind.Array ? value.Value.Items!.Count : -1;
                if (count != 1 && count != plan.Width)
                    throw Fail(ModelDiagnosticIds.TensorShape, $"{where}: 'value' has shape {ShapeOf(value.Value)}; expected {(plan.Width == 1 ? "[1]" : $"[1] or [{plan.Width}] (one per feature)")}.", value.Value);
                var values = new float[count];
                for (int j = 0; j < count; j++)
                {
                    values[j] = Number(value.Value.Items![j], where, $"value[{j}]");
                    if (oper == ArithmeticOperator.Divide && values[j] == 0)
                        throw Fail(ModelDiagnosticIds.InvalidSize, $"{where}: value[{j}] is 0; a model does not divide by zero.", value.Value.Items[j]);
                }

                steps[i] = new ArithmeticStep(oper, values);
            }

            return new ArithmeticLayerDescription(plan.Width, steps);
        }
    }
}
