namespace GruTiny.Model.Reference;

/// <summary>
/// One layer of the float64 reference (<see cref="ReferenceModel"/>): the layer's equations computed the plainest
/// way, straight from PyTorch's tensor layout. <see cref="ReferenceLayers.For"/> is the one dispatch over kinds.
/// </summary>
internal abstract class ReferenceLayer
{
    /// <summary>Floats of recurrent state the layer keeps (0: none).</summary>
    public virtual int StateSize => 0;

    /// <summary>One step: the layer's output for <paramref name="x"/>, a new array.</summary>
    public abstract double[] Step(double[] x);

    /// <summary>
    /// The layer over a whole sequence from its current state, a new array per step. Step by step unless the layer
    /// reads the whole sequence (a reverse or bidirectional GRU).
    /// </summary>
    public virtual double[][] Sequence(double[][] xs)
    {
        var ys = new double[xs.Length][];
        for (int t = 0; t < xs.Length; t++) ys[t] = (double[])Step(xs[t]).Clone();
        return ys;
    }

    public virtual void Reset()
    {
    }

    /// <summary>Copies the state into <paramref name="state"/> from <paramref name="at"/>.</summary>
    public virtual void CopyState(double[] state, int at)
    {
    }

    protected static double Bias(float[]? bias, int index) => bias is null ? 0 : bias[index];

    protected static double Sigmoid(double x) => 1 / (1 + System.Math.Exp(-x));
}
