using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GruTiny.Kernels;

namespace GruTiny.Model.Onnx;

/// <summary>
/// Turns an ONNX graph into a <see cref="ModelDescription"/> by evaluating it abstractly: constants are
/// folded, zero initial states are recognised whatever their shape inputs, layout operators only move the
/// time, batch and feature axes of the sequence, and GRU, MatMul/Gemm + Add and the activations become
/// layers. Whatever cannot be shown to compute that per-step function is rejected with a diagnostic that
/// names the node, its operator and the attribute or input at fault.
/// </summary>
internal sealed partial class OnnxGraphCompiler
{
    public const long MinOpset = 11;
    public const long MaxOpset = 22;

    private readonly OnnxGraph _graph;
    private readonly long _opset;
    private readonly long _maxParameters;
    private readonly Dictionary<string, OnnxValue> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OnnxTensor> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<int, AxisRole> _roles = new();
    private readonly Dictionary<SeqTensor, SeqTensor> _withFeatures = new(); // by reference: SeqTensor has no Equals
    private readonly string _sequenceInput = "";
    private int _nextFeatureSymbol = -1;
    private long _folded;

    private enum AxisRole
    {
        Time,
        Batch,
        InputFeature,
    }

    private OnnxGraphCompiler(OnnxGraph graph, long opset, long maxParameters)
    {
        _graph = graph;
        _opset = opset;
        _maxParameters = maxParameters;
        foreach (OnnxTensor initializer in graph.Initializers)
        {
            if (_initializers.ContainsKey(initializer.Name))
                throw GraphError($"initializer '{initializer.Name}' is defined twice");
            _initializers[initializer.Name] = initializer;
        }

        foreach (OnnxValueInfo input in graph.Inputs)
        {
            // Since IR version 4 an input may also be an initializer: its default value. GruTiny compiles
            // the default, as every runtime does when the caller does not override it.
            if (_initializers.ContainsKey(input.Name)) continue;
            if (_sequenceInput.Length == 0 && input.IsTensor)
            {
                _sequenceInput = input.Name;
                _values[input.Name] = input.ElemType == OnnxTypes.Float
                    ? SequenceInput(input)
                    : new UnsupportedTensor(input.Name, $"is the graph's input with element type {OnnxTypes.Name(input.ElemType)}; GruTiny compiles float32 (FLOAT) models");
            }
            else
            {
                _values[input.Name] = new RuntimeInput(input.Name);
            }
        }

        foreach (string sparse in graph.SparseInitializers)
            _values[sparse] = new UnsupportedTensor(sparse, "is a sparse initializer, which GruTiny does not read");
    }

    public static ModelDescription Compile(OnnxModel model, long maxParameters)
    {
        if (model.Graph is null) throw GraphError("the model has no graph");
        if (!model.Opsets.TryGetValue("", out long opset))
            throw GraphError("the model imports no version of the default ONNX operator set (ai.onnx)");
        if (opset < MinOpset || opset > MaxOpset)
            throw GraphError($"the model uses ONNX opset {opset}; GruTiny reads opsets {MinOpset} to {MaxOpset} (export with opset_version between them, e.g. 17)");
        return new OnnxGraphCompiler(model.Graph, opset, maxParameters).Compile();
    }

    private ModelDescription Compile()
    {
        if (_graph.Outputs.Count == 0) throw GraphError("the graph has no outputs");
        HashSet<OnnxNode> needed = NeededNodes(out Dictionary<string, OnnxNode> producers);

        foreach (OnnxNode node in _graph.Nodes)
        {
            if (!needed.Contains(node)) continue;
            var inputs = new OnnxValue?[node.Inputs.Count];
            for (int i = 0; i < inputs.Length; i++)
                inputs[i] = node.Inputs[i].Length == 0 ? null : Resolve(node.Inputs[i], node, producers);
            OnnxValue?[] outputs = Evaluate(node, inputs);
            foreach (OnnxValue? value in outputs)
            {
                // Each folded constant is bounded; so is their sum, whatever the number of nodes.
                if (value is ConstTensor folded && (_folded += folded.Count) > 4 * _maxParameters + 1_000_000)
                    throw Error(ModelDiagnosticIds.ModelTooLarge, $"{node.Display}: the graph's constants hold more than {4 * _maxParameters + 1_000_000} values");
                if (value is ConstTensor { Rank: > 64 } || value is SeqTensor { Rank: > 64 })
                    throw LayoutError(node, "its result has more than 64 dimensions");
            }

            for (int o = 0; o < node.Outputs.Count; o++)
            {
                if (node.Outputs[o].Length == 0) continue;
                OnnxValue? value = o < outputs.Length ? outputs[o] : null;
                _values[node.Outputs[o]] = value ?? new UnsupportedTensor(node.Outputs[o], $"is output {o} of {node.Display}, which GruTiny does not compute");
            }
        }

        return ChooseOutput(producers);
    }

