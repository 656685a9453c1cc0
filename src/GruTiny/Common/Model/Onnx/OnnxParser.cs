using System.Collections.Generic;

namespace GruTiny.Model.Onnx;

/// <summary>
/// Decodes the ONNX messages the importer needs from the wire format (field numbers from onnx.proto).
/// Subgraphs (attributes of If, Loop, Scan) are decoded only to bound their nesting: GruTiny rejects
/// those operators anyway, but no file may nest deeper than <see cref="MaxDepth"/> messages.
/// </summary>
internal static class OnnxParser
{
    public const int MaxDepth = 64;

    public static OnnxModel Parse(byte[] bytes, long maxElements)
    {
        if (bytes.Length == 0)
            throw new ProtoReader(bytes, 0, 0, "the file").Malformed("the file is empty");
        if (StartsWithAscii(bytes, ModelDescriptionReader.GitLfsPointerStart))
            throw new ModelFormatErrorException(new ModelFormatError(ModelDiagnosticIds.OnnxMalformed, ModelDescriptionReader.GitLfsPointerMessage, 0, 0));

        var reader = new ProtoReader(bytes, 0, bytes.Length, "ModelProto");
        var model = new OnnxModel();
        bool sawGraph = false;
        while (reader.TryReadField(out int field, out int wire))
        {
            switch (field)
            {
                case 1:
                    reader.Expect(ProtoReader.VarintType, wire, "ir_version");
                    model.IrVersion = reader.ReadInt64();
                    break;
                case 7:
                    reader.Expect(ProtoReader.LengthDelimitedType, wire, "graph");
                    if (sawGraph) throw reader.Malformed("field 'graph' occurs twice (GruTiny does not merge repeated messages)");
                    model.Graph = ParseGraph(reader.ReadMessage("GraphProto"), bytes, maxElements, 1);
                    sawGraph = true;
                    break;
                case 8:
                    reader.Expect(ProtoReader.LengthDelimitedType, wire, "opset_import");
                    ParseOpset(reader.ReadMessage("OperatorSetIdProto"), model);
                    break;
                case 14:
                    reader.Expect(ProtoReader.LengthDelimitedType, wire, "metadata_props");
                    ParseMetadata(reader.ReadMessage("StringStringEntryProto"), model);
                    break;
                case 25:
                    reader.Expect(ProtoReader.LengthDelimitedType, wire, "functions");
                    reader.Skip(ProtoReader.LengthDelimitedType);
                    model.FunctionCount++;
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        if (!sawGraph)
            throw reader.Malformed("there is no graph (field 7); is this an ONNX model file?");
        return model;
    }

    private static void ParseOpset(ProtoReader reader, OnnxModel model)
    {
        string domain = "";
        long version = 0;
        while (reader.TryReadField(out int field, out int wire))
        {
            if (field == 1) { reader.Expect(ProtoReader.LengthDelimitedType, wire, "domain"); domain = reader.ReadString(); }
            else if (field == 2) { reader.Expect(ProtoReader.VarintType, wire, "version"); version = reader.ReadInt64(); }
            else reader.Skip(wire);
        }

        if (domain == "ai.onnx") domain = "";
        model.Opsets[domain] = version;
    }

    private static void ParseMetadata(ProtoReader reader, OnnxModel model)
    {
        string key = "", value = "";
        while (reader.TryReadField(out int field, out int wire))
        {
            if (field == 1) { reader.Expect(ProtoReader.LengthDelimitedType, wire, "key"); key = reader.ReadString(); }
            else if (field == 2) { reader.Expect(ProtoReader.LengthDelimitedType, wire, "value"); value = reader.ReadString(); }
            else reader.Skip(wire);
        }

        model.Metadata[key] = value;
    }

    private static OnnxGraph ParseGraph(ProtoReader reader, byte[] file, long maxElements, int depth)
    {
        CheckDepth(reader, depth);
        var graph = new OnnxGraph();
        while (reader.TryReadField(out int field, out int wire))
        {
            switch (field)
            {
                case 1:
                    reader.Expect(ProtoReader.LengthDelimitedType, wire, "node");
                    OnnxNode node = ParseNode(reader.ReadMessage("NodeProto"), file, maxElements, depth + 1);
                    node.Index = graph.Nodes.Count;
                    graph.Nodes.Add(node);
                    break;
                case 5:
                    reader.Expect(ProtoReader.LengthDelimitedType, wire, "initializer");
                    graph.Initializers.Add(ParseTensor(reader.ReadMessage("TensorProto"), file, maxElements));
                    break;
                case 11:
                    reader.Expect(ProtoReader.LengthDelimitedType, wire, "input");
                    graph.Inputs.Add(ParseValueInfo(reader.ReadMessage("ValueInfoProto")));
                    break;
                case 12:
                    reader.Expect(ProtoReader.LengthDelimitedType, wire, "output");
                    graph.Outputs.Add(ParseValueInfo(reader.ReadMessage("ValueInfoProto")));
                    break;
                case 15:
                    reader.Expect(ProtoReader.LengthDelimitedType, wire, "sparse_initializer");
                    graph.SparseInitializers.Add(SparseName(reader.ReadMessage("SparseTensorProto"), file, maxElements));
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }

        return graph;
    }

    private static OnnxNode ParseNode(ProtoReader reader, byte[] file, long maxElements, int depth)
    {
        CheckDepth(reader, depth);
        var node = new OnnxNode();
        while (reader.TryReadField(out int field, out int wire))
        {
            switch (field)
            {
                case 1: reader.Expect(ProtoReader.LengthDelimitedType, wire, "input"); node.Inputs.Add(reader.ReadString()); break;
                case 2: reader.Expect(ProtoReader.LengthDelimitedType, wire, "output"); node.Outputs.Add(reader.ReadString()); break;
                case 3: reader.Expect(ProtoReader.LengthDelimitedType, wire, "name"); node.Name = reader.ReadString(); break;
                case 4: reader.Expect(ProtoReader.LengthDelimitedType, wire, "op_type"); node.OpType = reader.ReadString(); break;
                case 7: reader.Expect(ProtoReader.LengthDelimitedType, wire, "domain"); node.Domain = reader.ReadString(); break;
                case 5:
                    reader.Expect(ProtoReader.LengthDelimitedType, wire, "attribute");
                    node.Attributes.Add(ParseAttribute(reader.ReadMessage("AttributeProto"), file, maxElements, depth + 1));
                    break;
                default: reader.Skip(wire); break;
            }
        }

        if (node.Domain == "ai.onnx") node.Domain = "";
        for (int i = 0; i < node.Attributes.Count; i++)
            for (int j = 0; j < i; j++)
                if (node.Attributes[i].Name == node.Attributes[j].Name)
                    throw reader.Malformed($"node '{node.Name}' has attribute '{node.Attributes[i].Name}' twice");
        return node;
    }

    private static OnnxAttribute ParseAttribute(ProtoReader reader, byte[] file, long maxElements, int depth)
    {
        CheckDepth(reader, depth);
        var attribute = new OnnxAttribute();
        OnnxAttributeType inferred = OnnxAttributeType.Undefined;
        while (reader.TryReadField(out int field, out int wire))
        {
            switch (field)
            {
                case 1: reader.Expect(ProtoReader.LengthDelimitedType, wire, "name"); attribute.Name = reader.ReadString(); break;
                case 2: reader.Expect(ProtoReader.Fixed32Type, wire, "f"); attribute.F = reader.ReadFloat(); inferred = OnnxAttributeType.Float; break;
                case 3: reader.Expect(ProtoReader.VarintType, wire, "i"); attribute.I = reader.ReadInt64(); inferred = OnnxAttributeType.Int; break;
                case 4: reader.Expect(ProtoReader.LengthDelimitedType, wire, "s"); attribute.S = Lenient(reader.ReadBytes()); inferred = OnnxAttributeType.String; break;
                case 5:
                    reader.Expect(ProtoReader.LengthDelimitedType, wire, "t");
                    if (attribute.T is not null) throw reader.Malformed("field 't' occurs twice (GruTiny does not merge repeated messages)");
                    attribute.T = ParseTensor(reader.ReadMessage("TensorProto"), file, maxElements);
                    inferred = OnnxAttributeType.Tensor;
                    break;
                case 6:
                case 11:
                    reader.Expect(ProtoReader.LengthDelimitedType, wire, field == 6 ? "g" : "graphs");
                    ParseGraph(reader.ReadMessage("GraphProto"), file, maxElements, depth + 1);
                    inferred = field == 6 ? OnnxAttributeType.Graph : OnnxAttributeType.Graphs;
                    break;
                case 7: reader.ReadRepeatedFloat(wire, attribute.Floats, "floats", maxElements); inferred = OnnxAttributeType.Floats; break;
                case 8: reader.ReadRepeatedInt64(wire, attribute.Ints, "ints", maxElements); inferred = OnnxAttributeType.Ints; break;
                case 9: reader.Expect(ProtoReader.LengthDelimitedType, wire, "strings"); attribute.Strings.Add(Lenient(reader.ReadBytes())); inferred = OnnxAttributeType.Strings; break;
                case 20: reader.Expect(ProtoReader.VarintType, wire, "type"); attribute.Type = (OnnxAttributeType)SmallInt(reader.ReadVarint()); break;
                case 21: reader.Expect(ProtoReader.LengthDelimitedType, wire, "ref_attr_name"); attribute.RefAttributeName = reader.ReadString(); break;
                default:
                    reader.Skip(wire);
                    if (field == 10) inferred = OnnxAttributeType.Tensors;
                    else if (field == 22) inferred = OnnxAttributeType.SparseTensor;
                    break;
            }
        }

        attribute.EffectiveType = attribute.Type != OnnxAttributeType.Undefined ? attribute.Type : inferred;
        return attribute;
    }

    private static OnnxTensor ParseTensor(ProtoReader reader, byte[] file, long maxElements)
    {
        var tensor = new OnnxTensor { File = file };
        while (reader.TryReadField(out int field, out int wire))
        {
            switch (field)
            {
                case 1: reader.ReadRepeatedInt64(wire, tensor.Dims, "dims", 64); break;
                case 2: reader.Expect(ProtoReader.VarintType, wire, "data_type"); tensor.DataType = SmallInt(reader.ReadVarint()); break;
                case 3: reader.Skip(wire); tensor.Segmented = true; break;
                case 4: reader.ReadRepeatedFloat(wire, tensor.FloatData, "float_data", maxElements); break;
                case 5:
                case 7:
                case 11:
                    if (tensor.IntField != 0 && tensor.IntField != field) throw reader.Malformed($"tensor '{tensor.Name}' has values in two integer fields");
                    tensor.IntField = field;
                    reader.ReadRepeatedInt64(wire, tensor.IntData, field == 5 ? "int32_data" : field == 7 ? "int64_data" : "uint64_data", maxElements);
                    break;
                case 6: reader.Skip(wire); tensor.StringCount++; break;
                case 8: reader.Expect(ProtoReader.LengthDelimitedType, wire, "name"); tensor.Name = reader.ReadString(); break;
                case 9:
                    reader.Expect(ProtoReader.LengthDelimitedType, wire, "raw_data");
                    (int start, int end) = reader.ReadLengthDelimited();
                    tensor.RawStart = start;
                    tensor.RawLength = end - start;
                    break;
                case 10:
                    var doubles = new List<double>();
                    reader.ReadRepeatedDouble(wire, doubles, "double_data", maxElements);
                    tensor.DoubleCount += doubles.Count;
                    break;
                case 13: reader.Skip(wire); tensor.External = true; break;
                case 14: reader.Expect(ProtoReader.VarintType, wire, "data_location"); if (reader.ReadVarint() == 1) tensor.External = true; break;
                default: reader.Skip(wire); break;
            }
        }

        return tensor;
    }

    private static string SparseName(ProtoReader reader, byte[] file, long maxElements)
    {
        string name = "";
        while (reader.TryReadField(out int field, out int wire))
        {
            if (field == 1 && wire == ProtoReader.LengthDelimitedType)
                name = ParseTensor(reader.ReadMessage("TensorProto"), file, maxElements).Name;
            else reader.Skip(wire);
        }

        return name;
    }

    private static OnnxValueInfo ParseValueInfo(ProtoReader reader)
    {
        var info = new OnnxValueInfo();
        while (reader.TryReadField(out int field, out int wire))
        {
            if (field == 1) { reader.Expect(ProtoReader.LengthDelimitedType, wire, "name"); info.Name = reader.ReadString(); }
            else if (field == 2) { reader.Expect(ProtoReader.LengthDelimitedType, wire, "type"); ParseType(reader.ReadMessage("TypeProto"), info); }
            else reader.Skip(wire);
        }

        return info;
    }

    private static void ParseType(ProtoReader reader, OnnxValueInfo info)
    {
        while (reader.TryReadField(out int field, out int wire))
        {
            if (field != 1) { reader.Skip(wire); continue; }
            reader.Expect(ProtoReader.LengthDelimitedType, wire, "tensor_type");
            if (info.IsTensor) throw reader.Malformed("field 'tensor_type' occurs twice (GruTiny does not merge repeated messages)");
            info.IsTensor = true;
            ProtoReader tensorType = reader.ReadMessage("TypeProto.Tensor");
            while (tensorType.TryReadField(out int f, out int w))
            {
                if (f == 1) { tensorType.Expect(ProtoReader.VarintType, w, "elem_type"); info.ElemType = SmallInt(tensorType.ReadVarint()); }
                else if (f == 2)
                {
                    tensorType.Expect(ProtoReader.LengthDelimitedType, w, "shape");
                    if (info.Dims is not null) throw tensorType.Malformed("field 'shape' occurs twice (GruTiny does not merge repeated messages)");
                    info.Dims = ParseShape(tensorType.ReadMessage("TensorShapeProto"));
                }
                else tensorType.Skip(w);
            }
        }
    }

    private static List<long> ParseShape(ProtoReader reader)
    {
        var dims = new List<long>();
        while (reader.TryReadField(out int field, out int wire))
        {
            if (field != 1) { reader.Skip(wire); continue; }
            reader.Expect(ProtoReader.LengthDelimitedType, wire, "dim");
            if (dims.Count >= 64) throw reader.Malformed("a tensor type has more than 64 dimensions");
            ProtoReader dim = reader.ReadMessage("TensorShapeProto.Dimension");
            long value = -1;
            while (dim.TryReadField(out int f, out int w))
            {
                if (f == 1) { dim.Expect(ProtoReader.VarintType, w, "dim_value"); value = dim.ReadInt64(); }
                else if (f == 2) { dim.Skip(w); value = -1; } // dim_param: a oneof with dim_value, the last one wins
                else dim.Skip(w);
            }

            dims.Add(value < 0 ? -1 : value);
        }

        return dims;
    }

    // Enum-like fields are int32 in onnx.proto: a value that does not fit is no known type.
    private static int SmallInt(ulong value) => value <= int.MaxValue ? (int)value : -1;

    private static void CheckDepth(ProtoReader reader, int depth)
    {
        if (depth > MaxDepth)
            throw reader.Malformed($"messages are nested more than {MaxDepth} deep");
    }

    // Attribute strings are bytes in onnx.proto; only their ASCII values matter here, so invalid UTF-8 is
    // replaced rather than rejected.
    private static string Lenient(byte[] bytes) => new System.Text.UTF8Encoding(false, false).GetString(bytes);

    private static bool StartsWithAscii(byte[] bytes, string prefix)
    {
        if (bytes.Length < prefix.Length) return false;
        for (int i = 0; i < prefix.Length; i++)
            if (bytes[i] != prefix[i]) return false;
        return true;
    }
}
