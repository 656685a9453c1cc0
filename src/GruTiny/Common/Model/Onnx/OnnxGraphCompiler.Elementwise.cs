using System;
using System.Collections.Generic;
using System.Linq;
using GruTiny.Kernels;

namespace GruTiny.Model.Onnx;

// Element-wise arithmetic on the sequence, as exporters decompose functions ONNX had no operator for (PyTorch 1.13:
// GELU as Div, Erf, Add, Mul, Mul; its tanh form with Pow or Mul and Tanh; SiLU as Sigmoid, Mul; Softsign as Abs,
// Add, Div; LayerNorm below opset 17 as ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div, Mul, Add). The nodes build
// an expression of x (SeqExpr); where it is used by anything else, it must be one of those functions exactly,
// constants included, or it is refused: an expression is never approximated by a function it resembles.
internal sealed partial class OnnxGraphCompiler
{
    private readonly Dictionary<SeqExpr, SeqTensor> _recognised = new(); // by reference: SeqExpr has no Equals

    private static readonly string[] ElementwiseOps = { "Add", "Sub", "Mul", "Div", "Erf", "Abs", "Sqrt", "Pow", "Neg", "ReduceMean", "Tanh", "Sigmoid" };

    /// <summary>Whether <paramref name="node"/> extends an element-wise expression rather than consuming it.</summary>
    private static bool ExtendsExpression(OnnxNode node, OnnxValue?[] inputs)
    {
        if (Array.IndexOf(ElementwiseOps, node.OpType) < 0) return false;
        // Tanh and Sigmoid of the sequence itself are activations; of an expression, part of it (GELU's tanh form).
        if (node.OpType is "Tanh" or "Sigmoid") return inputs.Length > 0 && inputs[0] is SeqExpr;
        return true;
    }

    /// <summary>Erf, Abs, Sqrt, Neg, Pow, ReduceMean, and Tanh or Sigmoid of an expression.</summary>
    private OnnxValue Elementwise(OnnxNode node, OnnxValue?[] inputs)
    {
        OnnxValue a = Required(node, inputs, 0, node.OpType == "Pow" ? "X" : node.OpType == "ReduceMean" ? "data" : "input");
        if (a is ConstTensor)
            throw OpError(node, $"operator '{node.OpType}' on a constant; fold constants before export (do_constant_folding=True)");
        (SeqTensor x, Expr e) = AsExpression(node, a, "input");
        string source = a is SeqExpr started ? started.Source : node.Display;
        switch (node.OpType)
        {
            case "Pow":
            {
                AllowAttributes(node);
                OnnxValue b = Required(node, inputs, 1, "Y");
                return new SeqExpr(x, new BinaryExpr("Pow", e, ConstantOperand(node, b, x, "Y")), source);
            }

            case "ReduceMean":
            {
                AllowAttributes(node, "axes", "keepdims", "noop_with_empty_axes");
                long[]? axes = _opset >= 18 ? ConstInts(node, inputs, 1, "axes") : IntsAttribute(node, "axes");
                if (IntAttribute(node, "keepdims", 1) != 1)
                    throw AttributeError(node, "keepdims", "is 0; GruTiny reads ReduceMean over the features with keepdims 1 (as nn.LayerNorm's export)");
                if (axes is null || axes.Length != 1 || !x.IsFeatureAxis(x.Axes[NormalizeAxis(node, "axes", axes[0], x.Rank)]))
                    throw AttributeError(node, "axes", "must be the one feature axis: GruTiny reads ReduceMean as the mean of each step's features (a decomposed LayerNorm)");
                return new SeqExpr(x, new UnaryExpr("Mean", e), source);
            }

            default:
                AllowAttributes(node);
                return Close(new SeqExpr(x, new UnaryExpr(node.OpType, e), source));
        }
    }

