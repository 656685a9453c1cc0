using System;
using System.Linq;
using GruTiny.Kernels;

namespace GruTiny.Model.Onnx;

// The operators that become layers: GRU, MatMul or Gemm (+ Add) as a dense layer, and the activations, which
// close an open dense layer or stand as layers of their own. The normalisations are in OnnxGraphCompiler.Normalization.cs.
internal sealed partial class OnnxGraphCompiler
{
    private OnnxValue?[] Gru(OnnxNode node, OnnxValue?[] inputs)
    {
        long layout = 0, linearBeforeReset = 0, hiddenAttribute = -1;
        float? clip = null;
        GruDirection direction = GruDirection.Forward;
        OnnxAttribute? activations = null;
        foreach (OnnxAttribute a in node.Attributes)
        {
            switch (a.Name)
            {
                case "direction":
                    direction = a.S switch
                    {
                        "forward" => GruDirection.Forward,
                        "reverse" => GruDirection.Reverse,
                        "bidirectional" => GruDirection.Bidirectional,
                        _ => throw AttributeError(node, "direction", $"is \"{FileText.Quote(a.S, 40, asciiOnly: true)}\"; it must be \"forward\", \"reverse\" or \"bidirectional\""),
                    };
                    break;
                case "activations":
                    activations = a; // checked below: how many it lists depends on the direction, which may come after it
                    break;
                case "activation_alpha":
                case "activation_beta":
                    throw AttributeError(node, a.Name, "is given; GruTiny computes the default activations, which take no parameters");
                case "clip":
                    clip = FloatAttribute(node, "clip", 0);
                    if (!(clip > 0))
                        throw AttributeError(node, "clip", $"is {clip.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}; it must be greater than 0 (every activation's input is clamped to [-clip, clip])");
                    break;
                case "hidden_size":
                    hiddenAttribute = IntAttribute(node, "hidden_size", -1);
                    if (hiddenAttribute < 1) throw AttributeError(node, "hidden_size", $"is {hiddenAttribute}; it must be at least 1");
                    break;
                case "layout":
                    layout = IntAttribute(node, "layout", 0);
                    if (layout is not (0 or 1)) throw AttributeError(node, "layout", $"is {layout}; it must be 0 or 1");
                    break;
                case "linear_before_reset":
                    linearBeforeReset = IntAttribute(node, "linear_before_reset", 0);
                    if (linearBeforeReset is not (0 or 1)) throw AttributeError(node, "linear_before_reset", $"is {linearBeforeReset}; it must be 0 or 1");
                    break;
                default:
                    throw AttributeError(node, a.Name, "is not an attribute of GRU that GruTiny knows");
            }
        }

        // [f, g] per direction: [Sigmoid, Tanh], or [Sigmoid, Tanh, Sigmoid, Tanh] for a bidirectional GRU.
        if (activations is not null)
        {
            int count = direction == GruDirection.Bidirectional ? 4 : 2;
            bool defaults = activations.Strings.Count == count && Enumerable.Range(0, count).All(i =>
                string.Equals(activations.Strings[i], i % 2 == 0 ? "Sigmoid" : "Tanh", StringComparison.OrdinalIgnoreCase));
            if (!defaults)
                throw AttributeError(node, "activations", $"is [{string.Join(", ", activations.Strings.Select(s => FileText.Quote(s, 40, asciiOnly: true)))}]; GruTiny computes the default activations only, [Sigmoid, Tanh]{(count == 4 ? " for each of the two directions" : "")}");
        }

        OnnxValue x = Required(node, inputs, 0, "X");
        ConstTensor w = Weight(node, inputs, 1, "W");
        ConstTensor r = Weight(node, inputs, 2, "R");
        ConstTensor? b = inputs.Length > 3 && inputs[3] is not null ? Weight(node, inputs, 3, "B") : null;
        if (node.Input(4).Length > 0)
            throw InputError(node, "sequence_lens", "is given; GruTiny runs every sequence to its end (export without sequence lengths, or pack sequences yourself)");

        int directions = direction == GruDirection.Bidirectional ? 2 : 1;
        string dirs = directions == 1 ? "one direction" : "two directions";
        if (r.Rank != 3 || r.Dims[0] != directions || r.Dims[1] != 3 * r.Dims[2])
            throw ShapeError(node, "R", r, $"[{directions}, 3·hidden_size, hidden_size] ({dirs})");
        long hidden = r.Dims[2];
        if (hidden < 1) throw ShapeError(node, "R", r, "a hidden size of at least 1");
        if (hiddenAttribute >= 0 && hiddenAttribute != hidden)
            throw ShapeError(node, "R", r, $"[{directions}, {3 * hiddenAttribute}, {hiddenAttribute}] as attribute hidden_size = {hiddenAttribute} says");
        if (w.Rank != 3 || w.Dims[0] != directions || w.Dims[1] != 3 * hidden || w.Dims[2] < 1)
            throw ShapeError(node, "W", w, $"[{directions}, {3 * hidden}, input_size] ({dirs}, 3·hidden_size rows)");
        if (b is not null && (b.Rank != 2 || b.Dims[0] != directions || b.Dims[1] != 6 * hidden))
            throw ShapeError(node, "B", b, $"[{directions}, {6 * hidden}] (Wb and Rb of {dirs})");
        long inputSize = w.Dims[2];
        if (hidden > int.MaxValue / 16 || inputSize > int.MaxValue / 16)
            throw ShapeError(node, "W", w, "sizes GruTiny can compile");

        if (x is not SeqTensor seq)
            throw InputError(node, "X", $"must be the input sequence, but it is {x.Describe()}");
        if (seq.FinalOnly)
            throw LayoutError(node, "runs a GRU over the final step of another layer only; GruTiny compiles GRUs over every step");
        if (seq.Rank != 3)
            throw InputError(node, "X", $"has rank {seq.Rank}; a GRU reads [{(layout == 0 ? "seq_length, batch_size" : "batch_size, seq_length")}, input_size]");

        Factor[] time = seq.Axes[layout == 0 ? 0 : 1], batch = seq.Axes[layout == 0 ? 1 : 0], features = seq.Axes[2];
        Bind(node, time, AxisRole.Time);
        Bind(node, batch, AxisRole.Batch);
        long width = features.Length switch
        {
            0 => 1,
            _ when seq.HasLayers => seq.IsFeatureAxis(features) ? seq.FeatureSize : -2, // a bidirectional layer's: [direction, hidden]
            1 when features[0].IsFeature => -2,
            1 => features[0].Size,
            _ => -2,
        };
        if (width == -2 || (width >= 0 && width != inputSize))
            throw Error(ModelDiagnosticIds.TensorShape, $"{node.Display}: input 'W' has input size {inputSize} (shape [{string.Join(",", w.Dims)}]), but input 'X' has {(width < 0 ? "a feature axis that is not one axis" : width + " features")} per step");
        if (features.Length == 1 && !features[0].IsFeature) Bind(node, features, AxisRole.InputFeature);

        int h = (int)hidden, inSize = (int)inputSize;
        float[]?[]? initialStates = inputs.Length > 5 && inputs[5] is { } initial ? InitialState(node, initial, (int)layout, h, directions) : null;
        // One direction's tensors: slice d of W, R, B (and of initial_h), the gate blocks in PyTorch's order.
        GruLayerDescription Half(int d, GruDirection which, GruLayerDescription? backward)
        {
            float[] weightIh = Reorder(w.Floats!.Skip(d * 3 * h * inSize).Take(3 * h * inSize).ToArray(), h, inSize);
            float[] weightHh = Reorder(r.Floats!.Skip(d * 3 * h * h).Take(3 * h * h).ToArray(), h, h);
            float[]? biasIh = b is null ? null : Reorder(b.Floats!.Skip(d * 6 * h).Take(3 * h).ToArray(), h, 1);
            float[]? biasHh = b is null ? null : Reorder(b.Floats!.Skip(d * 6 * h + 3 * h).Take(3 * h).ToArray(), h, 1);
            return new GruLayerDescription(inSize, h, linearBeforeReset == 1, weightIh, weightHh, biasIh, biasHh, clip, initialStates?[d], which, backward);
        }

        GruLayerDescription layer = direction == GruDirection.Bidirectional
            ? Half(0, GruDirection.Bidirectional, Half(1, GruDirection.Reverse, null))
            : Half(0, direction, null);
        LayerDescription[] layers = seq.LayersWithPending().Concat(new[] { layer }).ToArray();
        CheckParameters(layers, node);

        // Y is [seq, num_directions, batch, hidden] ([batch, seq, num_directions, hidden] with layout 1). Two
        // directions make a factor of their own: the features of a bidirectional layer are [direction, hidden],
        // which PyTorch's Transpose and Reshape merge into one axis of 2H, forward first.
        Factor? hiddenFactor = h == 1 ? null : NewFeature(h);
        Factor? directionFactor = directions == 1 ? null : NewFeature(2);
        Factor[] hiddenAxis = hiddenFactor is null ? Array.Empty<Factor>() : new[] { hiddenFactor };
        Factor[] directionAxis = directionFactor is null ? Array.Empty<Factor>() : new[] { directionFactor };
        Factor[] feature = directionAxis.Concat(hiddenAxis).ToArray();
        var y = new SeqTensor(layout == 0 ? new[] { time, directionAxis, batch, hiddenAxis } : new[] { batch, time, directionAxis, hiddenAxis },
            feature.Length == 0 ? null : feature, directions * h, layers, null, false);
        // Y_h of a forward GRU is its output at the last step; a reverse-running one's is not (its final state is
        // its output at the first step), so it may be returned beside the output (PyTorch's h_n), but nothing
        // computed from it compiles.
        OnnxValue yH = direction == GruDirection.Forward
            ? new SeqTensor(layout == 0 ? new[] { Array.Empty<Factor>(), batch, hiddenAxis } : new[] { batch, Array.Empty<Factor>(), hiddenAxis }, hiddenFactor is null ? null : hiddenAxis, h, layers, null, true)
            : new StateStack(null, -1, "the final states of a reverse or bidirectional GRU (Y_h, PyTorch's h_n): a reverse-running direction ends at the first step, so they are not the output of any one step; GruTiny compiles the output sequence Y (y[:, -1] for the last step's output of both directions)");
        return new OnnxValue?[] { y, yH };
    }

