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
