using System;
using System.Linq;

namespace GruTiny.Model.Onnx;

// A constant repeated to a shape computed from the input's (BroadcastTensor): what PyTorch writes for a learned
// initial state expanded or tiled to the batch. Expand and Tile make one; Equal and Where on shape integers
// compute the shape PyTorch's expand(-1, n, -1) passes (each −1 replaced by 1); the layout operators carry one
// to the GRU's initial_h, which reads its values. Anything else computed from one is refused where it happens.
internal sealed partial class OnnxGraphCompiler
{
    // Expand of a constant (or of a repeated constant) to a shape that holds sizes known only at run time.
    private OnnxValue ExpandToShape(OnnxNode node, OnnxValue data, OnnxValue shape)
    {
        (ConstTensor value, bool[] broadcast) = Repeated(node, data, "expands");
        DimTerm[] terms = ShapeTerms(shape)
            ?? throw LayoutError(node, $"expands {data.Describe()} to {shape.Describe()}, a shape whose length is known only at run time");
        int rank = Math.Max(value.Rank, terms.Length);
        (long[] dims, bool[] flags) = Padded(value, broadcast, rank);
        long[] target = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            int t = i - (rank - terms.Length);
            DimTerm term = t >= 0 ? terms[t] : new DimTerm(1, null);
            bool known = term.IsConstant && term.Value >= 0;
            if (dims[i] == 1 && !flags[i])
            {
                if (known) target[i] = term.Value;
                else
                {
                    target[i] = 1;
                    flags[i] = true;
                }
            }
            else
            {
                // A size above 1 (or an axis already repeated) stays: the target must be 1 or the same size.
                if (known && term.Value != 1 && !flags[i] && term.Value != dims[i])
                    throw LayoutError(node, $"expands axis {i} of size {dims[i]} to {term.Value}");
                target[i] = dims[i];
            }
        }

