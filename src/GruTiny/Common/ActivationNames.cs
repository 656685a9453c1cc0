using GruTiny.Model;

namespace GruTiny.Kernels;

/// <summary>The grutiny/1 names of <see cref="ActivationKind"/> (docs/model-format.md), both ways, in one table.</summary>
internal static class ActivationNames
{
    private static readonly NameTable<ActivationKind> Table = new(
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
        (ActivationKind.LogSoftmax, "log_softmax"));

    /// <summary>Also read, never written: PyTorch's and ONNX's name for "linear".</summary>
    private const string IdentityAlias = "identity";

    /// <summary>The names in order, for messages: "linear, relu, … log_softmax or identity".</summary>
    public static string Expected
    {
        get
        {
            string[] names = Table.Names;
            var all = new string[names.Length + 1];
            names.CopyTo(all, 0);
            all[names.Length] = IdentityAlias;
            return MessageText.Alternatives(all);
        }
    }

    public static bool TryParse(string? name, out ActivationKind kind)
    {
        if (name != IdentityAlias) return Table.TryParse(name, out kind);
        kind = ActivationKind.Linear;
        return true;
    }

    public static string Name(ActivationKind kind) => Table.Name(kind);
}
