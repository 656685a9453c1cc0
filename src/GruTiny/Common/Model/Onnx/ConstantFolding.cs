using System;
using System.Collections.Generic;
using System.Globalization;

namespace GruTiny.Model.Onnx;

/// <summary>
/// Decodes initializers and evaluates, on constants, the operators exporters use to shape and reorder
/// weights (Reshape, Transpose, Concat, Gather, Slice, Cast, Expand, elementwise arithmetic). Every result is
/// capped in size before it is allocated.
/// </summary>
internal static class ConstantFolding
{
    // Concat and Gather results are bounded like every tensor a file may hold: the default parameter cap.
    private const long MaxFolded = ModelDescriptionReader.DefaultMaxParameters;

    /// <summary>The values of a TensorProto, checked against its dims and type.</summary>
    public static ConstTensor Decode(OnnxTensor tensor, long maxElements, string source)
    {
        string name = $"tensor '{(tensor.Name.Length > 0 ? tensor.Name : source)}'";
        if (tensor.External)
            throw Error(ModelDiagnosticIds.OnnxTensor, $"{name} keeps its data in an external file (data_location EXTERNAL); GruTiny reads models whose weights are inside the .onnx file (export without external data, or convert with onnx.load(path, load_external_data=True) and onnx.save)");
        if (tensor.Segmented)
            throw Error(ModelDiagnosticIds.OnnxTensor, $"{name} is split into segments, which GruTiny does not read");

        long count = 1;
        var dims = new long[tensor.Dims.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            long d = tensor.Dims[i];
            if (d < 0) throw Error(ModelDiagnosticIds.OnnxTensor, $"{name} has a negative dimension ({d})");
            dims[i] = d;
            count = d == 0 ? 0 : count > maxElements / d ? maxElements + 1 : count * d;
        }

        if (count > maxElements)
            throw Error(ModelDiagnosticIds.ModelTooLarge, $"{name} has dims [{string.Join(",", dims)}], more than the {maxElements.ToString(CultureInfo.InvariantCulture)} values GruTiny accepts");

        int type = tensor.DataType;
        if (type == OnnxTypes.Float)
        {
            float[] floats;
            if (tensor.RawStart >= 0)
            {
                CheckLength(name, tensor.RawLength, count * 4, dims);
                floats = new float[count];
                for (int i = 0; i < floats.Length; i++)
                {
                    int p = tensor.RawStart + 4 * i;
                    byte[] f = tensor.File;
                    floats[i] = ProtoReader.BitsToFloat((uint)(f[p] | f[p + 1] << 8 | f[p + 2] << 16 | f[p + 3] << 24));
                }
            }
            else
            {
                CheckLength(name, tensor.FloatData.Count, count, dims);
                floats = tensor.FloatData.ToArray();
            }

            return new ConstTensor(source, type, dims, floats, null);
        }

        if (OnnxTypes.IsInteger(type))
        {
            long[] ints;
            if (tensor.RawStart >= 0)
            {
                int size = type switch
                {
                    OnnxTypes.Int64 or OnnxTypes.Uint64 => 8,
                    OnnxTypes.Int32 or OnnxTypes.Uint32 => 4,
                    OnnxTypes.Int16 or OnnxTypes.Uint16 => 2,
                    _ => 1,
                };
                CheckLength(name, tensor.RawLength, count * size, dims);
                ints = new long[count];
                byte[] f = tensor.File;
                for (int i = 0; i < ints.Length; i++)
                {
                    int p = tensor.RawStart + size * i;
                    ulong v = 0;
                    for (int b = size - 1; b >= 0; b--) v = v << 8 | f[p + b];
                    ints[i] = Narrow((long)v, type, name);
                }
            }
            else
            {
                CheckLength(name, tensor.IntData.Count, count, dims);
                // onnx.proto: int64_data holds INT64, uint64_data UINT32 and UINT64, int32_data every other
                // integer type (int32 on the wire, so a 10-byte -1 is -1), narrowed to the tensor's type.
                int field = type == OnnxTypes.Int64 ? 7 : type is OnnxTypes.Uint32 or OnnxTypes.Uint64 ? 11 : 5;
                if (count > 0 && tensor.IntField != field)
                    throw Error(ModelDiagnosticIds.OnnxTensor, $"{name} of type {OnnxTypes.Name(type)} keeps its values in the wrong field of TensorProto");
                ints = new long[count];
                for (int i = 0; i < ints.Length; i++)
                    ints[i] = Narrow(field == 5 ? (int)tensor.IntData[i] : tensor.IntData[i], type, name);
            }

            return new ConstTensor(source, type, dims, null, ints);
        }

        throw Error(ModelDiagnosticIds.OnnxTensor, $"{name} has data type {OnnxTypes.Name(type)}; GruTiny compiles FLOAT (float32) models and reads integer tensors for shapes and indices (export the model in float32)");
    }

