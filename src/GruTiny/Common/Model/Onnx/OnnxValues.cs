using System;
using System.Collections.Generic;
using GruTiny.Kernels;

namespace GruTiny.Model.Onnx;

// The abstract values the importer computes for every tensor of a graph. A graph that GruTiny compiles
// applies one per-step function to the input sequence; everything around it is either constant (weights,
// shapes the exporter wrote out), provably zero (the initial state, whatever the batch size), integers
// derived from the input's shape, or layout (transposes and reshapes that only move the time, batch and
// feature axes around).

/// <summary>One abstract tensor value.</summary>
internal abstract class OnnxValue
{
    public abstract string Describe();
}

/// <summary>A tensor whose every element is known: an initializer, a Constant, or folded from those.</summary>
internal sealed class ConstTensor : OnnxValue
{
    public ConstTensor(string source, int elemType, long[] dims, float[]? floats, long[]? ints)
    {
        Source = source;
        ElemType = elemType;
        Dims = dims;
        Floats = floats;
        Ints = ints;
    }

    /// <summary>The initializer or node output it came from, for messages.</summary>
    public string Source { get; }

    public int ElemType { get; }

    public long[] Dims { get; }

    public float[]? Floats { get; }

    public long[]? Ints { get; }

    public bool IsFloat => Floats is not null;

    public int Count => Floats?.Length ?? Ints!.Length;

    public int Rank => Dims.Length;

    public bool AllZero
    {
        get
        {
            if (Floats is not null)
            {
                foreach (float f in Floats) if (f != 0) return false;
                return true;
            }

            foreach (long i in Ints!) if (i != 0) return false;
            return true;
        }
    }

    public ConstTensor WithDims(long[] dims, string source) => new(source, ElemType, dims, Floats, Ints);

    public override string Describe() => $"a constant {OnnxTypes.Name(ElemType)} tensor of shape [{string.Join(",", Dims)}]";
}

/// <summary>
/// A constant repeated along axes whose size is known only at run time: a learned initial state expanded or
/// tiled to the batch (PyTorch's <c>h0.expand(-1, x.size(0), -1)</c>, <c>h0.repeat(1, x.size(0), 1)</c>).
/// <see cref="Value"/> holds it with size 1 on those axes; every element along them is that value.
/// </summary>
internal sealed class BroadcastTensor : OnnxValue
{
    private BroadcastTensor(ConstTensor value, bool[] broadcast)
    {
        Value = value;
        Broadcast = broadcast;
    }

    public ConstTensor Value { get; }

    /// <summary>Per axis: whether its size is known only at run time (Value has size 1 there).</summary>
    public bool[] Broadcast { get; }

    /// <summary>The value repeated along the <paramref name="broadcast"/> axes, or the constant itself when there are none.</summary>
    public static OnnxValue Of(ConstTensor value, bool[] broadcast) =>
        Array.IndexOf(broadcast, true) < 0 ? value : new BroadcastTensor(value, broadcast);

    public override string Describe()
    {
        var dims = new string[Value.Rank];
        for (int i = 0; i < dims.Length; i++) dims[i] = Broadcast[i] ? "?" : Value.Dims[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"a constant {OnnxTypes.Name(Value.ElemType)} tensor repeated to a shape known only at run time, [{string.Join(",", dims)}]";
    }
}

/// <summary>A tensor of zeros whose shape may depend on the input (ConstantOfShape, Expand of a zero).</summary>
internal sealed class ZeroTensor : OnnxValue
{
    public static readonly ZeroTensor Instance = new();

    public override string Describe() => "a tensor of zeros";
}

/// <summary>
/// Integers computed from the input's shape (Shape, and what is gathered, sliced or concatenated from it).
/// Each element is a known value, the dimension of one axis of the input (its factors), or unknown.
/// </summary>
internal sealed class ShapeInts : OnnxValue
{
    public ShapeInts(int rank, DimTerm[]? elements)
    {
        Rank = rank;
        Elements = elements;
    }

    /// <summary>0 for a scalar, 1 for a vector.</summary>
    public int Rank { get; }

    /// <summary>Null when even the number of elements is unknown.</summary>
    public DimTerm[]? Elements { get; }

    public override string Describe() => "integers computed from the input's shape";
}

/// <summary>An element of <see cref="ShapeInts"/>.</summary>
internal sealed class DimTerm
{
    public static readonly DimTerm Unknown = new(-1, null);

    /// <param name="value">The value, or −1 for unknown.</param>
    /// <param name="factors">The factors of the input axis this is the size of, or null.</param>
    /// <param name="constant">A negative <paramref name="value"/> is a constant too (the −1 of a shape PyTorch concatenates), not "unknown".</param>
    public DimTerm(long value, Factor[]? factors, bool constant = false)
    {
        Value = value;
        Factors = factors;
        IsConstant = factors is null && (value >= 0 || constant);
    }