    /// <summary>Add, Sub, Mul or Div where an operand is an expression, or the sequence with a constant (not a dense layer's bias), or the sequence with itself.</summary>
    private OnnxValue? ArithmeticExpression(OnnxNode node, OnnxValue a, OnnxValue b)
    {
        bool aSeq = a is SeqTensor or SeqExpr, bSeq = b is SeqTensor or SeqExpr;
        if (!aSeq && !bSeq) return null;
        string source = a is SeqExpr ea ? ea.Source : b is SeqExpr eb ? eb.Source : node.Display;
        if (aSeq && bSeq)
        {
            SeqTensor xa = Base(node, a), xb = Base(node, b);
            if (!ReferenceEquals(xa, xb))
            {
                if (node.OpType == "Mul" && a is SeqTensor && b is SeqTensor && (SiluOf(xa, xb) ?? SiluOf(xb, xa)) is { } silu) return silu;
                return null;
            }

            AllowAttributes(node);
            return Close(new SeqExpr(xa, new BinaryExpr(node.OpType, ExpressionOf(a), ExpressionOf(b)), source));
        }

        if ((aSeq ? b : a) is not ConstTensor { IsFloat: true }) return null;
        SeqTensor x = Base(node, aSeq ? a : b);
        AllowAttributes(node);
        Expr constant = ConstantOperand(node, aSeq ? b : a, x, aSeq ? "B" : "A");
        return Close(new SeqExpr(x, aSeq ? new BinaryExpr(node.OpType, ExpressionOf(a), constant) : new BinaryExpr(node.OpType, constant, ExpressionOf(b)), source));
    }

    // Mul(x, Sigmoid(x)): SiLU, as PyTorch exports nn.SiLU. The sigmoid closed x's open dense layer or became a layer.
    private static SeqTensor? SiluOf(SeqTensor x, SeqTensor sigmoid)
    {
        if (!SameAxes(x, sigmoid) || sigmoid.Pending is not null) return null;
        var silu = new ActivationFunction(ActivationKind.Silu);
        if (x.Pending is not null)
        {
            if (sigmoid.Layers.Length != x.Layers.Length + 1 || !sigmoid.Layers[sigmoid.Layers.Length - 1].Equals(x.Pending.Finish(new ActivationFunction(ActivationKind.Sigmoid)))) return null;
            if (!x.Layers.SequenceEqual(sigmoid.Layers.Take(x.Layers.Length))) return null;
            return new SeqTensor(x.Axes, x.Feature, x.FeatureSize, x.Layers.Concat(new LayerDescription[] { x.Pending.Finish(silu) }).ToArray(), null, x.FinalOnly);
        }

        if (sigmoid.Layers.Length != x.Layers.Length + 1 || !sigmoid.Layers[sigmoid.Layers.Length - 1].Equals(new ActivationLayerDescription(x.FeatureSize, new ActivationFunction(ActivationKind.Sigmoid)))) return null;
        if (!x.Layers.SequenceEqual(sigmoid.Layers.Take(x.Layers.Length))) return null;
        return x.With(new ActivationLayerDescription(x.FeatureSize, silu));
    }

    private static bool SameAxes(SeqTensor a, SeqTensor b) =>
        a.Rank == b.Rank && a.FinalOnly == b.FinalOnly && Enumerable.Range(0, a.Rank).All(i => a.Axes[i].SequenceEqual(b.Axes[i]));

    // The x of an operand: an expression's, or the sequence itself with its features known.
    private SeqTensor Base(OnnxNode node, OnnxValue value) => value is SeqExpr e ? e.X : WithFeatures(node, (SeqTensor)value, "input");

    private (SeqTensor X, Expr E) AsExpression(OnnxNode node, OnnxValue value, string input) => value switch
    {
        SeqExpr e => (e.X, e.E),
        SeqTensor s => (WithFeatures(node, s, input), XExpr.Instance),
        _ => throw OpError(node, $"applies {node.OpType} to {value.Describe()}; GruTiny reads it only as part of a function of the sequence"),
    };

    private static Expr ExpressionOf(OnnxValue value) => value is SeqExpr e ? e.E : XExpr.Instance;

