using System;
using System.Numerics.Tensors;

namespace GruTiny.Interpreter.Layers;

/// <summary>
/// One layer of a <see cref="GruNetwork"/>: its buffers, made when the model is loaded, and its step. The
/// network's loop knows no kind; <see cref="InterpreterLayers.For"/> is the one dispatch over kinds.
/// </summary>
internal abstract class InterpreterLayer
{
    protected InterpreterLayer(int outputSize) => Output = new float[outputSize];

    /// <summary>This step's output, which the next layer reads.</summary>
    public float[] Output { get; }

    /// <summary>Floats of recurrent state the layer keeps (0: none).</summary>
    public virtual int StateSize => 0;

    /// <summary>One step from <paramref name="x"/> into <see cref="Output"/>; allocates nothing.</summary>
    public abstract void Step(ReadOnlySpan<float> x);

    /// <summary>
    /// The layer over a whole sequence from its initial state (a model that reads whole sequences): row t of
    /// <paramref name="ys"/> from row t of <paramref name="xs"/>. Step by step unless the layer needs the whole
    /// sequence (a reverse or bidirectional GRU); allocates nothing.
    /// </summary>
    /// <param name="xs">Input rows, <paramref name="inStride"/> apart.</param>
    /// <param name="inStride">Distance between input rows.</param>
    /// <param name="inWidth">Values of each input row the layer reads (its input size).</param>
    /// <param name="ys">Output rows, <paramref name="outStride"/> apart.</param>
    /// <param name="outStride">Distance between output rows.</param>
    /// <param name="steps">Rows.</param>
    public virtual void Sequence(ReadOnlySpan<float> xs, int inStride, int inWidth, Span<float> ys, int outStride, int steps)
    {
        Reset();
        for (int t = 0; t < steps; t++)
        {
            Step(xs.Slice(t * inStride, inWidth));
            Output.CopyTo(ys.Slice(t * outStride, Output.Length));
        }
    }

    public virtual void Reset()
    {
    }

    public virtual void CopyStateTo(Span<float> state)
    {
    }

    public virtual void SetState(ReadOnlySpan<float> state)
    {
    }

    /// <summary>y = W x + b with W row-major [y.Length × x.Length]: one dot product per row.</summary>
    protected static void MatVec(ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, ReadOnlySpan<float> x, Span<float> y)
    {
        int columns = x.Length;
        for (int row = 0; row < y.Length; row++)
            y[row] = TensorPrimitives.Dot(weight.Slice(row * columns, columns), x) + (bias.IsEmpty ? 0f : bias[row]);
    }
}