    /// <summary>The value, or −1 when it is not a known constant.</summary>
    public long Value { get; }

    /// <summary>The factors of the input axis this is the size of, or null.</summary>
    public Factor[]? Factors { get; }

    /// <summary>Whether <see cref="Value"/> is a known number (negative ones included).</summary>
    public bool IsConstant { get; }

    public bool IsUnknown => !IsConstant && Factors is null;
}

/// <summary>
/// A dimension of the input that is not known to be 1: a graph-input dimension (later bound to the role
/// of time, batch or input features) or the current feature axis.
/// </summary>
internal sealed class Factor : IEquatable<Factor>
{
    public Factor(int symbol, long size)
    {
        Symbol = symbol;
        Size = size;
    }

    /// <summary>The graph input's axis number, or a negative number unique to one layer's feature axis.</summary>
    public int Symbol { get; }

    /// <summary>The size, or −1 when it is only known at run time.</summary>
    public long Size { get; }

    public bool IsFeature => Symbol < 0;

    public bool Equals(Factor? other) => other is not null && other.Symbol == Symbol;

    public override bool Equals(object? obj) => Equals(obj as Factor);

    public override int GetHashCode() => Symbol;
}

/// <summary>A dense layer whose MatMul (and perhaps Add) has been seen but not yet its activation.</summary>
internal sealed class PendingDense
{
    public PendingDense(int inputSize, int outputSize, float[] weight, float[]? bias, string source)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        Weight = weight;
        Bias = bias;
        Source = source;
    }

    public int InputSize { get; }

    public int OutputSize { get; }

    /// <summary>[out × in] row-major, as nn.Linear holds it.</summary>
    public float[] Weight { get; }

    public float[]? Bias { get; }

    /// <summary>The node that started the layer, for messages.</summary>
    public string Source { get; }

    public PendingDense WithBias(float[] bias) => new(InputSize, OutputSize, Weight, bias, Source);

    public DenseLayerDescription Finish(ActivationFunction activation) => new(InputSize, OutputSize, activation, Weight, Bias);
}

/// <summary>
/// The input sequence with the layers applied so far: its axes (each a product of factors; an axis of size
/// 1 has none), the current feature size, the finished layers and a dense layer still open.
/// </summary>
internal sealed class SeqTensor : OnnxValue
{
    public SeqTensor(Factor[][] axes, Factor[]? feature, int featureSize, LayerDescription[] layers, PendingDense? pending, bool finalOnly)
    {
        Axes = axes;
        Feature = feature;
        FeatureSize = featureSize;
        Layers = layers;
        Pending = pending;
        FinalOnly = finalOnly;
    }

    public Factor[][] Axes { get; }

    public int Rank => Axes.Length;

    /// <summary>
    /// The factors of the current feature axis: one, or for a bidirectional GRU's output the direction's and the
    /// hidden units' (PyTorch's [dir, hidden] merged by a Reshape); null for the graph input, or when the width is 1.
    /// </summary>
    public Factor[]? Feature { get; }

    /// <summary>The width of the per-step vector, or −1 for the graph input while its width is not yet known.</summary>
    public int FeatureSize { get; }

    public LayerDescription[] Layers { get; }

    public PendingDense? Pending { get; }

    /// <summary>Only the last time step is present (Y_h, or a gather of the last step).</summary>
    public bool FinalOnly { get; }

    /// <summary>Whether any layer applies yet (finished or open); false for the graph input as it is.</summary>
    public bool HasLayers => Layers.Length > 0 || Pending is not null;

    /// <summary>The same sequence with <paramref name="layer"/> applied (an open dense layer closed first): same axes, same width.</summary>
    public SeqTensor With(LayerDescription layer)
    {
        LayerDescription[] before = LayersWithPending();
        var all = new LayerDescription[before.Length + 1];
        Array.Copy(before, all, before.Length);
        all[before.Length] = layer;
        return new SeqTensor(Axes, Feature, FeatureSize, all, null, FinalOnly);
    }

    public SeqTensor WithAxes(Factor[][] axes) => new(axes, Feature, FeatureSize, Layers, Pending, FinalOnly);

    public SeqTensor WithAxes(Factor[][] axes, bool finalOnly) => new(axes, Feature, FeatureSize, Layers, Pending, finalOnly);

    /// <summary>Whether an axis is exactly the current feature axis (any size-1 axis when the width is 1).</summary>
    public bool IsFeatureAxis(Factor[] axis) =>
        (axis.Length > 0 && Feature is not null && axis.AsSpan().SequenceEqual(Feature)) || (axis.Length == 0 && FeatureSize == 1);

    /// <summary>The same value with an open dense layer closed as linear (no activation).</summary>
    public LayerDescription[] LayersWithPending()
    {
        if (Pending is null) return Layers;
        var all = new LayerDescription[Layers.Length + 1];
        Array.Copy(Layers, all, Layers.Length);
        all[Layers.Length] = Pending.Finish(ActivationFunction.Linear);
        return all;
    }