    // A constant operand: a scalar, or one value per feature along the feature axis; never of a higher rank than x
    // (broadcasting would add axes the expression does not have).
    private static Expr ConstantOperand(OnnxNode node, OnnxValue value, SeqTensor x, string name)
    {
        if (value is not ConstTensor { IsFloat: true } c)
            throw InputError(node, name, $"must be a constant, but it is {value.Describe()}");
        if (c.Rank > x.Rank)
            throw ShapeError(node, name, c, $"at most {x.Rank} dimensions (the sequence's): a constant of more would add axes to it");
        return new ConstExpr(FeatureVector(node, name, c, x));
    }

    /// <summary>
    /// A whole LayerNorm expression operand is closed (a layer) before <paramref name="node"/> uses it, unless the
    /// node is the LayerNorm's own next step: Mul by its weight after the division, Add of its bias after either.
    /// </summary>
    private OnnxValue?[] CloseFinishedLayerNorms(OnnxNode node, OnnxValue?[] inputs)
    {
        for (int i = 0; i < inputs.Length; i++)
        {
            // An expression already recognised where another node used it is that sequence from here on.
            if (inputs[i] is SeqExpr seen && _recognised.TryGetValue(seen, out SeqTensor? closed))
            {
                inputs[i] = closed;
                continue;
            }

            // A chain of constant arithmetic is an arithmetic layer before a function of it (tanh((x − m) / s), a
            // LayerNorm or Softsign of it); GELU's own x / √2 stays open for its Erf.
            if (inputs[i] is SeqExpr chain && node.OpType is "Tanh" or "Sigmoid" or "ReduceMean" or "Abs" or "Sqrt" && ArithmeticOf(chain.E) is not null)
            {
                inputs[i] = Recognise(chain, node.Display);
                continue;
            }

            if (inputs[i] is not SeqExpr e || LayerNormOf(e.E, e.X.FeatureSize) is null) continue;
            OnnxValue? other = inputs.Length == 2 ? inputs[1 - i] : null;
            bool grows = other is ConstTensor { IsFloat: true }
                && ((node.OpType == "Mul" && e.E is BinaryExpr { Op: "Div" }) || (node.OpType == "Add" && e.E is BinaryExpr { Op: "Div" or "Mul" }));
            if (!grows) inputs[i] = Recognise(e, node.Display);
        }

        return inputs;
    }

    /// <summary>
    /// An expression that is a whole activation (GELU in either form, Softsign) as soon as it is one, so that the
    /// next function composes with it (PyTorch's SiLU of a GELU is Sigmoid and Mul of the GELU's result); anything
    /// else stays an expression (a LayerNorm is whole only with its weight and bias).
    /// </summary>
    private static OnnxValue Close(SeqExpr expression)
    {
        ActivationFunction? f = WholeActivation(expression.E);
        if (f is null) return expression;
        SeqTensor x = expression.X;
        if (x.Pending is not null)
            return new SeqTensor(x.Axes, x.Feature, x.FeatureSize, x.Layers.Concat(new LayerDescription[] { x.Pending.Finish(f) }).ToArray(), null, x.FinalOnly);
        return x.With(new ActivationLayerDescription(x.FeatureSize, f));
    }

    private static ActivationFunction? WholeActivation(Expr e) =>
        IsGeluErf(e) ? new ActivationFunction(ActivationKind.Gelu)
        : IsGeluTanh(e) ? new ActivationFunction(ActivationKind.GeluTanh)
        : IsSoftsign(e) ? new ActivationFunction(ActivationKind.Softsign)
        : null;