        ConstTensor folded = ConstantFolding.Expand(value.WithDims(dims, Output(node)), target, _maxParameters, Output(node), FoldError(node));
        return BroadcastTensor.Of(folded, flags);
    }

    // Tile of a constant by repeat counts computed from the input's shape: only axes of size 1 may be repeated
    // a number of times known only at run time (repeat(1, n, 1) of h0 [layers, 1, H]).
    private OnnxValue Tile(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node);
        OnnxValue data = Required(node, inputs, 0, "input");
        OnnxValue repeatsValue = Required(node, inputs, 1, "repeats");
        if (IsZero(data)) return ZeroTensor.Instance;
        (ConstTensor value, bool[] broadcast) = Repeated(node, data, "tiles");
        DimTerm[] repeats = ShapeTerms(repeatsValue)
            ?? throw InputError(node, "repeats", $"must be one count per axis, but it is {repeatsValue.Describe()}");
        if (repeats.Length != value.Rank)
            throw InputError(node, "repeats", $"has {repeats.Length} counts for a tensor of rank {value.Rank}");
        long[] target = (long[])value.Dims.Clone();
        bool[] flags = (bool[])broadcast.Clone();
        for (int i = 0; i < repeats.Length; i++)
        {
            DimTerm term = repeats[i];
            bool known = term.IsConstant && term.Value >= 0;
            if (known && term.Value == 1) continue;
            if (value.Dims[i] != 1)
                throw LayoutError(node, $"tiles axis {i} of size {value.Dims[i]}; GruTiny repeats constants along axes of size 1 only");
            if (known && !flags[i]) target[i] = term.Value;
            else flags[i] = true;
        }

        ConstTensor folded = ConstantFolding.Expand(value, target, _maxParameters, Output(node), FoldError(node));
        return BroadcastTensor.Of(folded, flags);
    }

    // Equal of shape integers, element by element: 1 or 0 where both are known numbers (PyTorch's −1 included; a
    // size of the input is never negative, so it never equals a negative constant), unknown elsewhere.
    private OnnxValue Equal(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node);
        OnnxValue a = Required(node, inputs, 0, "A"), b = Required(node, inputs, 1, "B");
        DimTerm[] x = ShapeTerms(a) ?? throw ShapeIntsOnly(node, a, b);
        DimTerm[] y = ShapeTerms(b) ?? throw ShapeIntsOnly(node, a, b);
        DimTerm[] result = Broadcast(node, x, y, (p, q) =>
        {
            if (p.IsConstant && q.IsConstant) return new DimTerm(p.Value == q.Value ? 1 : 0, null);
            if (p.Factors is not null && q.Factors is not null && p.Factors.SequenceEqual(q.Factors)) return new DimTerm(1, null);
            if ((p.Factors is not null && q.IsConstant && q.Value < 0) || (q.Factors is not null && p.IsConstant && p.Value < 0)) return new DimTerm(0, null);
            return DimTerm.Unknown;
        });
        return AsValue(new ShapeInts(Math.Max(RankOf(a), RankOf(b)), result), node);
    }

    // Where on shape integers: the chosen element where the condition is known, else unknown (unless both agree).
    private OnnxValue Where(OnnxNode node, OnnxValue?[] inputs)
    {
        AllowAttributes(node);
        OnnxValue condition = Required(node, inputs, 0, "condition"), a = Required(node, inputs, 1, "X"), b = Required(node, inputs, 2, "Y");
        DimTerm[] c = ShapeTerms(condition) ?? throw ShapeIntsOnly(node, condition, a, b);
        DimTerm[] x = ShapeTerms(a) ?? throw ShapeIntsOnly(node, condition, a, b);
        DimTerm[] y = ShapeTerms(b) ?? throw ShapeIntsOnly(node, condition, a, b);
        int length = Math.Max(c.Length, Math.Max(x.Length, y.Length));
        if (new[] { c, x, y }.Any(t => t.Length != 1 && t.Length != length))
            throw LayoutError(node, $"combines {c.Length}, {x.Length} and {y.Length} shape integers");
        var result = new DimTerm[length];
        for (int i = 0; i < length; i++)
        {
            DimTerm k = At(c, i), p = At(x, i), q = At(y, i);
            result[i] = k.IsConstant ? (k.Value != 0 ? p : q) : SameTerm(p, q) ? p : DimTerm.Unknown;
        }

        return AsValue(new ShapeInts(Math.Max(RankOf(condition), Math.Max(RankOf(a), RankOf(b))), result), node);

        static DimTerm At(DimTerm[] terms, int i) => terms.Length == 1 ? terms[0] : terms[i];

        static bool SameTerm(DimTerm p, DimTerm q) =>
            p.Factors is null ? p.IsConstant && q.IsConstant && p.Value == q.Value : q.Factors is not null && p.Factors.SequenceEqual(q.Factors);
    }

    private static ModelFormatErrorException ShapeIntsOnly(OnnxNode node, params OnnxValue[] operands) =>
        OpError(node, $"operator '{node.OpType}' on {string.Join(" and ", operands.Select(o => o.Describe()).Distinct())} is not supported; GruTiny computes it on integers derived from the input's shape only (the shapes exporters compute for an initial state)");

    // Element-wise over two lists of shape integers with numpy broadcasting (one element repeats).
    private static DimTerm[] Broadcast(OnnxNode node, DimTerm[] x, DimTerm[] y, Func<DimTerm, DimTerm, DimTerm> f)
    {
        if (x.Length != y.Length && x.Length != 1 && y.Length != 1)
            throw LayoutError(node, $"combines {x.Length} shape integers with {y.Length}");
        var result = new DimTerm[Math.Max(x.Length, y.Length)];
        for (int i = 0; i < result.Length; i++) result[i] = f(x.Length == 1 ? x[0] : x[i], y.Length == 1 ? y[0] : y[i]);
        return result;
    }

    // The elements of shape integers or of a constant integer vector or scalar; null for anything else.
    private static DimTerm[]? ShapeTerms(OnnxValue value) => value switch
    {
        ConstTensor { IsFloat: false, Rank: <= 1 } c => c.Ints!.Select(v => new DimTerm(v, null, constant: true)).ToArray(),
        ShapeInts { Elements: not null } s => s.Elements,
        _ => null,
    };

    private static int RankOf(OnnxValue value) => value is ConstTensor c ? c.Rank : ((ShapeInts)value).Rank;

    // The constant and its repeated axes (none for a plain constant).
    private static (ConstTensor Value, bool[] Broadcast) Repeated(OnnxNode node, OnnxValue data, string verb) => data switch
    {
        ConstTensor c => (c, new bool[c.Rank]),
        BroadcastTensor b => (b.Value, b.Broadcast),
        _ => throw LayoutError(node, $"{verb} {data.Describe()} to a shape known only at run time; GruTiny recognises that only for constants (an initial state repeated to the batch)"),
    };

    // Dims and flags of a rank-extended constant: leading axes of size 1, not repeated.
    private static (long[] Dims, bool[] Flags) Padded(ConstTensor value, bool[] broadcast, int rank)
    {
        var dims = new long[rank];
        var flags = new bool[rank];
        int lead = rank - value.Rank;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = i < lead ? 1 : value.Dims[i - lead];
            flags[i] = i >= lead && broadcast[i - lead];
        }

        return (dims, flags);
    }

    // ---- The layout operators on a repeated constant: on its value, the repeated axes carried along. ----

    private OnnxValue SliceRepeated(OnnxNode node, BroadcastTensor data, long[] starts, long[] ends, int[] axes, long[] steps)
    {
        // Along a repeated axis every element is the same: what a slice keeps of it is that value again.
        var kept = Enumerable.Range(0, axes.Length).Where(i => !data.Broadcast[axes[i]]).ToArray();
        if (kept.Length == 0) return data;
        ConstTensor sliced = ConstantFolding.Slice(data.Value, kept.Select(i => starts[i]).ToArray(), kept.Select(i => ends[i]).ToArray(),
            kept.Select(i => axes[i]).ToArray(), kept.Select(i => steps[i]).ToArray(), Output(node), FoldError(node));
        return BroadcastTensor.Of(sliced, data.Broadcast);
    }

    private OnnxValue GatherRepeated(OnnxNode node, BroadcastTensor data, ConstTensor indices, int axis)
    {
        if (data.Broadcast[axis])
            throw LayoutError(node, $"gathers along axis {axis} of {data.Describe()}, whose size is known only at run time");
        ConstTensor gathered = ConstantFolding.Gather(data.Value, indices, axis, Output(node), FoldError(node));
        // Gather replaces the axis by the indices' axes.
        bool[] flags = data.Broadcast.Take(axis).Concat(new bool[indices.Rank]).Concat(data.Broadcast.Skip(axis + 1)).ToArray();
        return BroadcastTensor.Of(gathered, flags);
    }

    private static OnnxValue UnsqueezeRepeated(OnnxNode node, BroadcastTensor data, long[] axes)
    {
        var dims = InsertAxes(node, data.Value.Dims.Select(d => (object)d).ToList(), axes, (object)1L).Cast<long>().ToArray();
        var flags = InsertAxes(node, data.Broadcast.Select(f => (object)f).ToList(), axes, (object)false).Cast<bool>().ToArray();
        return BroadcastTensor.Of(data.Value.WithDims(dims, Output(node)), flags);
    }

    private static OnnxValue SqueezeRepeated(OnnxNode node, BroadcastTensor data, long[]? axes)
    {
        if (axes is null)
            throw InputError(node, "axes", "are not given, so the axes squeezed depend on sizes known only at run time; give the axes");
        int[] remove = axes.Select(a => NormalizeAxis(node, "axes", a, data.Value.Rank)).ToArray();
        // A repeated axis squeezed is of size 1 at run time (ONNX fails otherwise): its one element is the value.
        if (remove.Any(a => data.Value.Dims[a] != 1)) throw LayoutError(node, "squeezes an axis whose size is not 1");
        return BroadcastTensor.Of(data.Value.WithDims(data.Value.Dims.Where((_, i) => !remove.Contains(i)).ToArray(), Output(node)),
            data.Broadcast.Where((_, i) => !remove.Contains(i)).ToArray());
    }

    private static OnnxValue TransposeRepeated(OnnxNode node, BroadcastTensor data, int[] perm) =>
        BroadcastTensor.Of(ConstantFolding.Transpose(data.Value, perm, Output(node)), perm.Select(p => data.Broadcast[p]).ToArray());
}
