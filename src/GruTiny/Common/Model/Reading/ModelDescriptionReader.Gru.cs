using System;
using System.Collections.Generic;
using GruTiny.Model.Json;

namespace GruTiny.Model;

internal static partial class ModelDescriptionReader
{
    // {"type": "gru", "hidden_size", "linear_before_reset", "weight_ih", "weight_hh", ["bias_ih"], ["bias_hh"], ["clip"],
    //  ["initial_state"], ["direction"], and for a bidirectional layer the reverse half's "weight_ih_reverse",
    //  "weight_hh_reverse", ["bias_ih_reverse"], ["bias_hh_reverse"], ["initial_state_reverse"] (PyTorch's names)}
    private sealed class GruLayerReader : LayerReader
    {
        public override string TypeName => "gru";

        public override System.Type DescriptionType => typeof(GruLayerDescription);

        public override string[] Keys { get; } = { "type", "hidden_size", "linear_before_reset", "weight_ih", "weight_hh", "bias_ih", "bias_hh", "clip", "initial_state",
            "direction", "weight_ih_reverse", "weight_hh_reverse", "bias_ih_reverse", "bias_hh_reverse", "initial_state_reverse" };

        private static readonly string[] ReverseKeys = { "weight_ih_reverse", "weight_hh_reverse", "bias_ih_reverse", "bias_hh_reverse", "initial_state_reverse" };

        public override LayerPlan Plan(int index, JsonNode node, Dictionary<string, JsonProperty> keys, JsonProperty type, LayerSequence sequence)
        {
            string where = $"layers[{index}]";
            sequence.SeenGru = true;
            int width = sequence.Width;
            int hidden = Size(Required(keys, "hidden_size", node, $"{where} (gru)"), $"{where} (gru)");
            JsonProperty lbr = Required(keys, "linear_before_reset", node, $"{where} (gru)");
            if (lbr.Value.Kind != JsonKind.True && lbr.Value.Kind != JsonKind.False)
                throw Fail(ModelDiagnosticIds.WrongValueType, $"{where} (gru): 'linear_before_reset' must be true or false, but it is {lbr.Value.Describe()}.", lbr.Value);
            GruDirection direction = ReadDirection(keys, where, sequence);
            long count = 3L * hidden * (width + hidden) + (keys.ContainsKey("bias_ih") ? 3L * hidden : 0) + (keys.ContainsKey("bias_hh") ? 3L * hidden : 0);
            if (direction == GruDirection.Bidirectional)
                count += 3L * hidden * (width + hidden) + (keys.ContainsKey("bias_ih_reverse") ? 3L * hidden : 0) + (keys.ContainsKey("bias_hh_reverse") ? 3L * hidden : 0);
            int outputs = direction == GruDirection.Bidirectional ? 2 * hidden : hidden;
            return new LayerPlan(this, index, node, keys, width, outputs, count) { LinearBeforeReset = lbr.Value.Kind == JsonKind.True, Direction = direction };
        }

        public override LayerDescription Read(LayerPlan plan)
        {
            string owner = $"{plan.Where} (gru)";
            float? clip = ReadClip(plan, owner);
            GruLayerDescription? backward = plan.Direction == GruDirection.Bidirectional ? Half(plan, owner, "_reverse", GruDirection.Reverse, clip, null) : null;
            return Half(plan, owner, "", plan.Direction, clip, backward);
        }

        // One direction's tensors: the plain keys, or with the suffix "_reverse" a bidirectional layer's reverse half.
        private static GruLayerDescription Half(LayerPlan plan, string owner, string suffix, GruDirection direction, float? clip, GruLayerDescription? backward)
        {
            int h = plan.Direction == GruDirection.Bidirectional ? plan.Width / 2 : plan.Width; // Width: both directions' outputs
            float[] wih = Tensor(plan, "weight_ih" + suffix, owner, 3 * h, plan.InputSize, $"3·hidden_size = {3 * h} rows of input size {plan.InputSize}");
            float[] whh = Tensor(plan, "weight_hh" + suffix, owner, 3 * h, h, $"3·hidden_size = {3 * h} rows of hidden_size {h}");
            float[]? bih = OptionalVector(plan, "bias_ih" + suffix, owner, 3 * h);
            float[]? bhh = OptionalVector(plan, "bias_hh" + suffix, owner, 3 * h);
            float[]? initial = OptionalVector(plan, "initial_state" + suffix, owner, h);
            if (initial is not null && Array.TrueForAll(initial, v => v == 0)) initial = null; // zeros: the default, computed the same way
            return new GruLayerDescription(plan.InputSize, h, plan.LinearBeforeReset, wih, whh, bih, bhh, clip, initial, direction, backward);
        }

        // "forward" (the default), "reverse" or "bidirectional"; the reverse half's keys belong to a bidirectional layer only.
        private static GruDirection ReadDirection(Dictionary<string, JsonProperty> keys, string where, LayerSequence sequence)
        {
            GruDirection direction = GruDirection.Forward;
            if (keys.TryGetValue("direction", out JsonProperty? property))
            {
                direction = property.Value.Kind != JsonKind.String ? (GruDirection)(-1) : property.Value.String switch
                {
                    "forward" => GruDirection.Forward,
                    "reverse" => GruDirection.Reverse,
                    "bidirectional" => GruDirection.Bidirectional,
                    _ => (GruDirection)(-1),
                };
                if ((int)direction < 0)
                    throw Fail(property.Value.Kind == JsonKind.String ? ModelDiagnosticIds.InvalidSize : ModelDiagnosticIds.WrongValueType,
                        $"{where} (gru): 'direction' must be \"forward\", \"reverse\" or \"bidirectional\", but it is {(property.Value.Kind == JsonKind.String ? "\"" + FileText.Quote(property.Value.String!, 40) + "\"" : property.Value.Describe())}.", property.Value);
                if (direction != GruDirection.Forward && sequence.SeenEmbedding)
                    throw Fail(ModelDiagnosticIds.UnsupportedFeature, $"{where} (gru): a {property.Value.String} GRU in a token model (an embedding first) is not supported yet; GruTiny compiles reverse and bidirectional GRUs in models that take feature vectors.", property.Value);
            }

            if (direction != GruDirection.Bidirectional)
            {
                foreach (string key in ReverseKeys)
                {
                    if (keys.TryGetValue(key, out JsonProperty? stray))
                        throw Fail(ModelDiagnosticIds.UnknownKey, $"{where} (gru): '{key}' belongs to the reverse half of a bidirectional layer, but 'direction' is \"{(direction == GruDirection.Forward ? "forward" : "reverse")}\"; a {(direction == GruDirection.Forward ? "forward" : "reverse")} layer has its tensors under the plain keys (weight_ih, …).", stray);
                }
            }

            return direction;
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