    /// <summary>The sequence an expression computes, when it is one of the functions GruTiny knows; otherwise GRUT031 naming the node that uses it.</summary>
    private OnnxValue Recognise(SeqExpr expression, string user)
    {
        // Once per expression, so that every node using it sees one sequence (the next expression's x).
        if (_recognised.TryGetValue(expression, out SeqTensor? known)) return known;
        SeqTensor x = expression.X;
        if (LayerNormOf(expression.E, x.FeatureSize) is { } norm) return _recognised[expression] = x.With(norm);
        if (ArithmeticOf(expression.E) is { } steps)
        {
            foreach (ArithmeticStep step in steps)
            {
                if (step.Operator == ArithmeticOperator.Divide && step.Values.Any(v => v == 0))
                    throw Error(ModelDiagnosticIds.OnnxOperator, $"{user} uses arithmetic on the sequence (from {expression.Source}) that divides by a constant 0; GruTiny does not compile a division by zero");
            }

            return _recognised[expression] = x.With(new ArithmeticLayerDescription(x.FeatureSize, steps.ToArray()));
        }

        throw Error(ModelDiagnosticIds.OnnxOperator,
            $"{user} uses an element-wise expression of the sequence (from {expression.Source}) that is none of the functions GruTiny reads in decomposed form: " +
            "GELU (x·0.5·(1 + erf(x/√2)), or its tanh form), SiLU (x·sigmoid(x)), Softsign (x/(1 + |x|)), LayerNorm over the features, constants exactly as PyTorch exports them, " +
            "and a chain of Add, Sub, Mul and Div of the sequence with constants (x − mean, then / std); a function of the sequence with itself otherwise, or a division by the sequence, is not compiled");
    }

    // x ∘ c₁ ∘ c₂ …: each node combines the chain so far with a constant (one value or one per feature); −x is x · −1.
    private static List<ArithmeticStep>? ArithmeticOf(Expr e)
    {
        var steps = new List<ArithmeticStep>();
        while (e is not XExpr)
        {
            switch (e)
            {
                case BinaryExpr { B: ConstExpr c } b when b.Op is "Add" or "Sub" or "Mul" or "Div":
                    steps.Add(new ArithmeticStep(b.Op switch { "Add" => ArithmeticOperator.Add, "Sub" => ArithmeticOperator.Subtract, "Mul" => ArithmeticOperator.Multiply, _ => ArithmeticOperator.Divide }, c.Values));
                    e = b.A;
                    break;
                case BinaryExpr { A: ConstExpr c } b when b.Op is "Add" or "Sub" or "Mul":
                    steps.Add(new ArithmeticStep(b.Op switch { "Add" => ArithmeticOperator.Add, "Sub" => ArithmeticOperator.SubtractFrom, _ => ArithmeticOperator.Multiply }, c.Values));
                    e = b.B;
                    break;
                case UnaryExpr { Op: "Neg" } negation:
                    steps.Add(new ArithmeticStep(ArithmeticOperator.Multiply, new[] { -1f }));
                    e = negation.A;
                    break;
                default:
                    return null;
            }
        }

        steps.Reverse();
        return steps.Count == 0 ? null : steps;
    }

    private static bool IsGeluErf(Expr e) =>
        // x · (1 + erf(x / √2)) · 0.5 in any order; x/√2 also as x · (1/√2).
        Match(Factors(e), IsX, c => IsConst(c, 0.5f), s => Match(Terms(s), t => IsConst(t, 1f), t => t is UnaryExpr { Op: "Erf" } erf && IsXOverSqrt2(erf.A)));

    private static bool IsXOverSqrt2(Expr e) =>
        (e is BinaryExpr { Op: "Div" } d && d.A is XExpr && IsConst(d.B, 1.41421354f))
        || Match(Factors(e), IsX, c => IsConst(c, 0.707106769f) || IsConst(c, 0.707106781f));

    private static bool IsGeluTanh(Expr e) =>
        // 0.5 · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³))), x³ as x · x · x or Pow(x, 3).
        Match(Factors(e), IsX, c => IsConst(c, 0.5f), s => Match(Terms(s), t => IsConst(t, 1f),
            t => t is UnaryExpr { Op: "Tanh" } tanh && Match(Factors(tanh.A), c => IsConst(c, 0.797884583f),
                inner => Match(Terms(inner), IsX, cube => IsCubeTimesKappa(cube)))));