    // Only what some graph output depends on is evaluated: an unsupported operator on a branch that
    // reaches no output does not matter.
    private HashSet<OnnxNode> NeededNodes(out Dictionary<string, OnnxNode> producers)
    {
        producers = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (OnnxNode node in _graph.Nodes)
        {
            foreach (string output in node.Outputs)
            {
                if (output.Length == 0) continue;
                if (producers.ContainsKey(output) || _initializers.ContainsKey(output) || _values.ContainsKey(output))
                    throw GraphError($"tensor '{output}' is defined more than once (again by {node.Display})");
                producers[output] = node;
            }
        }

        var needed = new HashSet<OnnxNode>();
        var pending = new Stack<string>(_graph.Outputs.Select(o => o.Name));
        while (pending.Count > 0)
        {
            string name = pending.Pop();
            if (name.Length == 0 || !producers.TryGetValue(name, out OnnxNode? node) || !needed.Add(node)) continue;
            foreach (string input in node.Inputs) pending.Push(input);
        }

        return needed;
    }

    private OnnxValue Resolve(string name, OnnxNode? consumer, Dictionary<string, OnnxNode> producers)
    {
        if (_values.TryGetValue(name, out OnnxValue? value)) return value;
        if (_initializers.TryGetValue(name, out OnnxTensor? tensor))
        {
            ConstTensor decoded = ConstantFolding.Decode(tensor, _maxParameters, name);
            _values[name] = decoded;
            return decoded;
        }

        string user = consumer is null ? "a graph output" : consumer.Display;
        if (producers.TryGetValue(name, out OnnxNode? producer))
            throw GraphError($"{user} reads tensor '{name}' before {producer.Display} computes it (the nodes are not in topological order)");
        throw GraphError($"{user} reads tensor '{name}', which no node, initializer or graph input defines");
    }

    private SeqTensor SequenceInput(OnnxValueInfo input)
    {
        if (input.Dims is null)
            throw GraphError($"graph input '{input.Name}' has no shape; GruTiny needs its rank (export with input shapes)");
        var axes = new Factor[input.Dims.Count][];
        for (int i = 0; i < axes.Length; i++)
        {
            long d = input.Dims[i];
            if (d == 0) throw GraphError($"graph input '{input.Name}' has a dimension of size 0");
            axes[i] = d == 1 ? Array.Empty<Factor>() : new[] { new Factor(i, d) };
        }

        return new SeqTensor(axes, null, -1, Array.Empty<LayerDescription>(), null, false);
    }

    // A graph output holds each step's features in the order the model computes them: a bidirectional GRU's
    // [direction, hidden] (forward H, then reverse H) may not come out as [hidden, direction] (interleaved), which
    // every operator that reads features refuses and an output would otherwise pass unchecked.
    private void CheckFeatureOrder(string name, SeqTensor seq)
    {
        if (seq.Feature is not { Length: > 1 } feature) return;
        Factor[] order = seq.Axes.SelectMany(axis => axis).Where(factor => feature.Contains(factor)).ToArray();
        if (!order.SequenceEqual(feature))
            throw GraphError($"graph output '{name}' holds a bidirectional GRU's outputs with the hidden units before the directions (each unit's forward and reverse value side by side); GruTiny writes each step's forward outputs, then its reverse ones, as PyTorch concatenates them: keep the directions outermost (Transpose perm [0, 2, 1, 3] before the Reshape)");
    }

