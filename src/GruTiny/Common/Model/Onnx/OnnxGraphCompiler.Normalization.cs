using System.Linq;

namespace GruTiny.Model.Onnx;

// LayerNormalization (opset 17) and BatchNormalization in inference mode: layers of their own, over the features.
internal sealed partial class OnnxGraphCompiler
{
    private OnnxValue?[] LayerNormalization(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node, "axis", "epsilon", "stash_type");
        OnnxValue x = Required(node, inputs, 0, "X");
        if (x is not SeqTensor seq)
            throw OpError(node, $"normalises {x.Describe()}; GruTiny normalises the sequence");
        seq = WithFeatures(node, seq, "X");
        long axisAttribute = IntAttribute(node, "axis", -1);
        int axis = NormalizeAxis(node, "axis", axisAttribute, seq.Rank);
        // It normalises over axes axis … rank−1: that must be the features, every later axis of size 1.
        if (!seq.IsFeatureAxis(seq.Axes.Skip(axis).SelectMany(a => a).ToArray()))
            throw AttributeError(node, "axis", $"is {axisAttribute}, which normalises over the {DescribeAxis(seq.Axes.Skip(axis).SelectMany(a => a).ToArray())} axes; GruTiny normalises each step's features (axis -1)");
        // stash_type only says in which type the mean and variance are computed; GruTiny computes them in float64.
        float eps = FloatAttribute(node, "epsilon", 1e-5f);
        if (eps < 0) throw AttributeError(node, "epsilon", "is negative");
        float[] scale = Expand(FeatureVector(node, "Scale", Weight(node, inputs, 1, "Scale"), seq), seq.FeatureSize);
        float[]? bias = inputs.Length > 2 && inputs[2] is not null ? Expand(FeatureVector(node, "B", Weight(node, inputs, 2, "B"), seq), seq.FeatureSize) : null;
        SeqTensor y = seq.With(new LayerNormLayerDescription(seq.FeatureSize, eps, scale, bias));
        CheckParameters(y.Layers, node);
        // Outputs Mean and InvStdDev are not computed (an error only if something reads them).
        return new OnnxValue?[] { y };
    }

    private OnnxValue BatchNormalization(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node, "epsilon", "momentum", "training_mode", "spatial");
        if (IntAttribute(node, "training_mode", 0) != 0)
            throw AttributeError(node, "training_mode", "is 1; GruTiny compiles inference, with the running statistics (export the model in eval mode)");
        if (IntAttribute(node, "spatial", 1) != 1)
            throw AttributeError(node, "spatial", "is 0; GruTiny compiles one mean and variance per feature");
        OnnxValue x = Required(node, inputs, 0, "X");
        if (x is not SeqTensor seq)
            throw OpError(node, $"normalises {x.Describe()}; GruTiny normalises the sequence");
        // The channel axis is axis 1; every other axis is batch or time (on the graph input itself, axis 1 is bound
        // as its features).
        seq = WithFeatures(node, seq, "X", featureAxis: seq.Rank >= 2 ? 1 : -1);
        if (seq.Rank < 2 || !seq.IsFeatureAxis(seq.Axes[1]))
            throw LayoutError(node, $"normalises along axis 1, {(seq.Rank < 2 ? "which its input does not have" : $"the {DescribeAxis(seq.Axes[1])} axis")}; BatchNormalization must normalise the features (transpose them to axis 1 first, as nn.BatchNorm1d expects)");
        float eps = FloatAttribute(node, "epsilon", 1e-5f);
        if (eps < 0) throw AttributeError(node, "epsilon", "is negative");
        int width = seq.FeatureSize;
        float[] scale = Expand(FeatureVector(node, "scale", Weight(node, inputs, 1, "scale"), seq, 1), width);
        float[] bias = Expand(FeatureVector(node, "B", Weight(node, inputs, 2, "B"), seq, 1), width);
        float[] mean = Expand(FeatureVector(node, "input_mean", Weight(node, inputs, 3, "input_mean"), seq, 1), width);
        float[] variance = Expand(FeatureVector(node, "input_var", Weight(node, inputs, 4, "input_var"), seq, 1), width);
        for (int j = 0; j < width; j++)
        {
            if (!(variance[j] >= 0) || !((double)variance[j] + eps > 0))
                throw InputError(node, "input_var", $"holds {variance[j].ToString("R", System.Globalization.CultureInfo.InvariantCulture)} at index {j}; a variance must be at least 0, and var + epsilon greater than 0");
        }

        SeqTensor y = seq.With(new BatchNormLayerDescription(width, eps, mean, variance, scale, bias));
        CheckParameters(y.Layers, node);
        return y;
    }

    private static float[] Expand(float[] values, int width) => values.Length == width ? values : Enumerable.Repeat(values[0], width).ToArray();
}