    private static bool IsCubeTimesKappa(Expr e)
    {
        List<Expr> factors = Factors(e);
        return Match(factors, k => IsConst(k, 0.0447149985f), IsX, IsX, IsX)
            || Match(factors, k => IsConst(k, 0.0447149985f), p => p is BinaryExpr { Op: "Pow" } pow && pow.A is XExpr && IsConst(pow.B, 3f));
    }

    private static bool IsSoftsign(Expr e) =>
        e is BinaryExpr { Op: "Div" } d && d.A is XExpr && Match(Terms(d.B), t => IsConst(t, 1f), t => t is UnaryExpr { Op: "Abs", A: XExpr });

    // ((x − mean(x)) / √(mean((x − mean(x))²) + eps)) [· weight] [+ bias]: nn.LayerNorm below opset 17.
    private static LayerNormLayerDescription? LayerNormOf(Expr e, int width)
    {
        float[]? bias = null, weight = null;
        List<Expr> terms = Terms(e);
        if (terms.Count == 2 && terms.FirstOrDefault(t => t is ConstExpr) is ConstExpr b)
        {
            bias = b.Expand(width);
            e = terms.First(t => !ReferenceEquals(t, b));
        }

        List<Expr> factors = Factors(e);
        if (factors.Count == 2 && factors.FirstOrDefault(t => t is ConstExpr) is ConstExpr w)
        {
            weight = w.Expand(width);
            e = factors.First(t => !ReferenceEquals(t, w));
        }

        if (e is not BinaryExpr { Op: "Div" } div || !IsCentred(div.A) || div.B is not UnaryExpr { Op: "Sqrt" } sqrt) return null;
        List<Expr> under = Terms(sqrt.A);
        if (under.Count != 2 || under.FirstOrDefault(t => t is ConstExpr { Values.Length: 1 }) is not ConstExpr eps || !(eps.Values[0] >= 0)) return null;
        Expr variance = under.First(t => !ReferenceEquals(t, eps));
        if (variance is not UnaryExpr { Op: "Mean" } mean) return null;
        bool squared = (mean.A is BinaryExpr { Op: "Pow" } pow && IsCentred(pow.A) && IsConst(pow.B, 2f))
            || (mean.A is BinaryExpr { Op: "Mul" } product && IsCentred(product.A) && IsCentred(product.B));
        return squared ? new LayerNormLayerDescription(width, eps.Values[0], weight, bias) : null;

        static bool IsCentred(Expr c) => c is BinaryExpr { Op: "Sub", A: XExpr, B: UnaryExpr { Op: "Mean", A: XExpr } };
    }

    private static bool IsX(Expr e) => e is XExpr;

    private static bool IsConst(Expr e, float value) => e is ConstExpr { Values.Length: 1 } c && c.Values[0] == value;

    // The operands of a product (or a sum) with the nesting flattened: (a · b) · c gives a, b, c.
    private static List<Expr> Factors(Expr e) => Flatten(e, "Mul", new List<Expr>());

    private static List<Expr> Terms(Expr e) => Flatten(e, "Add", new List<Expr>());

    private static List<Expr> Flatten(Expr e, string op, List<Expr> into)
    {
        if (e is BinaryExpr b && b.Op == op)
        {
            Flatten(b.A, op, into);
            Flatten(b.B, op, into);
        }
        else
        {
            into.Add(e);
        }

        return into;
    }

    // Whether the items are matched one to one by the patterns, in any order.
    private static bool Match(List<Expr> items, params Func<Expr, bool>[] patterns)
    {
        if (items.Count != patterns.Length) return false;
        return Assign(0, new bool[items.Count]);

        bool Assign(int p, bool[] used)
        {
            if (p == patterns.Length) return true;
            for (int i = 0; i < items.Count; i++)
            {
                if (used[i] || !patterns[p](items[i])) continue;
                used[i] = true;
                if (Assign(p + 1, used)) return true;
                used[i] = false;
            }

            return false;
        }
    }
}
