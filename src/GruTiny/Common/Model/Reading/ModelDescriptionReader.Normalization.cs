using System.Collections.Generic;
using System.Globalization;
using GruTiny.Model.Json;

namespace GruTiny.Model;

internal static partial class ModelDescriptionReader
{
    // {"type": "layer_norm", "eps", ["weight"], ["bias"]}: over the features of each step.
    private sealed class LayerNormLayerReader : LayerReader
    {
        public override string TypeName => "layer_norm";

        public override System.Type DescriptionType => typeof(LayerNormLayerDescription);

        public override string[] Keys { get; } = { "type", "eps", "weight", "bias" };

        public override LayerPlan Plan(int index, JsonNode node, Dictionary<string, JsonProperty> keys, JsonProperty type, LayerSequence sequence) =>
            new(this, index, node, keys, sequence.Width, sequence.Width,
                (keys.ContainsKey("weight") ? sequence.Width : 0) + (keys.ContainsKey("bias") ? sequence.Width : 0));

        public override LayerDescription Read(LayerPlan plan)
        {
            string owner = $"{plan.Where} (layer_norm)";
            float eps = Epsilon(plan, owner);
            return new LayerNormLayerDescription(plan.Width, eps,
                OptionalVector(plan, "weight", owner, plan.Width), OptionalVector(plan, "bias", owner, plan.Width));
        }
    }

    // {"type": "batch_norm", "eps", "running_mean", "running_var", ["weight"], ["bias"]}: inference mode.
    private sealed class BatchNormLayerReader : LayerReader
    {
        public override string TypeName => "batch_norm";

        public override System.Type DescriptionType => typeof(BatchNormLayerDescription);

        public override string[] Keys { get; } = { "type", "eps", "running_mean", "running_var", "weight", "bias" };

        public override LayerPlan Plan(int index, JsonNode node, Dictionary<string, JsonProperty> keys, JsonProperty type, LayerSequence sequence) =>
            new(this, index, node, keys, sequence.Width, sequence.Width,
                2L * sequence.Width + (keys.ContainsKey("weight") ? sequence.Width : 0) + (keys.ContainsKey("bias") ? sequence.Width : 0));

        public override LayerDescription Read(LayerPlan plan)
        {
            string owner = $"{plan.Where} (batch_norm)";
            float eps = Epsilon(plan, owner);
            int width = plan.Width;
            Required(plan.Keys, "running_mean", plan.Node, owner);
            Required(plan.Keys, "running_var", plan.Node, owner);
            float[] mean = OptionalVector(plan, "running_mean", owner, width)!;
            float[] variance = OptionalVector(plan, "running_var", owner, width)!;
            for (int j = 0; j < width; j++)
            {
                if (!(variance[j] >= 0) || !((double)variance[j] + eps > 0))
                    throw Fail(ModelDiagnosticIds.InvalidSize, $"{owner}: running_var[{j}] is {variance[j].ToString("R", CultureInfo.InvariantCulture)}; a variance must be at least 0, and var + eps greater than 0.", plan.Keys["running_var"].Value.Items![j]);
            }

            return new BatchNormLayerDescription(width, eps, mean, variance,
                OptionalVector(plan, "weight", owner, width), OptionalVector(plan, "bias", owner, width));
        }
    }

    // eps: a finite number ≥ 0 (PyTorch's default 1e-5 is written out by the exporter, never assumed).
    private static float Epsilon(LayerPlan plan, string owner)
    {
        JsonProperty property = Required(plan.Keys, "eps", plan.Node, owner);
        float eps = Number(property.Value, owner, "'eps'");
        if (eps < 0)
            throw Fail(ModelDiagnosticIds.InvalidSize, $"{owner}: 'eps' is {eps.ToString("R", CultureInfo.InvariantCulture)}; it must be at least 0.", property.Value);
        return eps;
    }
}
