namespace GruTiny.Model.Reference;

/// <summary>An activation layer in float64.</summary>
internal sealed class ActivationLayerReference(ActivationLayerDescription layer) : ReferenceLayer
{
    public override double[] Step(double[] x)
    {
        double[] y = (double[])x.Clone();
        ActivationReference.Apply(layer.Activation, y);
        return y;
    }
}
