using System.Collections.Generic;

namespace GruTiny.Model.Onnx;

// The few ONNX messages (onnx.proto, IR version 3 and later) that the importer needs, with only the
// fields it reads. Everything else in a file is skipped unread.

/// <summary>ModelProto: the opsets and the main graph.</summary>
internal sealed class OnnxModel
{
    public long IrVersion { get; set; }

    /// <summary>Opset version by domain ("" is the default ONNX domain).</summary>
    public Dictionary<string, long> Opsets { get; } = new();

    public OnnxGraph? Graph { get; set; }

    public int FunctionCount { get; set; }

    /// <summary>metadata_props: key → value (a repeated key keeps its last value).</summary>
    public Dictionary<string, string> Metadata { get; } = new();
}

/// <summary>GraphProto.</summary>
internal sealed class OnnxGraph
{
    public List<OnnxNode> Nodes { get; } = new();

    public List<OnnxTensor> Initializers { get; } = new();

    public List<string> SparseInitializers { get; } = new();

    public List<OnnxValueInfo> Inputs { get; } = new();

    public List<OnnxValueInfo> Outputs { get; } = new();
}

/// <summary>NodeProto.</summary>
internal sealed class OnnxNode
{
    public string Name { get; set; } = "";

    public string OpType { get; set; } = "";

    public string Domain { get; set; } = "";

    public List<string> Inputs { get; } = new();

    public List<string> Outputs { get; } = new();

    public List<OnnxAttribute> Attributes { get; } = new();

    /// <summary>Position in the graph's node list, for nodes without a name.</summary>
    public int Index { get; set; }

    /// <summary>How diagnostics name this node: its name, or its position when it has none.</summary>
    public string Display => Name.Length > 0 ? $"node '{Name}' ({OpType})" : $"node #{Index} ({OpType})";

    public OnnxAttribute? Attribute(string name)
    {
        foreach (OnnxAttribute attribute in Attributes)
            if (attribute.Name == name) return attribute;
        return null;
    }

    /// <summary>Input <paramref name="index"/>, or "" when it is absent (optional inputs are empty names).</summary>
    public string Input(int index) => index < Inputs.Count ? Inputs[index] : "";
}

/// <summary>AttributeProto's type field.</summary>
internal enum OnnxAttributeType
{
    Undefined = 0,
    Float = 1,
    Int = 2,
    String = 3,
    Tensor = 4,
    Graph = 5,
    Floats = 6,
    Ints = 7,
    Strings = 8,
    Tensors = 9,
    Graphs = 10,
    SparseTensor = 11,
    SparseTensors = 12,
    TypeProto = 13,
    TypeProtos = 14,
}

/// <summary>AttributeProto.</summary>
internal sealed class OnnxAttribute
{
    public string Name { get; set; } = "";

    public OnnxAttributeType Type { get; set; }

    public float F { get; set; }

    public long I { get; set; }

    public string? S { get; set; }

    public OnnxTensor? T { get; set; }

    public List<float> Floats { get; } = new();

    public List<long> Ints { get; } = new();

    public List<string> Strings { get; } = new();

    /// <summary>A reference to a function's attribute: only meaningful inside functions, which are not supported.</summary>
    public string? RefAttributeName { get; set; }

    /// <summary>The type, from the type field or, in files that omit it, from which value field is set.</summary>
    public OnnxAttributeType EffectiveType { get; set; }
}

/// <summary>TensorProto: the element type, dimensions and the data in whichever field holds it.</summary>
internal sealed class OnnxTensor
{
    public string Name { get; set; } = "";

    public int DataType { get; set; }

    public List<long> Dims { get; } = new();

    public List<float> FloatData { get; } = new();

    public List<long> IntData { get; } = new();

    /// <summary>Which integer field (5 int32_data, 7 int64_data, 11 uint64_data) holds IntData, 0 for none.</summary>
    public int IntField { get; set; }

    public int DoubleCount { get; set; }

    public int StringCount { get; set; }

    /// <summary>The raw_data field's range in the file, or Start = -1.</summary>
    public int RawStart { get; set; } = -1;

    public int RawLength { get; set; }

    public byte[] File { get; set; } = System.Array.Empty<byte>();

    public bool External { get; set; }

    public bool Segmented { get; set; }
}

/// <summary>ValueInfoProto of a tensor: element type and dimensions (value, or −1 when symbolic or absent).</summary>
internal sealed class OnnxValueInfo
{
    public string Name { get; set; } = "";

    /// <summary>0 when the type is not a tensor type or is absent.</summary>
    public int ElemType { get; set; }

    public bool IsTensor { get; set; }

    /// <summary>Null when the shape is absent (rank unknown).</summary>
    public List<long>? Dims { get; set; }
}