    public static ConstTensor Reshape(ConstTensor data, long[] shape, bool allowZero, string source, Func<string, Exception> fail)
    {
        var dims = new long[shape.Length];
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            long d = shape[i];
            if (d == 0 && !allowZero)
            {
                if (i >= data.Rank) throw fail($"shape entry {i} is 0 (copy) but the data has rank {data.Rank}");
                d = data.Dims[i];
            }

            if (d == -1)
            {
                if (inferred >= 0) throw fail("the shape has more than one -1");
                inferred = i;
                continue;
            }

            if (d < 0) throw fail($"shape entry {i} is {d}");
            dims[i] = d;
            if (d != 0 && known > data.Count / d) throw fail($"shape [{string.Join(",", shape)}] holds more values than the data");
            known *= d;
        }

        if (inferred >= 0)
        {
            if (known == 0 || data.Count % known != 0) throw fail($"cannot infer the -1 entry of a shape for {data.Count} values");
            dims[inferred] = data.Count / known;
            known *= dims[inferred];
        }

        if (known != data.Count) throw fail($"shape [{string.Join(",", dims)}] does not hold the {data.Count} values of the data");
        return data.WithDims(dims, source);
    }

    public static ConstTensor Transpose(ConstTensor data, int[] perm, string source)
    {
        var dims = new long[perm.Length];
        for (int i = 0; i < perm.Length; i++) dims[i] = data.Dims[perm[i]];
        long[] inStrides = Strides(data.Dims);
        return Map(data, dims, source, index =>
        {
            long offset = 0;
            for (int i = 0; i < perm.Length; i++) offset += index[i] * inStrides[perm[i]];
            return offset;
        });
    }

    public static ConstTensor Concat(IReadOnlyList<ConstTensor> parts, int axis, string source, Func<string, Exception> fail)
    {
        ConstTensor first = parts[0];
        var dims = (long[])first.Dims.Clone();
        dims[axis] = 0;
        foreach (ConstTensor part in parts)
        {
            if (part.Rank != first.Rank || part.IsFloat != first.IsFloat) throw fail("its inputs differ in rank or type");
            for (int d = 0; d < dims.Length; d++)
                if (d != axis && part.Dims[d] != first.Dims[d]) throw fail("its inputs differ in shape outside the concatenation axis");
            dims[axis] += part.Dims[axis];
        }

        CheckCount(dims, MaxFolded, fail);

        long outer = 1;
        for (int d = 0; d < axis; d++) outer *= dims[d];
        var floats = first.IsFloat ? new List<float>() : null;
        var ints = first.IsFloat ? null : new List<long>();
        for (long o = 0; o < outer; o++)
        {
            foreach (ConstTensor part in parts)
            {
                long block = part.Count / Math.Max(1, outer);
                for (long k = 0; k < block; k++)
                {
                    long at = o * block + k;
                    if (floats is not null) floats.Add(part.Floats![at]);
                    else ints!.Add(part.Ints![at]);
                }
            }
        }

        return new ConstTensor(source, first.ElemType, dims, floats?.ToArray(), ints?.ToArray());
    }

    public static ConstTensor Gather(ConstTensor data, ConstTensor indices, int axis, string source, Func<string, Exception> fail)
    {
        if (indices.IsFloat) throw fail("its indices are not integers");
        long axisSize = data.Dims[axis];
        var idx = new long[indices.Count];
        for (int i = 0; i < idx.Length; i++)
        {
            long v = indices.Ints![i];
            if (v < 0) v += axisSize;
            if (v < 0 || v >= axisSize) throw fail($"index {indices.Ints![i]} is out of range for an axis of size {axisSize}");
            idx[i] = v;
        }

        var dims = new List<long>();
        for (int d = 0; d < axis; d++) dims.Add(data.Dims[d]);
        dims.AddRange(indices.Dims);
        for (int d = axis + 1; d < data.Rank; d++) dims.Add(data.Dims[d]);
        CheckCount(dims.ToArray(), MaxFolded, fail);
        long[] inStrides = Strides(data.Dims);
        long[] idxStrides = Strides(indices.Dims);
        int q = indices.Rank;
        return Map(data, dims.ToArray(), source, index =>
        {
            long offset = 0;
            for (int d = 0; d < axis; d++) offset += index[d] * inStrides[d];
            long flat = 0;
            for (int d = 0; d < q; d++) flat += index[axis + d] * idxStrides[d];
            offset += idx[flat] * inStrides[axis];
            for (int d = axis + 1; d < data.Rank; d++) offset += index[d + q - 1] * inStrides[d];
            return offset;
        });
    }

    /// <summary>Slice, with ONNX's clamping of starts and ends.</summary>
    public static ConstTensor Slice(ConstTensor data, long[] starts, long[] ends, int[] axes, long[] steps, string source, Func<string, Exception> fail)
    {
        var begin = new long[data.Rank];
        var step = new long[data.Rank];
        var dims = (long[])data.Dims.Clone();
        for (int d = 0; d < data.Rank; d++) step[d] = 1;
        for (int i = 0; i < axes.Length; i++)
        {
            int a = axes[i];
            long size = data.Dims[a];
            long s = steps[i];
            if (s == 0) throw fail("a step is 0");
            (long first, long count) = SliceRange(starts[i], ends[i], s, size);
            begin[a] = first;
            step[a] = s;
            dims[a] = count;
        }

        long[] inStrides = Strides(data.Dims);
        return Map(data, dims, source, index =>
        {
            long offset = 0;
            for (int d = 0; d < index.Length; d++) offset += (begin[d] + index[d] * step[d]) * inStrides[d];
            return offset;
        });
    }

    /// <summary>The first index and element count that ONNX's Slice selects on one axis (step ≠ 0).</summary>
    public static (long First, long Count) SliceRange(long start, long end, long step, long size)
    {
        if (size <= 0 || step == 0) return (0, 0);
        // Clamp before adding the size, so that no sum overflows.
        start = start < -size ? -size - 1 : start > size ? size : start;
        end = end < -size ? -size - 1 : end > size ? size : end;
        if (start < 0) start += size;
        if (end < 0) end += size;
        if (step > 0)
        {
            start = Clamp(start, 0, size);
            end = Clamp(end, 0, size);
            return (start, end > start ? (end - start - 1) / step + 1 : 0);
        }

        start = Clamp(start, 0, size - 1);
        end = Clamp(end, -1, size - 1);
        if (start <= end) return (start, 0);
        return (start, step == long.MinValue ? 1 : (start - end - 1) / -step + 1);
    }

    public static ConstTensor Cast(ConstTensor data, int to, string source, Func<string, Exception> fail)
    {
        if (to == OnnxTypes.Float)
        {
            if (data.IsFloat) return new ConstTensor(source, to, data.Dims, data.Floats, null);
            var f = new float[data.Count];
            for (int i = 0; i < f.Length; i++) f[i] = data.Ints![i];
            return new ConstTensor(source, to, data.Dims, f, null);
        }

        if (!OnnxTypes.IsInteger(to)) throw fail($"it casts to {OnnxTypes.Name(to)}");
        var ints = new long[data.Count];
        for (int i = 0; i < ints.Length; i++)
        {
            if (!data.IsFloat)
            {
                ints[i] = Narrow(data.Ints![i], to, source);
                continue;
            }

            float v = data.Floats![i];
            if (to == OnnxTypes.Bool) { ints[i] = v != 0 ? 1 : 0; continue; }
            if (float.IsNaN(v) || Math.Abs(v) >= 9.2e18f) throw fail("it casts a float outside the integer range");
            long truncated = (long)v;
            if (Narrow(truncated, to, source) != truncated) throw fail($"it casts {v} outside the range of {OnnxTypes.Name(to)}");
            ints[i] = truncated;
        }

        return new ConstTensor(source, to, data.Dims, null, ints);
    }

    /// <summary>Numpy-style broadcasting of <paramref name="data"/> to <paramref name="shape"/> (Expand).</summary>
    public static ConstTensor Expand(ConstTensor data, long[] shape, long maxElements, string source, Func<string, Exception> fail)
    {
        long[] dims = BroadcastShape(data.Dims, shape, fail);
        CheckCount(dims, maxElements, fail);
        return Broadcast(data, dims, source);
    }

    /// <summary>Add, Sub, Mul or Div of two constants with numpy broadcasting.</summary>
    public static ConstTensor Elementwise(string op, ConstTensor a, ConstTensor b, long maxElements, string source, Func<string, Exception> fail)
    {
        if (a.IsFloat != b.IsFloat) throw fail("its inputs differ in type");
        long[] dims = BroadcastShape(a.Dims, b.Dims, fail);
        CheckCount(dims, maxElements, fail);
        ConstTensor x = Broadcast(a, dims, source), y = Broadcast(b, dims, source);
        if (a.IsFloat)
        {
            var r = new float[x.Count];
            for (int i = 0; i < r.Length; i++)
            {
                float p = x.Floats![i], q = y.Floats![i];
                r[i] = op switch { "Add" => p + q, "Sub" => p - q, "Mul" => p * q, _ => p / q };
            }

            return new ConstTensor(source, a.ElemType, dims, r, null);
        }

        var n = new long[x.Count];
        for (int i = 0; i < n.Length; i++)
        {
            long p = x.Ints![i], q = y.Ints![i];
            if (op == "Div" && (q == 0 || (q == -1 && p == long.MinValue))) throw fail("it divides an integer by zero (or overflows)");
            n[i] = op switch { "Add" => p + q, "Sub" => p - q, "Mul" => p * q, _ => p / q };
        }

        return new ConstTensor(source, a.ElemType, dims, null, n);
    }

    public static long[] BroadcastShape(long[] a, long[] b, Func<string, Exception> fail)
    {
        int rank = Math.Max(a.Length, b.Length);
        if (rank > 64) throw fail("a shape has more than 64 dimensions");
        var dims = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long x = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
            long y = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
            if (x != y && x != 1 && y != 1) throw fail($"shapes [{string.Join(",", a)}] and [{string.Join(",", b)}] do not broadcast");
            dims[i] = x == 1 ? y : x;
        }

        return dims;
    }

    public static void CheckCount(long[] dims, long maxElements, Func<string, Exception> fail)
    {
        long count = 1;
        foreach (long d in dims)
        {
            if (d < 0) throw fail($"a dimension is negative ({d})");
            count = d == 0 ? 0 : count > maxElements / d ? maxElements + 1 : count * d;
        }

        if (count > maxElements)
            throw new ModelFormatErrorException(new ModelFormatError(ModelDiagnosticIds.ModelTooLarge,
                $"a constant of shape [{string.Join(",", dims)}] would hold more than {maxElements.ToString(CultureInfo.InvariantCulture)} values", 0, 0));
    }

    private static ConstTensor Broadcast(ConstTensor data, long[] dims, string source)
    {
        int offset = dims.Length - data.Rank;
        long[] inStrides = Strides(data.Dims);
        return Map(data, dims, source, index =>
        {
            long at = 0;
            for (int d = 0; d < data.Rank; d++)
                if (data.Dims[d] != 1) at += index[d + offset] * inStrides[d];
            return at;
        });
    }

    private static ConstTensor Map(ConstTensor data, long[] dims, string source, Func<long[], long> sourceIndex)
    {
        long count = 1;
        foreach (long d in dims) count *= d;
        var index = new long[dims.Length];
        float[]? floats = data.IsFloat ? new float[count] : null;
        long[]? ints = data.IsFloat ? null : new long[count];
        for (long i = 0; i < count; i++)
        {
            long from = sourceIndex(index);
            if (floats is not null) floats[i] = data.Floats![from];
            else ints![i] = data.Ints![from];
            for (int d = dims.Length - 1; d >= 0; d--)
            {
                if (++index[d] < dims[d]) break;
                index[d] = 0;
            }
        }

        return new ConstTensor(source, data.ElemType, dims, floats, ints);
    }

    /// <summary>A value as a tensor of the integer type holds it (wrapping as C and numpy casts do).</summary>
    public static long Narrow(long value, int type, string name) => type switch
    {
        OnnxTypes.Int32 => (int)value,
        OnnxTypes.Int16 => (short)value,
        OnnxTypes.Int8 => (sbyte)value,
        OnnxTypes.Uint8 => (byte)value,
        OnnxTypes.Uint16 => (ushort)value,
        OnnxTypes.Uint32 => (uint)value,
        OnnxTypes.Bool => value != 0 ? 1 : 0,
        OnnxTypes.Uint64 when value < 0 => throw Error(ModelDiagnosticIds.OnnxTensor, $"{name} holds a UINT64 value above 2^63, which GruTiny does not read"),
        _ => value,
    };

    private static long[] Strides(long[] dims)
    {
        var strides = new long[dims.Length];
        long s = 1;
        for (int d = dims.Length - 1; d >= 0; d--)
        {
            strides[d] = s;
            s *= dims[d];
        }

        return strides;
    }

    private static long Clamp(long v, long lo, long hi) => v < lo ? lo : v > hi ? hi : v;

    private static void CheckLength(string name, long actual, long expected, long[] dims)
    {
        if (actual != expected)
            throw Error(ModelDiagnosticIds.OnnxTensor, $"{name} holds {actual} {(expected == 0 ? "values" : "values or bytes")} but its dims [{string.Join(",", dims)}] need {expected}");
    }

    private static ModelFormatErrorException Error(string id, string message) =>
        new(new ModelFormatError(id, message + ".", 0, 0));
}
