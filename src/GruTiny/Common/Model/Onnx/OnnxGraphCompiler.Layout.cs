using System;
using System.Collections.Generic;
using System.Linq;

namespace GruTiny.Model.Onnx;

// Shape and layout operators: folded on constants, carried through on integers derived from the input's
// shape and on zeros, and on the sequence only when they move its axes without mixing time steps.
internal sealed partial class OnnxGraphCompiler
{
    private OnnxValue Shape(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node, "start", "end");
        OnnxValue data = Required(node, inputs, 0, "data");
        DimTerm[]? terms = data switch
        {
            SeqTensor seq => seq.Axes.Select(a => a.Length == 0 ? new DimTerm(1, null) : new DimTerm(KnownSize(a), a)).ToArray(),
            ConstTensor c => c.Dims.Select(d => new DimTerm(d, null)).ToArray(),
            ShapeInts s => new[] { new DimTerm(s.Rank == 0 ? -1 : s.Elements?.Length ?? -1, null) }.Take(s.Rank).ToArray(),
            _ => null,
        };
        if (terms is null) return new ShapeInts(1, null);
        long start = IntAttribute(node, "start", 0), end = IntAttribute(node, "end", long.MaxValue);
        (long first, long count) = ConstantFolding.SliceRange(start, end, 1, terms.Length);
        return AsValue(new ShapeInts(1, terms.Skip((int)first).Take((int)count).ToArray()), node);
    }

    private OnnxValue Gather(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node, "axis");
        OnnxValue data = Required(node, inputs, 0, "data");
        OnnxValue indicesValue = Required(node, inputs, 1, "indices");
        if (indicesValue is not ConstTensor indices || indices.IsFloat)
            throw InputError(node, "indices", $"must be constant integers, but it is {indicesValue.Describe()}");
        long axisAttribute = IntAttribute(node, "axis", 0);
        switch (data)
        {
            case ConstTensor c:
                return ConstantFolding.Gather(c, indices, NormalizeAxis(node, "axis", axisAttribute, c.Rank), Output(node), FoldError(node));
            case ZeroTensor:
                return data;
            case BroadcastTensor repeated:
                return GatherRepeated(node, repeated, indices, NormalizeAxis(node, "axis", axisAttribute, repeated.Value.Rank));
            case StateStack { Parts: not null } stack when indices.Count == 1 && indices.Rank <= 1 && NormalizeAxis(node, "axis", axisAttribute, stack.Parts[0].Rank) == stack.Axis:
            {
                // One layer's final hidden state out of PyTorch's h_n (h_n[-1]: the last layer's).
                long index = indices.Ints![0] < 0 ? indices.Ints[0] + stack.Parts.Length : indices.Ints[0];
                if (index < 0 || index >= stack.Parts.Length)
                    throw LayoutError(node, $"index {indices.Ints[0]} is out of range for the {stack.Parts.Length} stacked final states");
                SeqTensor state = stack.Parts[index];
                return indices.Rank == 0 ? state.WithAxes(state.Axes.Where((_, i) => i != stack.Axis).ToArray()) : state;
            }

            case ShapeInts s:
                if (s.Rank != 1) throw LayoutError(node, "gathers from a scalar");
                if (indices.Rank > 1) throw LayoutError(node, "gathers shape integers with indices of rank above 1");
                if (s.Elements is null) return new ShapeInts(indices.Rank, indices.Rank == 0 ? new[] { DimTerm.Unknown } : null);
                var picked = new DimTerm[indices.Count];
                for (int i = 0; i < picked.Length; i++)
                {
                    long at = indices.Ints![i] < 0 ? indices.Ints[i] + s.Elements.Length : indices.Ints[i];
                    if (at < 0 || at >= s.Elements.Length) throw LayoutError(node, $"index {indices.Ints[i]} is out of range for {s.Elements.Length} shape values");
                    picked[i] = s.Elements[at];
                }

                return AsValue(new ShapeInts(indices.Rank, picked), node);
            case SeqTensor seq:
            {
                int axis = NormalizeAxis(node, "axis", axisAttribute, seq.Rank);
                if (indices.Count != 1 || indices.Rank > 1)
                    throw LayoutError(node, "gathers more than one index from the sequence");
                bool last = TakesLast(seq.Axes[axis], indices.Ints![0], indices.Ints[0] + 1 == 0 ? long.MaxValue : indices.Ints[0] + 1, 1, node, out bool whole);
                Factor[][] axes = SeqTensor.CopyAxes(seq.Axes);
                axes[axis] = Array.Empty<Factor>();
                if (indices.Rank == 0) axes = axes.Where((_, i) => i != axis).ToArray();
                return seq.WithAxes(axes, seq.FinalOnly || (last && !whole));
            }

            default:
                throw LayoutError(node, $"gathers from {data.Describe()}");
        }
    }

    private OnnxValue Slice(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node);
        OnnxValue data = Required(node, inputs, 0, "data");
        long[] starts = ConstInts(node, inputs, 1, "starts") ?? throw InputError(node, "starts", "is missing");
        long[] ends = ConstInts(node, inputs, 2, "ends") ?? throw InputError(node, "ends", "is missing");
        long[]? axesInput = ConstInts(node, inputs, 3, "axes");
        long[] steps = ConstInts(node, inputs, 4, "steps") ?? Enumerable.Repeat(1L, starts.Length).ToArray();
        if (ends.Length != starts.Length || steps.Length != starts.Length || (axesInput is not null && axesInput.Length != starts.Length))
            throw InputError(node, "ends", "differs in length from starts, axes or steps");
        if (starts.Length == 0) throw InputError(node, "starts", "is empty");
        if (steps.Contains(0)) throw InputError(node, "steps", "holds a step of 0");

        int rank = data switch
        {
            ConstTensor c => c.Rank,
            SeqTensor s => s.Rank,
            ShapeInts s => s.Rank,
            BroadcastTensor b => b.Value.Rank,
            _ => -1,
        };
        if (data is ZeroTensor) return data;
        if (rank < 0) throw LayoutError(node, $"slices {data.Describe()}");
        int[] axes = (axesInput ?? Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray())
            .Select(a => NormalizeAxis(node, "axes", a, rank)).ToArray();

        switch (data)
        {
            case ConstTensor c:
                return ConstantFolding.Slice(c, starts, ends, axes, steps, Output(node), FoldError(node));
            case BroadcastTensor repeated:
                return SliceRepeated(node, repeated, starts, ends, axes, steps);
            case ShapeInts s:
                if (s.Elements is null) return s;
                if (steps[0] == 0) throw LayoutError(node, "a step is 0");
                (long first, long count) = ConstantFolding.SliceRange(starts[0], ends[0], steps[0], s.Elements.Length);
                var picked = new DimTerm[count];
                for (long i = 0; i < count; i++) picked[i] = s.Elements[first + i * steps[0]];
                return AsValue(new ShapeInts(1, picked), node);
            default:
            {
                var seq = (SeqTensor)data;
                Factor[][] newAxes = SeqTensor.CopyAxes(seq.Axes);
                bool finalOnly = seq.FinalOnly;
                for (int i = 0; i < axes.Length; i++)
                {
                    bool last = TakesLast(seq.Axes[axes[i]], starts[i], ends[i], steps[i], node, out bool whole);
                    if (!whole)
                    {
                        newAxes[axes[i]] = Array.Empty<Factor>();
                        finalOnly |= last;
                    }
                }

                return seq.WithAxes(newAxes, finalOnly);
            }
        }
    }

    // A selection along one axis of the sequence is allowed when it keeps the whole axis, or takes the
    // last time step (what classifiers read).
    private bool TakesLast(Factor[] axis, long start, long end, long step, OnnxNode node, out bool whole)
    {
        long size = axis.Length == 0 ? 1 : KnownSize(axis);
        const long Large = int.MaxValue;
        if (size > 0)
        {
            (long first, long count) = ConstantFolding.SliceRange(start, end, step, size);
            whole = count == size && step == 1;
            if (whole) return false;
            if (count == 1 && first == size - 1 && IsTime(axis)) return true;
        }
        else
        {
            whole = start == 0 && end >= Large && step == 1;
            if (whole) return false;
            if (start == -1 && end >= Large && step == 1 && IsTime(axis)) return true;
        }

        throw LayoutError(node, $"selects part of the {DescribeAxis(axis)} axis; GruTiny compiles selections of the whole axis or of the last time step only");
    }

    private OnnxValue Concat(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node, "axis");
        OnnxValue[] parts = inputs.Select((v, i) => v ?? throw InputError(node, $"inputs[{i}]", "is empty")).ToArray();
        if (parts.Length == 0) throw InputError(node, "inputs", "are missing");
        long axis = IntAttribute(node, "axis", long.MinValue);
        if (axis == long.MinValue) throw AttributeError(node, "axis", "is required");

        if (parts.All(p => p is ConstTensor))
        {
            var consts = parts.Cast<ConstTensor>().ToList();
            return ConstantFolding.Concat(consts, NormalizeAxis(node, "axis", axis, consts[0].Rank), Output(node), FoldError(node));
        }

        if (parts.All(p => p is ShapeInts || p is ConstTensor { IsFloat: false, Rank: 1 }))
        {
            var terms = new List<DimTerm>();
            foreach (OnnxValue p in parts)
            {
                if (p is ShapeInts { Elements: null }) return new ShapeInts(1, null);
                if (p is ShapeInts { Rank: 0 }) throw LayoutError(node, "concatenates a scalar");
                terms.AddRange(p is ShapeInts s ? s.Elements! : ((ConstTensor)p).Ints!.Select(v => new DimTerm(v, null, constant: true)));
            }

            return AsValue(new ShapeInts(1, terms.ToArray()), node);
        }

        if (parts.All(IsZero)) return ZeroTensor.Instance;
        // PyTorch's h_n: the final hidden states of GRU layers, stacked. Only one layer's may be taken out again
        // (Gather along the stacking axis: fc(h_n[-1])); nothing else may be computed from it.
        if (parts.All(p => p is StateStack || p is SeqTensor { FinalOnly: true, Pending: null } s && s.Layers.Length > 0 && s.Layers[s.Layers.Length - 1] is GruLayerDescription))
            return StackStates(parts, axis);
        throw LayoutError(node, $"concatenates {string.Join(" and ", parts.Select(p => p.Describe()).Distinct())}; GruTiny compiles one sequence through the graph");
    }

    // The parts of a stack along one axis, each of size 1 there (Y_h: [1, batch, hidden]); a stack of stacks along
    // the same axis is flattened. Anything else is a stack whose parts cannot be taken out again.
    private static StateStack StackStates(OnnxValue[] parts, long axisAttribute)
    {
        var states = new List<SeqTensor>();
        foreach (OnnxValue part in parts)
        {
            SeqTensor[]? inner = part is StateStack stack ? stack.Parts : new[] { (SeqTensor)part };
            if (inner is null) return ((StateStack)part).Moved();
            states.AddRange(inner);
        }

        // One axis for all: the Concat's, which a stacked part must have been stacked along too.
        int rank = states[0].Rank;
        int axis = (int)(axisAttribute < 0 ? axisAttribute + rank : axisAttribute);
        if (axis < 0 || axis >= rank || states.Any(s => s.Rank != rank || s.Axes[axis].Length != 0)
            || parts.Any(p => p is StateStack stacked && stacked.Axis != axis))
            return StateStack.Instance;
        return new StateStack(states.ToArray(), axis);
    }

    private OnnxValue Unsqueeze(OnnxNode node, OnnxValue?[] inputs)
    {
        long[] axesList = AxesOf(node, inputs) ?? throw InputError(node, "axes", "is missing");
        OnnxValue data = Required(node, inputs, 0, "data");
        switch (data)
        {
            case ZeroTensor:
                return data;
            case StateStack moved:
                return moved.Moved(); // its axes move: the parts can no longer be taken out
            case ConstTensor c:
                return c.WithDims(InsertAxes(node, c.Dims.Select(d => (object)d).ToList(), axesList, (object)1L).Cast<long>().ToArray(), Output(node));
            case BroadcastTensor repeated:
                return UnsqueezeRepeated(node, repeated, axesList);
            case ShapeInts s:
                if (s.Rank != 0 || axesList.Length != 1 || (axesList[0] != 0 && axesList[0] != -1))
                    throw LayoutError(node, "makes shape integers more than one-dimensional");
                return new ShapeInts(1, s.Elements);
            case SeqTensor seq:
                return seq.WithAxes(InsertAxes(node, seq.Axes.Cast<object>().ToList(), axesList, Array.Empty<Factor>()).Cast<Factor[]>().ToArray());
            default:
                throw LayoutError(node, $"unsqueezes {data.Describe()}");
        }
    }

    private static List<object> InsertAxes(OnnxNode node, List<object> dims, long[] axes, object one)
    {
        int rank = dims.Count + axes.Length;
        var sorted = axes.Select(a => NormalizeAxis(node, "axes", a, rank)).OrderBy(a => a).ToArray();
        if (sorted.Distinct().Count() != sorted.Length) throw AttributeError(node, "axes", "repeats an axis");
        foreach (int a in sorted) dims.Insert(a, one);
        return dims;
    }

    private OnnxValue Squeeze(OnnxNode node, OnnxValue?[] inputs)
    {
        long[]? axesList = AxesOf(node, inputs);
        OnnxValue data = Required(node, inputs, 0, "data");
        switch (data)
        {
            case ZeroTensor:
                return data;
            case StateStack moved:
                return moved.Moved(); // its axes move: the parts can no longer be taken out
            case ConstTensor c:
            {
                var remove = axesList?.Select(a => NormalizeAxis(node, "axes", a, c.Rank)).ToArray()
                    ?? Enumerable.Range(0, c.Rank).Where(i => c.Dims[i] == 1).ToArray();
                if (remove.Any(a => c.Dims[a] != 1)) throw LayoutError(node, "squeezes an axis whose size is not 1");
                return c.WithDims(c.Dims.Where((_, i) => !remove.Contains(i)).ToArray(), Output(node));
            }

            case BroadcastTensor repeated:
                return SqueezeRepeated(node, repeated, axesList);

            case ShapeInts s:
                if (s.Rank != 1 || (s.Elements is not null && s.Elements.Length != 1)) throw LayoutError(node, "squeezes shape integers to other than a scalar");
                return new ShapeInts(0, s.Elements ?? new[] { DimTerm.Unknown });
            case SeqTensor seq:
            {
                if (axesList is null && seq.Axes.Any(a => KnownSize(a) < 0))
                    throw InputError(node, "axes", "are not given, so the axes squeezed depend on sizes known only at run time; give the axes");
                var remove = axesList?.Select(a => NormalizeAxis(node, "axes", a, seq.Rank)).ToArray()
                    ?? Enumerable.Range(0, seq.Rank).Where(i => seq.Axes[i].Length == 0).ToArray();
                foreach (int a in remove)
                {
                    if (seq.Axes[a].Length != 0)
                        throw LayoutError(node, $"squeezes axis {a}, the {DescribeAxis(seq.Axes[a])} axis, whose size is not known to be 1");
                }

                return seq.WithAxes(seq.Axes.Where((_, i) => !remove.Contains(i)).ToArray());
            }

            default:
                throw LayoutError(node, $"squeezes {data.Describe()}");
        }
    }

    // Squeeze and Unsqueeze take their axes as an attribute before opset 13 and as an input since.
    private long[]? AxesOf(OnnxNode node, OnnxValue?[] inputs)
    {
        if (_opset < 13)
        {
            AllowAttributes(node, "axes");
            long[]? listed = IntsAttribute(node, "axes");
            if (listed is { Length: > 64 }) throw AttributeError(node, "axes", "lists more than 64 axes");
            return listed;
        }

        AllowAttributes(node);
        long[]? axes = ConstInts(node, inputs, 1, "axes");
        if (axes is { Length: 0 }) throw InputError(node, "axes", "is empty (which means every size-1 axis); give the axes");
        if (axes is { Length: > 64 }) throw InputError(node, "axes", "lists more than 64 axes");
        return axes;
    }

    private OnnxValue Reshape(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node, "allowzero");
        bool allowZero = IntAttribute(node, "allowzero", 0) != 0;
        OnnxValue data = Required(node, inputs, 0, "data");
        OnnxValue shapeValue = Required(node, inputs, 1, "shape");
        DimTerm[] shape = shapeValue switch
        {
            ConstTensor { IsFloat: false, Rank: 1 } c => c.Ints!.Select(v => new DimTerm(v, null, constant: true)).ToArray(),
            ShapeInts { Rank: 1, Elements: not null } s => s.Elements!,
            _ => throw InputError(node, "shape", $"must be a list of integers known before run time, but it is {shapeValue.Describe()}"),
        };
        if (shape.Length > 64) throw InputError(node, "shape", "has more than 64 dimensions");

        switch (data)
        {
            case ZeroTensor:
                return data;
            case StateStack moved:
                return moved.Moved(); // its axes move: the parts can no longer be taken out
            case ConstTensor c:
                if (shape.Any(t => t.Value < -1 || (t.Value == -1 && t.Factors is not null) || t.IsUnknown))
                    throw InputError(node, "shape", "is not a constant list of integers");
                return ConstantFolding.Reshape(c, shape.Select(t => t.Value).ToArray(), allowZero, Output(node), FoldError(node));
            case ShapeInts s when s.Elements is not null:
                if (shape.Length == 1 && shape[0].IsConstant && (shape[0].Value == -1 || shape[0].Value == s.Elements.Length)) return new ShapeInts(1, s.Elements);
                if (shape.Length == 0 && s.Elements.Length == 1) return new ShapeInts(0, s.Elements);
                throw LayoutError(node, "reshapes shape integers into more than one dimension");
            case SeqTensor seq:
                return seq.WithAxes(ReshapeAxes(node, seq, shape, allowZero));
            default:
                throw LayoutError(node, $"reshapes {data.Describe()}");
        }
    }

    // Matches the new shape against the factors of the sequence's axes in order: an entry is an axis copied
    // (0), a size computed from the input's shape, a known number (a product of factors of known size), or
    // the one −1 that takes what is left. Size-1 axes have no factors and come and go freely.
    private Factor[][] ReshapeAxes(OnnxNode node, SeqTensor seq, DimTerm[] shape, bool allowZero)
    {
        Factor[] factors = seq.Axes.SelectMany(a => a).ToArray();
        var result = new Factor[shape.Length][];
        int rest = -1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i].Value == -1 && shape[i].IsConstant) // an unknown entry is no "-1": Take refuses it
            {
                if (rest >= 0) throw InputError(node, "shape", "has more than one -1");
                rest = i;
            }
        }

        int front = 0, back = factors.Length;
        int limit = rest >= 0 ? rest : shape.Length;
        for (int i = 0; i < limit; i++) result[i] = Take(i, ref front, +1);
        if (rest >= 0)
        {
            for (int i = shape.Length - 1; i > rest; i--) result[i] = Take(i, ref back, -1);
            if (back < front) throw ReshapeError();
            result[rest] = factors.Skip(front).Take(back - front).ToArray();
        }
        else if (front != back)
        {
            throw ReshapeError();
        }

        return result;

        Factor[] Take(int entry, ref int at, int direction)
        {
            DimTerm term = shape[entry];
            Factor[] wanted;
            if (term.Factors is not null) wanted = term.Factors;
            else if (term.Value == 0 && !allowZero)
            {
                if (entry >= seq.Rank) throw InputError(node, "shape", $"copies axis {entry} (0) of a rank-{seq.Rank} tensor");
                wanted = seq.Axes[entry];
            }
            else if (term.Value >= 1)
            {
                var taken = new List<Factor>();
                long product = 1;
                while (product < term.Value)
                {
                    int next = direction > 0 ? at : at - 1;
                    if (next < 0 || next >= factors.Length || factors[next].Size < 0) throw ReshapeError();
                    product *= factors[next].Size;
                    taken.Add(factors[next]);
                    at += direction;
                }

                if (product != term.Value) throw ReshapeError();
                if (direction < 0) taken.Reverse();
                return taken.ToArray();
            }
            else throw ReshapeError();

            for (int k = 0; k < wanted.Length; k++)
            {
                int next = direction > 0 ? at + k : at - wanted.Length + k;
                if (next < 0 || next >= factors.Length || !factors[next].Equals(wanted[k])) throw ReshapeError();
            }

            at += direction * wanted.Length;
            return wanted;
        }

        ModelFormatErrorException ReshapeError() => LayoutError(node,
            $"reshapes the sequence [{string.Join(",", seq.Axes.Select(DescribeAxis))}] to [{string.Join(",", shape.Select(DescribeTerm))}], which GruTiny cannot show keeps time steps and features apart");
    }

    private OnnxValue Flatten(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node, "axis");
        OnnxValue data = Required(node, inputs, 0, "input");
        long axisAttribute = IntAttribute(node, "axis", 1);
        switch (data)
        {
            case ZeroTensor:
                return data;
            case StateStack moved:
                return moved.Moved(); // its axes move: the parts can no longer be taken out
            case ConstTensor c:
            {
                int axis = axisAttribute == c.Rank ? c.Rank : NormalizeAxis(node, "axis", axisAttribute, c.Rank);
                long outer = 1;
                for (int i = 0; i < axis; i++) outer *= c.Dims[i];
                return c.WithDims(new[] { outer, outer == 0 ? 0 : c.Count / outer }, Output(node));
            }

            case SeqTensor seq:
            {
                int axis = axisAttribute == seq.Rank ? seq.Rank : NormalizeAxis(node, "axis", axisAttribute, seq.Rank);
                return seq.WithAxes(new[] { seq.Axes.Take(axis).SelectMany(a => a).ToArray(), seq.Axes.Skip(axis).SelectMany(a => a).ToArray() });
            }

            default:
                throw LayoutError(node, $"flattens {data.Describe()}");
        }
    }

    private OnnxValue Transpose(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node, "perm");
        OnnxValue data = Required(node, inputs, 0, "data");
        if (data is ZeroTensor) return data;
        if (data is StateStack moved) return moved.Moved(); // its axes move: the parts can no longer be taken out
        int rank = data switch
        {
            ConstTensor c => c.Rank,
            SeqTensor s => s.Rank,
            BroadcastTensor b => b.Value.Rank,
            _ => throw LayoutError(node, $"transposes {data.Describe()}"),
        };
        long[] permAttribute = IntsAttribute(node, "perm") ?? Enumerable.Range(0, rank).Reverse().Select(i => (long)i).ToArray();
        int[] perm = permAttribute.Select(p => NormalizeAxis(node, "perm", p, rank)).ToArray();
        if (perm.Length != rank || perm.Distinct().Count() != rank)
            throw AttributeError(node, "perm", $"is [{string.Join(",", permAttribute)}], not a permutation of {rank} axes");
        return data switch
        {
            ConstTensor constant => ConstantFolding.Transpose(constant, perm, Output(node)),
            BroadcastTensor repeated => TransposeRepeated(node, repeated, perm),
            _ => ((SeqTensor)data).WithAxes(perm.Select(p => ((SeqTensor)data).Axes[p]).ToArray()),
        };
    }

    private OnnxValue Cast(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node, "to", "saturate");
        OnnxValue data = Required(node, inputs, 0, "input");
        int to = (int)IntAttribute(node, "to", 0);
        switch (data)
        {
            case ConstTensor c: return ConstantFolding.Cast(c, to, Output(node), FoldError(node));
            case BroadcastTensor repeated: return BroadcastTensor.Of(ConstantFolding.Cast(repeated.Value, to, Output(node), FoldError(node)), repeated.Broadcast);
            case ZeroTensor:
                return data;
            case StateStack stack:
                // Another type would change the states' values: no layer may be taken out of that again.
                return to == OnnxTypes.Float ? stack : stack.Moved();
            case ShapeInts s when to is OnnxTypes.Int64 or OnnxTypes.Int32: return s; // dimensions fit either
            case SeqTensor seq when to == OnnxTypes.Float: return seq;
            default: throw AttributeError(node, "to", $"casts {data.Describe()} to {OnnxTypes.Name(to)}");
        }
    }

    private OnnxValue Expand(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node);
        OnnxValue data = Required(node, inputs, 0, "input");
        OnnxValue shape = Required(node, inputs, 1, "shape");
        if (IsZero(data)) return ZeroTensor.Instance;
        if (data is ConstTensor c && shape is ConstTensor { IsFloat: false } s)
            return ConstantFolding.Expand(c, s.Ints!, _maxParameters, Output(node), FoldError(node));
        return ExpandToShape(node, data, shape); // a constant repeated to the batch (an initial state)
    }

    private OnnxValue ConstantOfShape(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node, "value");
        OnnxValue shape = Required(node, inputs, 0, "input");
        ConstTensor? value = null;
        if (node.Attribute("value") is { } attribute)
        {
            if (attribute.T is null) throw AttributeError(node, "value", "must be a tensor");
            value = ConstantFolding.Decode(attribute.T, 64, Output(node));
            if (value.Count != 1) throw AttributeError(node, "value", "must hold exactly one value");
        }

        if (value is null || value.AllZero) return ZeroTensor.Instance;
        if (shape is ConstTensor { IsFloat: false } s)
            return ConstantFolding.Expand(value.WithDims(Array.Empty<long>(), Output(node)), s.Ints!, _maxParameters, Output(node), FoldError(node));
        throw AttributeError(node, "value", "is not zero and the shape is known only at run time");
    }

    private static bool IsZero(OnnxValue value) => value is ZeroTensor || (value is ConstTensor { IsFloat: true } c && c.AllZero);

    private static string Output(OnnxNode node) => node.Outputs.Count > 0 ? node.Outputs[0] : node.Name;

    // Shape integers whose every element is a known number are plain constants from here on.
    private static OnnxValue AsValue(ShapeInts value, OnnxNode node)
    {
        if (value.Elements is null || value.Elements.Any(e => e.Factors is not null || e.Value < 0)) return value;
        return new ConstTensor(Output(node), OnnxTypes.Int64, value.Rank == 0 ? Array.Empty<long>() : new long[] { value.Elements.Length }, null, value.Elements.Select(e => e.Value).ToArray());
    }

    private static long KnownSize(Factor[] axis)
    {
        long size = 1;
        foreach (Factor f in axis)
        {
            if (f.Size < 0) return -1;
            size *= f.Size;
        }

        return size;
    }

    private bool IsTime(Factor[] axis) => axis.Length == 1 && _roles.TryGetValue(axis[0].Symbol, out AxisRole role) && role == AxisRole.Time;

    private string DescribeAxis(Factor[] axis)
    {
        if (axis.Length == 0) return "size-1";
        return string.Join("·", axis.Select(f => f.IsFeature ? $"feature({f.Size})"
            : _roles.TryGetValue(f.Symbol, out AxisRole role) ? role == AxisRole.InputFeature ? "input feature" : role.ToString().ToLowerInvariant()
            : $"input axis {f.Symbol}"));
    }

    private string DescribeTerm(DimTerm term) =>
        term.Factors is not null ? DescribeAxis(term.Factors) : term.IsUnknown ? "?" : term.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
