using System;
using System.Collections.Generic;
using GruTiny.Model.Json;

namespace GruTiny.Model;

internal static partial class ModelDescriptionReader
{
    // {"type": "gru", "hidden_size", "linear_before_reset", "weight_ih", "weight_hh", ["bias_ih"], ["bias_hh"], ["clip"],
    //  ["initial_state"]}
    private sealed class GruLayerReader : LayerReader
    {
        public override string TypeName => "gru";

        public override System.Type DescriptionType => typeof(GruLayerDescription);

        public override string[] Keys { get; } = { "type", "hidden_size", "linear_before_reset", "weight_ih", "weight_hh", "bias_ih", "bias_hh", "clip", "initial_state" };

        public override LayerPlan Plan(int index, JsonNode node, Dictionary<string, JsonProperty> keys, JsonProperty type, LayerSequence sequence)
        {
            string where = $"layers[{index}]";
            sequence.SeenGru = true;
            int width = sequence.Width;
            int hidden = Size(Required(keys, "hidden_size", node, $"{where} (gru)"), $"{where} (gru)");
            JsonProperty lbr = Required(keys, "linear_before_reset", node, $"{where} (gru)");
            if (lbr.Value.Kind != JsonKind.True && lbr.Value.Kind != JsonKind.False)
                throw Fail(ModelDiagnosticIds.WrongValueType, $"{where} (gru): 'linear_before_reset' must be true or false, but it is {lbr.Value.Describe()}.", lbr.Value);
            long count = 3L * hidden * (width + hidden) + (keys.ContainsKey("bias_ih") ? 3L * hidden : 0) + (keys.ContainsKey("bias_hh") ? 3L * hidden : 0);
            return new LayerPlan(this, index, node, keys, width, hidden, count) { LinearBeforeReset = lbr.Value.Kind == JsonKind.True };
        }

        public override LayerDescription Read(LayerPlan plan)
        {
            string owner = $"{plan.Where} (gru)";
            int h = plan.Width;
            float[] wih = Tensor(plan, "weight_ih", owner, 3 * h, plan.InputSize, $"3·hidden_size = {3 * h} rows of input size {plan.InputSize}");
            float[] whh = Tensor(plan, "weight_hh", owner, 3 * h, h, $"3·hidden_size = {3 * h} rows of hidden_size {h}");
            float[]? bih = OptionalVector(plan, "bias_ih", owner, 3 * h);
            float[]? bhh = OptionalVector(plan, "bias_hh", owner, 3 * h);
            float[]? initial = OptionalVector(plan, "initial_state", owner, h);
            if (initial is not null && Array.TrueForAll(initial, v => v == 0)) initial = null; // zeros: the default, computed the same way
            return new GruLayerDescription(plan.InputSize, h, plan.LinearBeforeReset, wih, whh, bih, bhh, ReadClip(plan, owner), initial);
        }

        // ONNX's clip: a threshold above 0 (a clamp to [−clip, clip] of every activation's input).
        private static float? ReadClip(LayerPlan plan, string owner)
        {
            if (!plan.Keys.TryGetValue("clip", out JsonProperty? property)) return null;
            float clip = Number(property.Value, owner, "'clip'");
            if (!(clip > 0))
                throw Fail(ModelDiagnosticIds.InvalidSize, $"{owner}: 'clip' is {clip.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}; it must be greater than 0 (leave it out for no clipping).", property.Value);
            return clip;
        }
    }
}