    private ModelDescription ChooseOutput(Dictionary<string, OnnxNode> producers)
    {
        var sequences = new List<(string Name, SeqTensor Value)>();
        foreach (OnnxValueInfo output in _graph.Outputs)
        {
            OnnxValue value = Resolve(output.Name, null, producers);
            if (value is SeqExpr expression) value = Recognise(expression, $"graph output '{output.Name}'");
            switch (value)
            {
                case SeqTensor seq when seq.Layers.Length > 0 || seq.Pending is not null:
                    CheckFeatureOrder(output.Name, seq);
                    sequences.Add((output.Name, seq));
                    break;
                case SeqTensor:
                    throw GraphError($"graph output '{output.Name}' is the input itself, before any GRU");
                case StateStack:
                    break; // h_n of several layers: the generated type exposes the state instead.
                case RuntimeInput runtime:
                    throw GraphError($"graph output '{output.Name}' is graph input '{runtime.Name}'; GruTiny compiles graphs with one input, the sequence");
                case UnsupportedTensor unsupported:
                    throw Error(ModelDiagnosticIds.OnnxTensor, $"graph output '{output.Name}': tensor '{unsupported.Name}' {unsupported.Reason}");
                default:
                    throw GraphError($"graph output '{output.Name}' does not depend on the input sequence (it is {value.Describe()})");
            }
        }

        if (sequences.Count == 0 || !sequences.Any(s => s.Value.LayersWithPending().Any(l => l is GruLayerDescription)))
            throw GraphError("no graph output is computed from the input sequence by a GRU");

        // The model's output is the one computed furthest; any other output (PyTorch's h_n, or y beside
        // a classifier's head) must be an earlier stage of the same computation.
        (string Name, SeqTensor Value) main = sequences
            .OrderByDescending(s => s.Value.LayersWithPending().Length)
            .ThenBy(s => s.Value.FinalOnly ? 1 : 0)
            .First();
        LayerDescription[] layers = main.Value.LayersWithPending();
        foreach ((string name, SeqTensor value) in sequences)
        {
            LayerDescription[] other = value.LayersWithPending();
            for (int i = 0; i < other.Length; i++)
            {
                if (!other[i].Equals(layers[i]))
                    throw GraphError($"graph outputs '{main.Name}' and '{name}' are computed by different layers; GruTiny compiles one output per step");
            }
        }

        long parameters = 0;
        foreach (LayerDescription layer in layers) parameters += layer.ParameterCount;
        if (parameters > _maxParameters)
            throw Error(ModelDiagnosticIds.ModelTooLarge, $"the model has {parameters.ToString(CultureInfo.InvariantCulture)} parameters, more than the {_maxParameters.ToString(CultureInfo.InvariantCulture)} GruTiny accepts");
        return new ModelDescription(layers[0].InputSize, layers);
    }

