namespace GruTiny.Kernels;

/// <summary>The grutiny/1 names of <see cref="ActivationKind"/> (docs/model-format.md), both ways, in one table.</summary>
internal static class ActivationNames
{
    private static readonly (ActivationKind Kind, string Name)[] Table =
    [
        (ActivationKind.Linear, "linear"),
        (ActivationKind.Relu, "relu"),
        (ActivationKind.Sigmoid, "sigmoid"),
        (ActivationKind.Tanh, "tanh"),
        (ActivationKind.Softmax, "softmax"),
        (ActivationKind.LeakyRelu, "leaky_relu"),
        (ActivationKind.Prelu, "prelu"),
        (ActivationKind.Elu, "elu"),
        (ActivationKind.Gelu, "gelu"),
        (ActivationKind.GeluTanh, "gelu_tanh"),
        (ActivationKind.Hardtanh, "hardtanh"),
        (ActivationKind.Hardsigmoid, "hardsigmoid"),
        (ActivationKind.Silu, "silu"),
        (ActivationKind.Softsign, "softsign"),
        (ActivationKind.LogSoftmax, "log_softmax"),
    ];

    /// <summary>Also read, never written: PyTorch's and ONNX's name for "linear".</summary>
    private const string IdentityAlias = "identity";

    /// <summary>The names in order, for messages: "linear, relu, … or log_softmax".</summary>
    public static string Expected
    {
        get
        {
            var names = new string[Table.Length + 1];
            for (int i = 0; i < Table.Length; i++) names[i] = Table[i].Name;
            names[Table.Length] = IdentityAlias;
            return GruTiny.Model.MessageText.Alternatives(names);
        }
    }

    public static bool TryParse(string? name, out ActivationKind kind)
    {
        if (name == IdentityAlias)
        {
            kind = ActivationKind.Linear;
            return true;
        }

        foreach ((ActivationKind k, string n) in Table)
        {
            if (n == name)
            {
                kind = k;
                return true;
            }
        }

        kind = default;
        return false;
    }

    /// <summary>The file's name of <paramref name="kind"/>; a value outside the enum is a bug, not a file error.</summary>
    public static string Name(ActivationKind kind)
    {
        foreach ((ActivationKind k, string n) in Table)
            if (k == kind) return n;
        throw new System.ArgumentOutOfRangeException(nameof(kind), kind, "No such activation.");
    }
}