    public static Factor[][] CopyAxes(Factor[][] axes)
    {
        var copy = new Factor[axes.Length][];
        Array.Copy(axes, copy, axes.Length);
        return copy;
    }

    public override string Describe() => FinalOnly ? "the final step of the sequence" : "the sequence";
}

/// <summary>
/// Final hidden states of several layers stacked together (PyTorch's h_n): fine as an extra output, and one layer's
/// may be taken out again along the stacking axis; nothing else.
/// </summary>
internal sealed class StateStack : OnnxValue
{
    /// <summary>A stack whose parts are not known (moved by a layout operator).</summary>
    public static readonly StateStack Instance = new(null, -1);

    public StateStack(SeqTensor[]? parts, int axis, string? why = null)
    {
        Parts = parts;
        Axis = axis;
        Why = why;
    }

    /// <summary>Why nothing may be computed from it, when a GRU said so (its final states are no step's output).</summary>
    public string? Why { get; }

    /// <summary>Each layer's final state, in stacking order, each of size 1 along <see cref="Axis"/>; null when not known.</summary>
    public SeqTensor[]? Parts { get; }

    public int Axis { get; }

    /// <summary>The same stack after a layout operator moved its axes: its parts can no longer be taken out.</summary>
    public StateStack Moved() => Why is null ? Instance : new(null, -1, Why);

    public override string Describe() => Why ?? "stacked final hidden states";
}

/// <summary>ONNX TensorProto data types by number.</summary>
internal static class OnnxTypes
{
    public const int Float = 1;
    public const int Uint8 = 2;
    public const int Int8 = 3;
    public const int Uint16 = 4;
    public const int Int16 = 5;
    public const int Int32 = 6;
    public const int Int64 = 7;
    public const int String = 8;
    public const int Bool = 9;
    public const int Float16 = 10;
    public const int Double = 11;
    public const int Uint32 = 12;
    public const int Uint64 = 13;

    private static readonly Dictionary<int, string> Names = new()
    {
        [0] = "UNDEFINED", [1] = "FLOAT", [2] = "UINT8", [3] = "INT8", [4] = "UINT16", [5] = "INT16", [6] = "INT32",
        [7] = "INT64", [8] = "STRING", [9] = "BOOL", [10] = "FLOAT16", [11] = "DOUBLE", [12] = "UINT32",
        [13] = "UINT64", [14] = "COMPLEX64", [15] = "COMPLEX128", [16] = "BFLOAT16",
    };

    public static string Name(int type) => Names.TryGetValue(type, out string? name) ? name : $"type {type}";

    /// <summary>Integer types whose values fit a long and that the importer reads (shapes, indices, masks).</summary>
    public static bool IsInteger(int type) =>
        type is Int64 or Int32 or Int16 or Int8 or Uint8 or Uint16 or Uint32 or Bool or Uint64;
}

/// <summary>
/// An element-wise expression of the sequence <see cref="X"/> (each feature of each step alone, or with its step's
/// mean), built by exporters' decompositions and recognised as a function where something else uses it.
/// </summary>
internal sealed class SeqExpr : OnnxValue
{
    public SeqExpr(SeqTensor x, Expr e, string? source = null)
    {
        X = x;
        E = e;
        Source = source ?? "";
    }

    public SeqTensor X { get; }

    public Expr E { get; }

    /// <summary>The node the expression started at, for messages.</summary>
    public string Source { get; }

    public override string Describe() => "an element-wise expression of the sequence";
}

/// <summary>A node of a <see cref="SeqExpr"/>.</summary>
internal abstract class Expr
{
}

/// <summary>The sequence's value itself.</summary>
internal sealed class XExpr : Expr
{
    public static readonly XExpr Instance = new();
}

/// <summary>A constant: one value, or one per feature.</summary>
internal sealed class ConstExpr(float[] values) : Expr
{
    public float[] Values { get; } = values;

    public float[] Expand(int width) => Values.Length == width ? Values
        : Values.Length == 1 ? System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Repeat(Values[0], width))
        : throw new InvalidOperationException($"A constant of {Values.Length} values does not expand to {width} features.");
}

/// <summary>Erf, Tanh, Sigmoid, Abs, Sqrt, Neg, or Mean (of the step's features).</summary>
internal sealed class UnaryExpr(string op, Expr a) : Expr
{
    public string Op { get; } = op;

    public Expr A { get; } = a;
}

/// <summary>Add, Sub, Mul, Div or Pow.</summary>
internal sealed class BinaryExpr(string op, Expr a, Expr b) : Expr
{
    public string Op { get; } = op;

    public Expr A { get; } = a;

    public Expr B { get; } = b;
}