    private OnnxValue?[] Evaluate(OnnxNode node, OnnxValue?[] inputs)
    {
        if (node.Domain.Length > 0)
            throw OpError(node, $"operator '{node.OpType}' of domain '{node.Domain}' is not an ONNX operator GruTiny knows");
        foreach (OnnxValue? input in inputs)
        {
            if (input is UnsupportedTensor unsupported)
                throw Error(ModelDiagnosticIds.OnnxTensor, $"{node.Display}: tensor '{unsupported.Name}' {unsupported.Reason}");
        }

        // An element-wise expression ends where a node that does not extend it uses it (a finished LayerNorm also
        // where the node would extend it past its bias).
        inputs = CloseFinishedLayerNorms(node, inputs);
        if (!ExtendsExpression(node, inputs))
        {
            for (int i = 0; i < inputs.Length; i++)
                if (inputs[i] is SeqExpr expression) inputs[i] = Recognise(expression, node.Display);
        }
        else if (node.OpType is not ("Add" or "Sub" or "Mul" or "Div"))
        {
            return One(Elementwise(node, inputs));
        }

        switch (node.OpType)
        {
            case "Identity": return One(Required(node, inputs, 0, "input"));
            case "Constant": return One(ConstantNode(node));
            case "Shape": return One(Shape(node, inputs));
            case "Gather": return One(Gather(node, inputs));
            case "Slice": return One(Slice(node, inputs));
            case "Concat": return One(Concat(node, inputs));
            case "Unsqueeze": return One(Unsqueeze(node, inputs));
            case "Squeeze": return One(Squeeze(node, inputs));
            case "Reshape": return One(Reshape(node, inputs));
            case "Flatten": return One(Flatten(node, inputs));
            case "Transpose": return One(Transpose(node, inputs));
            case "Cast": return One(Cast(node, inputs));
            case "Expand": return One(Expand(node, inputs));
            case "ConstantOfShape": return One(ConstantOfShape(node, inputs));
            case "Tile": return One(Tile(node, inputs));
            case "Equal": return One(Equal(node, inputs));
            case "Where": return One(Where(node, inputs));
            case "Add":
            case "Sub":
            case "Mul":
            case "Div":
                return One(Arithmetic(node, inputs));
            case "MatMul": return One(MatMul(node, inputs));
            case "Gemm": return One(Gemm(node, inputs));
            case "Relu":
            case "Sigmoid":
            case "Tanh":
            case "Softmax":
            case "LogSoftmax":
            case "LeakyRelu":
            case "PRelu":
            case "Elu":
            case "Gelu":
            case "HardSigmoid":
            case "Softsign":
            case "Clip":
                return One(Activation(node, inputs));
            case "LayerNormalization": return LayerNormalization(node, inputs);
            case "BatchNormalization": return One(BatchNormalization(node, inputs));
            case "GRU": return Gru(node, inputs);
            case "LSTM":
            case "RNN":
                throw OpError(node, $"operator '{node.OpType}' is not supported: GruTiny compiles GRU layers only (LSTM and simple RNN layers are not implemented yet); train the model with nn.GRU (a GRU of the same hidden size usually matches an LSTM's accuracy on small sequence tasks)");
            case "Conv":
            case "ConvTranspose":
                throw OpError(node, $"operator '{node.OpType}' is not supported: GruTiny has no convolution layers yet (Conv1D is planned); move the convolution out of the model (compute it before the GRU in your own code) or train without it");
            default:
                throw OpError(node, $"operator '{node.OpType}' is not supported; GruTiny compiles GRU layers, dense layers (MatMul + Add or Gemm), LayerNormalization, BatchNormalization, the activations Relu, LeakyRelu, PRelu, Elu, Gelu, Clip, HardSigmoid, Sigmoid, Tanh, Softsign, Softmax and LogSoftmax, and the shape and layout operators exporters put around them");
        }
    }

    private static OnnxValue?[] One(OnnxValue value) => new[] { value };

    private static OnnxValue Required(OnnxNode node, OnnxValue?[] inputs, int index, string name) =>
        index < inputs.Length && inputs[index] is { } value ? value : throw InputError(node, name, "is missing");

