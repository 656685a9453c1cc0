using GruTiny.Kernels;

namespace GruTiny.Model;

/// <summary>
/// Constant arithmetic on each step's features, in order: x − mean, then / std, or x · a, then + b, as a model's own
/// <c>forward</c> writes it and an ONNX export keeps it (Sub, Div, Mul, Add with constants). Each step is computed in
/// float32 exactly as written, never folded, so it gives the bits the exported graph gives.
/// </summary>
internal sealed class ArithmeticLayerDescription : LayerDescription
{
    private readonly int _hash;

    public ArithmeticLayerDescription(int size, ArithmeticStep[] steps)
        : base(size, size)
    {
        Steps = steps;
        int hash = size;
        foreach (ArithmeticStep step in steps) hash = (hash * 31 + (int)step.Operator) * 31 + HashBits(step.Values);
        _hash = hash;
    }

    public ArithmeticStep[] Steps { get; }

    // Its parameters shift or scale activations directly and are few: never quantised.
    public override LayerDescription WithWeights(WeightMap map) => this;

    public override long ParameterCount
    {
        get
        {
            long count = 0;
            foreach (ArithmeticStep step in Steps) count += step.Values.Length;
            return count;
        }
    }

    public override bool Equals(LayerDescription? other)
    {
        if (other is not ArithmeticLayerDescription o || _hash != o._hash || InputSize != o.InputSize || Steps.Length != o.Steps.Length) return false;
        for (int i = 0; i < Steps.Length; i++)
            if (Steps[i].Operator != o.Steps[i].Operator || !SameBits(Steps[i].Values, o.Steps[i].Values)) return false;
        return true;
    }

    public override int GetHashCode() => _hash;
}

/// <summary>One step: an operator and its constant, one value for every feature or one per feature.</summary>
internal sealed class ArithmeticStep(ArithmeticOperator op, float[] values)
{
    public ArithmeticOperator Operator { get; } = op;

    public float[] Values { get; } = values;

    /// <summary>The constant for feature <paramref name="index"/>.</summary>
    public float At(int index) => Values.Length == 1 ? Values[0] : Values[index];
}

/// <summary>The grutiny/1 names of <see cref="ArithmeticOperator"/>.</summary>
internal static class ArithmeticNames
{
    private static readonly NameTable<ArithmeticOperator> Table = new(
        (ArithmeticOperator.Add, "add"),
        (ArithmeticOperator.Subtract, "sub"),
        (ArithmeticOperator.SubtractFrom, "sub_from"),
        (ArithmeticOperator.Multiply, "mul"),
        (ArithmeticOperator.Divide, "div"));

    /// <summary>"\"add\", \"sub\", … or \"div\"".</summary>
    public static string Expected => MessageText.Alternatives(System.Array.ConvertAll(Table.Names, n => $"\"{n}\""));

    public static bool TryParse(string? name, out ArithmeticOperator op) => Table.TryParse(name, out op);

    public static string Name(ArithmeticOperator op) => Table.Name(op);
}