    // initial_h, [num_directions, batch, hidden] ([batch, num_directions, hidden] with layout 1): zeros, a constant
    // (the same for every sequence of the batch), or a constant repeated to the batch (a learned h0 expanded in
    // forward). Null for zeros, the default.
    private static float[]?[]? InitialState(OnnxNode node, OnnxValue value, int layout, int hidden, int directions)
    {
        if (IsZero(value)) return null;
        (ConstTensor state, bool[] repeated) = value switch
        {
            ConstTensor c => (c, new bool[c.Rank]),
            BroadcastTensor b => (b.Value, b.Broadcast),
            _ => throw InputError(node, "initial_h", $"is {value.Describe()}; GruTiny compiles an initial state that is a constant of the model (a learned h0, zeros), not one computed from the input"),
        };
        int directionAxis = layout == 0 ? 0 : 1, batchAxis = layout == 0 ? 1 : 0;
        if (state.Rank != 3 || state.Dims[directionAxis] != directions || state.Dims[2] != hidden || repeated[directionAxis] || repeated[2])
            throw InputError(node, "initial_h", $"has shape {DescribeShape(state, repeated)}; expected {(layout == 0 ? $"[{directions}, batch_size, {hidden}]" : $"[batch_size, {directions}, {hidden}]")} ({(directions == 1 ? "one direction" : "two directions")}, hidden_size {hidden})");
        if (state.Dims[batchAxis] != 1)
            throw InputError(node, "initial_h", $"holds {state.Dims[batchAxis]} initial states, one per sequence of a batch of {state.Dims[batchAxis]}; a GruTiny model runs one sequence and starts it from one initial state (give initial_h a batch of 1, or repeat it to the batch: h0.expand(-1, x.size(0), -1))");
        if (!state.IsFloat) throw InputError(node, "initial_h", $"is {state.Describe()}; expected float values");
        float[] values = (float[])state.Floats!.Clone();
        for (int i = 0; i < values.Length; i++)
        {
            if (float.IsNaN(values[i]) || float.IsInfinity(values[i]))
                throw Error(ModelDiagnosticIds.NonFiniteWeight, $"{node.Display}: input 'initial_h' ({state.Source}) holds {values[i].ToString(System.Globalization.CultureInfo.InvariantCulture)} at {i}; an initial state must be finite");
        }

        // Batch 1: [directions × hidden] in order either way; one row per direction, null for an all-zero one.
        var rows = new float[]?[directions];
        for (int d = 0; d < directions; d++)
        {
            float[] row = values.Skip(d * hidden).Take(hidden).ToArray();
            rows[d] = row.All(v => v == 0) ? null : row;
        }

        return rows;

        static string DescribeShape(ConstTensor c, bool[] repeated) =>
            "[" + string.Join(",", c.Dims.Select((d, i) => repeated[i] ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
    }

    // ONNX orders the gates z, r, h; PyTorch and the grutiny/1 format r, z, n.
    private static float[] Reorder(float[] zrh, int hidden, int columns)
    {
        int block = hidden * columns;
        var rzn = new float[zrh.Length];
        Array.Copy(zrh, block, rzn, 0, block);
        Array.Copy(zrh, 0, rzn, block, block);
        Array.Copy(zrh, 2 * block, rzn, 2 * block, block);
        return rzn;
    }

    private void Bind(OnnxNode node, Factor[] axis, AxisRole role)
    {
        if (axis.Length == 0) return;
        if (axis.Length > 1 || axis[0].IsFeature)
            throw LayoutError(node, $"its {Describe(role)} axis is the {DescribeAxis(axis)} axis of the graph's data; GruTiny cannot follow that layout");
        if (_roles.TryGetValue(axis[0].Symbol, out AxisRole bound) && bound != role)
            throw LayoutError(node, $"reads the input's axis {axis[0].Symbol} as its {Describe(role)} axis, but an earlier GRU read it as the {Describe(bound)} axis");
        _roles[axis[0].Symbol] = role;
    }

    private static string Describe(AxisRole role) => role switch
    {
        AxisRole.Time => "time",
        AxisRole.Batch => "batch",
        _ => "input feature",
    };

    private static ConstTensor Weight(OnnxNode node, OnnxValue?[] inputs, int index, string name) =>
        Weight(node, Required(node, inputs, index, name), name);

    // Every weight of a layer: a constant FLOAT tensor of finite values.
    private static ConstTensor Weight(OnnxNode node, OnnxValue value, string name)
    {
        if (value is not ConstTensor c)
            throw InputError(node, name, $"must be constant (an initializer or a Constant node), but it is {value.Describe()}");
        if (!c.IsFloat)
            throw Error(ModelDiagnosticIds.OnnxTensor, $"{node.Display}: input '{name}' (tensor '{c.Source}') has data type {OnnxTypes.Name(c.ElemType)}; weights must be FLOAT");
        CheckFinite(node, name, c);
        return c;
    }

    private OnnxValue Arithmetic(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node);
        OnnxValue a = Required(node, inputs, 0, "A"), b = Required(node, inputs, 1, "B");
        if (a is ConstTensor ca && b is ConstTensor cb)
            return ConstantFolding.Elementwise(node.OpType, ca, cb, _maxParameters, Output(node), FoldError(node));
        if ((a is ShapeInts || a is ConstTensor { IsFloat: false }) && (b is ShapeInts || b is ConstTensor { IsFloat: false }))
        {
            int length = Math.Max(Length(a), Length(b));
            return new ShapeInts(Math.Max(RankOf(a), RankOf(b)), length < 0 ? null : Enumerable.Repeat(DimTerm.Unknown, length).ToArray());
        }

        if (a is RuntimeInput || b is RuntimeInput)
            throw GraphError($"{node.Display} combines the sequence with {(a is RuntimeInput ? a : b).Describe()}; GruTiny compiles graphs with one input, the sequence, and no other inputs");
        if (node.OpType == "Mul" && ((IsZero(a) && IsFiniteOrInteger(b)) || (IsZero(b) && IsFiniteOrInteger(a)))) return ZeroTensor.Instance;
        // A constant added right after a MatMul is the dense layer's bias; any other arithmetic on the sequence is
        // part of an element-wise expression, which must turn out to be a function GruTiny knows (Recognise).
        if (node.OpType == "Add" && (a is SeqTensor { Pending.Bias: null } && b is ConstTensor || b is SeqTensor { Pending.Bias: null } && a is ConstTensor))
            return Bias(node, a as SeqTensor ?? (SeqTensor)b, a is SeqTensor ? b : a);
        if (ArithmeticExpression(node, a, b) is { } expression) return expression;
        throw OpError(node, $"operator '{node.OpType}' on {a.Describe()} and {b.Describe()} is not supported; GruTiny compiles arithmetic on the sequence with float constants (a dense layer's bias, the decomposed functions, arithmetic layers) only");

        static int Length(OnnxValue v) => v switch
        {
            ConstTensor c => c.Count,
            ShapeInts { Rank: 0 } => 1,
            ShapeInts s => s.Elements?.Length ?? -1,
            _ => -1,
        };

        static int RankOf(OnnxValue v) => v is ConstTensor c ? c.Rank : ((ShapeInts)v).Rank;
    }

    // The bias of the open dense layer (Arithmetic and Gemm call it only for a layer without one yet).
    private SeqTensor Bias(OnnxNode node, SeqTensor seq, OnnxValue other)
    {
        if (other is not ConstTensor bias || !bias.IsFloat)
            throw OpError(node, $"adds {other.Describe()} to the sequence; GruTiny compiles Add only as the constant bias of a dense layer");
        if (seq.Pending is null || seq.Pending.Bias is not null)
            throw new InvalidOperationException($"{node.Display}: Bias called without an open dense layer lacking one.");
        if (bias.Rank > seq.Rank)
            throw ShapeError(node, "B", bias, $"a bias broadcast along the {seq.FeatureSize} features");
        for (int j = 0; j < bias.Rank; j++)
        {
            long d = bias.Dims[j];
            Factor[] axis = seq.Axes[j + seq.Rank - bias.Rank];
            if (d != 1 && !(d == seq.FeatureSize && seq.IsFeatureAxis(axis)))
                throw ShapeError(node, "B", bias, $"a bias broadcast along the {seq.FeatureSize} features only");
        }

        CheckFinite(node, "B", bias);
        float[] values = bias.Count == seq.FeatureSize ? (float[])bias.Floats!.Clone() : Enumerable.Repeat(bias.Floats![0], seq.FeatureSize).ToArray();
        return new SeqTensor(seq.Axes, seq.Feature, seq.FeatureSize, seq.Layers, seq.Pending.WithBias(values), seq.FinalOnly);
    }

    private OnnxValue MatMul(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node);
        OnnxValue a = Required(node, inputs, 0, "A"), b = Required(node, inputs, 1, "B");
        if (a is ConstTensor && b is ConstTensor)
            throw OpError(node, "multiplies two constants; fold it before export (do_constant_folding=True)");
        if (a is not SeqTensor seq)
            throw OpError(node, $"multiplies {a.Describe()} by {b.Describe()}; GruTiny compiles MatMul as sequence × constant weight");
        ConstTensor weight = Weight(node, b, "B");
        if (weight.Rank != 2) throw ShapeError(node, "B", weight, "[in_features, out_features]");
        return Dense(node, seq, weight, transposed: false, null);
    }

