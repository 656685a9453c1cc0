namespace GruTiny.Model.Reference;

/// <summary>A dense layer and its activation in float64.</summary>
internal sealed class DenseReference(DenseLayerDescription layer) : ReferenceLayer
{
    public override double[] Step(double[] x)
    {
        var y = new double[layer.OutputSize];
        for (int o = 0; o < y.Length; o++)
        {
            double acc = Bias(layer.Bias, o);
            for (int k = 0; k < layer.InputSize; k++) acc += layer.Weight[o * layer.InputSize + k] * x[k];
            y[o] = acc;
        }

        ActivationReference.Apply(layer.Activation, y);
        return y;
    }
}