    private OnnxValue ConstantNode(OnnxNode node)
    {
        if (node.Attributes.Count != 1)
            throw AttributeError(node, node.Attributes.Count == 0 ? "value" : node.Attributes[1].Name, "must be the only attribute of a Constant");
        OnnxAttribute a = node.Attributes[0];
        string output = node.Outputs.Count > 0 ? node.Outputs[0] : node.Name;
        switch (a.Name)
        {
            case "value" when a.T is not null: return ConstantFolding.Decode(a.T, _maxParameters, output);
            case "value_float": return new ConstTensor(output, OnnxTypes.Float, Array.Empty<long>(), new[] { a.F }, null);
            case "value_floats": return new ConstTensor(output, OnnxTypes.Float, new long[] { a.Floats.Count }, a.Floats.ToArray(), null);
            case "value_int": return new ConstTensor(output, OnnxTypes.Int64, Array.Empty<long>(), null, new[] { a.I });
            case "value_ints": return new ConstTensor(output, OnnxTypes.Int64, new long[] { a.Ints.Count }, null, a.Ints.ToArray());
            default: throw AttributeError(node, a.Name, "is not a kind of constant GruTiny reads (value, value_float(s), value_int(s))");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Attribute and constant-input helpers
    // ---------------------------------------------------------------------------------------------

    private static void AllowAttributes(OnnxNode node, params string[] names)
    {
        foreach (OnnxAttribute a in node.Attributes)
        {
            if (Array.IndexOf(names, a.Name) < 0)
                throw AttributeError(node, a.Name, names.Length == 0 ? $"is not supported ({node.OpType} takes none here)" : $"is not supported (GruTiny reads {string.Join(", ", names)})");
            if (a.RefAttributeName is not null)
                throw AttributeError(node, a.Name, "refers to a function attribute; functions are not supported");
        }
    }

    private static long IntAttribute(OnnxNode node, string name, long fallback)
    {
        OnnxAttribute? a = node.Attribute(name);
        if (a is null) return fallback;
        if (a.EffectiveType != OnnxAttributeType.Int) throw AttributeError(node, name, "must be an integer");
        return a.I;
    }

    private static long[]? IntsAttribute(OnnxNode node, string name)
    {
        OnnxAttribute? a = node.Attribute(name);
        if (a is null) return null;
        if (a.EffectiveType != OnnxAttributeType.Ints) throw AttributeError(node, name, "must be a list of integers");
        return a.Ints.ToArray();
    }

    /// <summary>A constant integer input (axes, starts, shapes), or null when the input is absent.</summary>
    private static long[]? ConstInts(OnnxNode node, OnnxValue?[] inputs, int index, string name)
    {
        if (index >= inputs.Length || inputs[index] is null) return null;
        switch (inputs[index])
        {
            case ConstTensor c when !c.IsFloat && c.Rank <= 1: return c.Ints;
            case ShapeInts s when s.Elements is not null && s.Elements.All(e => e.Value >= 0):
                return s.Elements.Select(e => e.Value).ToArray();
            default:
                throw InputError(node, name, $"must be a constant list of integers, but it is {inputs[index]!.Describe()}");
        }
    }

    /// <summary>A feature axis of its own for each layer's output, so that no shape taken from one matches another.</summary>
    private Factor NewFeature(int size) => new(_nextFeatureSymbol--, size);

    private static int NormalizeAxis(OnnxNode node, string what, long axis, int rank)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw AttributeError(node, what, $"is {axis}, out of range for rank {rank}");
        return (int)a;
    }

    // ---------------------------------------------------------------------------------------------
    // Errors: each names the node, its operator and what is at fault.
    // ---------------------------------------------------------------------------------------------

    private static ModelFormatErrorException Error(string id, string message) =>
        new(new ModelFormatError(id, message.EndsWith(".", StringComparison.Ordinal) ? message : message + ".", 0, 0));

    private static ModelFormatErrorException GraphError(string message) => Error(ModelDiagnosticIds.OnnxGraph, message);

    private static ModelFormatErrorException OpError(OnnxNode node, string message) =>
        Error(ModelDiagnosticIds.OnnxOperator, $"{node.Display}: {message}");

    private static ModelFormatErrorException AttributeError(OnnxNode node, string attribute, string message) =>
        Error(ModelDiagnosticIds.OnnxAttribute, $"{node.Display}: attribute '{attribute}' {message}");

    private static ModelFormatErrorException InputError(OnnxNode node, string input, string message) =>
        Error(ModelDiagnosticIds.OnnxInput, $"{node.Display}: input '{input}' {message}");

    private static ModelFormatErrorException LayoutError(OnnxNode node, string message) =>
        Error(ModelDiagnosticIds.OnnxGraph, $"{node.Display}: {message}");

    private static Func<string, Exception> FoldError(OnnxNode node) =>
        message => Error(ModelDiagnosticIds.OnnxGraph, $"{node.Display}: cannot evaluate it on constants: {message}");

    /// <summary>A graph input other than the sequence: fine unless used.</summary>
    private sealed class RuntimeInput : OnnxValue
    {
        public RuntimeInput(string name) => Name = name;

        public string Name { get; }

        public override string Describe() => $"graph input '{Name}' (a value only known at run time)";
    }

    /// <summary>A tensor GruTiny cannot read: an error only if something uses it.</summary>
    private sealed class UnsupportedTensor : OnnxValue
    {
        public UnsupportedTensor(string name, string reason)
        {
            Name = name;
            Reason = reason;
        }

        public string Name { get; }

        public string Reason { get; }

        public override string Describe() => $"tensor '{Name}', which {Reason}";
    }
}