    private OnnxValue Gemm(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node, "alpha", "beta", "transA", "transB");
        foreach (string scale in new[] { "alpha", "beta" })
        {
            if (node.Attribute(scale) is { } s && s.F != 1f)
                throw AttributeError(node, scale, $"is {s.F.ToString(System.Globalization.CultureInfo.InvariantCulture)}; GruTiny compiles Gemm with {scale} = 1 only");
        }

        if (IntAttribute(node, "transA", 0) != 0) throw AttributeError(node, "transA", "is 1; the sequence must be input A untransposed");
        bool transB = IntAttribute(node, "transB", 0) != 0;
        OnnxValue a = Required(node, inputs, 0, "A"), b = Required(node, inputs, 1, "B");
        if (a is not SeqTensor seq)
            throw OpError(node, $"multiplies {a.Describe()}; GruTiny compiles Gemm as sequence × constant weight");
        if (seq.Rank != 2) throw InputError(node, "A", $"has rank {seq.Rank}; Gemm takes a matrix");
        ConstTensor weight = Weight(node, b, "B");
        if (weight.Rank != 2) throw ShapeError(node, "B", weight, transB ? "[out_features, in_features]" : "[in_features, out_features]");
        SeqTensor dense = Dense(node, seq, weight, transB, null);
        return inputs.Length > 2 && inputs[2] is { } c ? Bias(node, dense, c) : dense;
    }

    private SeqTensor Dense(OnnxNode node, SeqTensor seq, ConstTensor weight, bool transposed, float[]? bias)
    {
        if (seq.Rank == 0) throw InputError(node, "A", "is a scalar; a dense layer multiplies the feature axis");
        seq = WithFeatures(node, seq, "A");
        Factor[] last = seq.Axes[seq.Rank - 1];
        if (!seq.IsFeatureAxis(last))
            throw LayoutError(node, $"multiplies along the {DescribeAxis(last)} axis; a dense layer must multiply along the features");
        long inFeatures = transposed ? weight.Dims[1] : weight.Dims[0];
        long outFeatures = transposed ? weight.Dims[0] : weight.Dims[1];
        if (inFeatures != seq.FeatureSize || outFeatures < 1 || outFeatures > int.MaxValue / 16)
            throw ShapeError(node, "B", weight, transposed ? $"[out_features, {seq.FeatureSize}]" : $"[{seq.FeatureSize}, out_features]");

        int rows = (int)outFeatures, columns = (int)inFeatures;
        float[] w = weight.Floats!;
        var rowMajor = new float[rows * columns];
        for (int o = 0; o < rows; o++)
            for (int i = 0; i < columns; i++)
                rowMajor[o * columns + i] = transposed ? w[o * columns + i] : w[i * rows + o];

        LayerDescription[] layers = seq.LayersWithPending();
        var pending = new PendingDense(columns, rows, rowMajor, bias, node.Display);
        CheckParameters(layers.Concat(new[] { pending.Finish(ActivationFunction.Linear) }).ToArray(), node);
        Factor[][] axes = SeqTensor.CopyAxes(seq.Axes);
        Factor[]? feature = rows == 1 ? null : new[] { NewFeature(rows) };
        axes[seq.Rank - 1] = feature ?? Array.Empty<Factor>();
        return new SeqTensor(axes, feature, rows, layers, pending, seq.FinalOnly);
    }

    // An activation closes an open dense layer (MatMul or Gemm, + Add) as that layer's activation, and is an
    // activation layer of its own anywhere else: after a GRU, a normalisation, another activation, or on the input.
    private OnnxValue Activation(OnnxNode node, OnnxValue?[] inputs)
    {
        OnnxValue x = Required(node, inputs, 0, node.OpType == "PRelu" ? "X" : "input");
        if (x is not SeqTensor seq)
            throw OpError(node, $"applies {node.OpType} to {x.Describe()}; GruTiny applies activations to the sequence");
        seq = WithFeatures(node, seq, "input");
        ActivationFunction f = ActivationOf(node, inputs, seq);
        if (seq.Pending is not null)
        {
            LayerDescription[] layers = seq.Layers.Concat(new LayerDescription[] { seq.Pending.Finish(f) }).ToArray();
            CheckParameters(layers, node);
            return new SeqTensor(seq.Axes, seq.Feature, seq.FeatureSize, layers, null, seq.FinalOnly);
        }

        SeqTensor result = seq.With(new ActivationLayerDescription(seq.FeatureSize, f));
        CheckParameters(result.Layers, node);
        return result;
    }

    private ActivationFunction ActivationOf(OnnxNode node, OnnxValue?[] inputs, SeqTensor seq)
    {
        switch (node.OpType)
        {
            case "Relu":
            case "Sigmoid":
            case "Tanh":
            case "Softsign":
                AllowAttributes(node);
                return new ActivationFunction(node.OpType switch { "Relu" => ActivationKind.Relu, "Sigmoid" => ActivationKind.Sigmoid, "Tanh" => ActivationKind.Tanh, _ => ActivationKind.Softsign });
            case "Softmax":
            case "LogSoftmax":
            {
                AllowAttributes(node, "axis");
                long axisAttribute = IntAttribute(node, "axis", _opset >= 13 ? -1 : 1);
                int axis = NormalizeAxis(node, "axis", axisAttribute, seq.Rank);
                // Before opset 13 Softmax flattens everything from the axis on into one row.
                Factor[] over = _opset >= 13 ? seq.Axes[axis] : seq.Axes.Skip(axis).SelectMany(a => a).ToArray();
                if (!seq.IsFeatureAxis(over))
                    throw AttributeError(node, "axis", $"is {axisAttribute}, the {DescribeAxis(over)} axis; {node.OpType} must normalise over the features");
                return new ActivationFunction(node.OpType == "Softmax" ? ActivationKind.Softmax : ActivationKind.LogSoftmax);
            }

            case "LeakyRelu":
                AllowAttributes(node, "alpha");
                return new ActivationFunction(ActivationKind.LeakyRelu, FloatAttribute(node, "alpha", 0.01f));
            case "Elu":
                AllowAttributes(node, "alpha");
                return new ActivationFunction(ActivationKind.Elu, FloatAttribute(node, "alpha", 1f));
            case "HardSigmoid":
                // ONNX's defaults (alpha 0.2), not PyTorch's 1/6: an exporter writes PyTorch's explicitly.
                AllowAttributes(node, "alpha", "beta");
                return new ActivationFunction(ActivationKind.Hardsigmoid, FloatAttribute(node, "alpha", 0.2f), FloatAttribute(node, "beta", 0.5f));
            case "Gelu":
                AllowAttributes(node, "approximate");
                string approximate = node.Attribute("approximate")?.S ?? "none";
                if (approximate is not ("none" or "tanh"))
                    throw AttributeError(node, "approximate", $"is \"{FileText.Quote(approximate, 40, asciiOnly: true)}\"; Gelu computes \"none\" (erf) or \"tanh\"");
                return new ActivationFunction(approximate == "none" ? ActivationKind.Gelu : ActivationKind.GeluTanh);
            case "Clip":
            {
                AllowAttributes(node);
                float min = ClipBound(node, inputs, 1, "min", float.NegativeInfinity), max = ClipBound(node, inputs, 2, "max", float.PositiveInfinity);
                if (!(min < max))
                    throw InputError(node, "min", $"is {min.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, not below max {max.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}; GruTiny compiles Clip as hardtanh, with min < max");
                return new ActivationFunction(ActivationKind.Hardtanh, min, max);
            }

            case "PRelu":
            {
                AllowAttributes(node);
                ConstTensor slope = Weight(node, inputs, 1, "slope");
                return new ActivationFunction(ActivationKind.Prelu, slopes: FeatureVector(node, "slope", slope, seq));
            }

            default:
                throw new InvalidOperationException($"{node.OpType} is not an activation.");
        }
    }

    // Clip's optional bound: a constant scalar, or absent (unbounded on that side).
    private static float ClipBound(OnnxNode node, OnnxValue?[] inputs, int index, string name, float absent)
    {
        if (index >= inputs.Length || inputs[index] is null) return absent;
        if (inputs[index] is not ConstTensor { IsFloat: true, Count: 1 } c)
            throw InputError(node, name, $"must be a constant float scalar, but it is {inputs[index]!.Describe()}");
        float v = c.Floats![0];
        if (float.IsNaN(v)) throw InputError(node, name, "is NaN");
        return v;
    }

    private static float FloatAttribute(OnnxNode node, string name, float fallback)
    {
        OnnxAttribute? a = node.Attribute(name);
        if (a is null) return fallback;
        if (a.EffectiveType != OnnxAttributeType.Float) throw AttributeError(node, name, "must be a float");
        if (float.IsNaN(a.F) || float.IsInfinity(a.F)) throw AttributeError(node, name, "must be finite");
        return a.F;
    }

    /// <summary>
    /// The sequence with its feature axis known. Before any layer (the graph input itself) that is its last axis,
    /// which is bound as the input's feature axis: a GRU reading it later must agree.
    /// </summary>
    private SeqTensor WithFeatures(OnnxNode node, SeqTensor seq, string input, int featureAxis = -1)
    {
        if (seq.HasLayers) return seq;
        // One value per graph input, so that element-wise expressions of it share one x (ArithmeticExpression).
        if (_withFeatures.TryGetValue(seq, out SeqTensor? known))
        {
            if (featureAxis >= 0 && !known.IsFeatureAxis(known.Axes[featureAxis]))
                throw LayoutError(node, $"reads axis {featureAxis} of the graph's input as its features, but an earlier node read another axis as them");
            return known;
        }

        if (seq.Rank == 0) throw InputError(node, input, "is a scalar; GruTiny reads a sequence of feature vectors");
        Factor[] axis = seq.Axes[featureAxis < 0 ? seq.Rank - 1 : featureAxis];
        if (axis.Length == 0) return _withFeatures[seq] = new SeqTensor(seq.Axes, null, 1, seq.Layers, null, seq.FinalOnly);
        if (axis.Length > 1 || axis[0].IsFeature)
            throw LayoutError(node, $"reads the {DescribeAxis(axis)} axis of the graph's input as its features; GruTiny cannot follow that layout");
        if (axis[0].Size < 1 || axis[0].Size > int.MaxValue / 16)
            throw LayoutError(node, $"reads the graph input's axis {axis[0].Symbol} as its features, whose size is {(axis[0].Size < 1 ? "known only at run time" : "too large")}; the input's feature axis needs a fixed size (export with a fixed input size)");
        Bind(node, axis, AxisRole.InputFeature);
        return _withFeatures[seq] = new SeqTensor(seq.Axes, axis, (int)axis[0].Size, seq.Layers, null, seq.FinalOnly);
    }

    /// <summary>
    /// A constant per-feature vector (a slope, a scale, a bias): one value for all, or one per feature along the
    /// feature axis only. Its dimensions align with the sequence's from the right, as ONNX broadcasts, or from
    /// <paramref name="alignedAt"/> (BatchNormalization's per-channel inputs align with axis 1).
    /// </summary>
    private static float[] FeatureVector(OnnxNode node, string name, ConstTensor tensor, SeqTensor seq, int alignedAt = -1)
    {
        CheckFinite(node, name, tensor);
        if (tensor.Count == 1) return new[] { tensor.Floats![0] };
        int offset = alignedAt < 0 ? seq.Rank - tensor.Rank : alignedAt;
        bool fits = tensor.Count == seq.FeatureSize && tensor.Rank + offset <= seq.Rank && offset >= 0;
        for (int j = 0; fits && j < tensor.Rank; j++)
        {
            long d = tensor.Dims[j];
            fits = d == 1 || (d == seq.FeatureSize && seq.IsFeatureAxis(seq.Axes[j + offset]));
        }

        if (!fits)
            throw Error(ModelDiagnosticIds.TensorShape, $"{node.Display}: input '{name}' (tensor '{tensor.Source}') has shape [{string.Join(",", tensor.Dims)}]; expected one value, or {seq.FeatureSize} along the feature axis only");
        return (float[])tensor.Floats!.Clone();
    }

    private static bool IsFiniteOrInteger(OnnxValue value) => value switch
    {
        ShapeInts or ZeroTensor => true,
        ConstTensor { IsFloat: false } => true,
        ConstTensor c => c.Floats!.All(f => !float.IsNaN(f) && !float.IsInfinity(f)),
        _ => false,
    };

    private void CheckParameters(LayerDescription[] layers, OnnxNode node)
    {
        long count = layers.Sum(l => l.ParameterCount);
        if (count > _maxParameters)
            throw Error(ModelDiagnosticIds.ModelTooLarge, $"{node.Display}: the model has more than {_maxParameters.ToString(System.Globalization.CultureInfo.InvariantCulture)} parameters (counted up to this node: {count.ToString(System.Globalization.CultureInfo.InvariantCulture)}). {ModelDescriptionReader.RaiseParameterLimit}");
    }

    private static void CheckFinite(OnnxNode node, string name, ConstTensor tensor)
    {
        for (int i = 0; i < tensor.Floats!.Length; i++)
        {
            float v = tensor.Floats[i];
            if (float.IsNaN(v) || float.IsInfinity(v))
                throw Error(ModelDiagnosticIds.NonFiniteWeight, $"{node.Display}: input '{name}' (tensor '{tensor.Source}') holds {(float.IsNaN(v) ? "NaN" : v > 0 ? "+Infinity" : "-Infinity")} at index {i}; weights must be finite");
        }
    }

    private static ModelFormatErrorException ShapeError(OnnxNode node, string input, ConstTensor tensor, string expected) =>
        Error(ModelDiagnosticIds.TensorShape, $"{node.Display}: input '{input}' (tensor '{tensor.Source}') has shape [{string.Join(",", tensor.Dims)}]; expected {expected}");
}
