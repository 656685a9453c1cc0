namespace GruTiny.Kernels;

/// <summary>Activation of a dense layer.</summary>
/// <remarks>The one activation enum: the model description holds it, the kernels and the interpreter switch on it,
/// and generated code names its members. Public in the library (generated code in the user's assembly uses it),
/// internal in the generator.</remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)] // for generated code only
#if GRUTINY_GENERATOR
internal
#else
public
#endif
enum DenseActivation
{
    /// <summary>y = W x + b.</summary>
    Linear = 0,

    /// <summary>y = max(0, W x + b).</summary>
    Relu = 1,

    /// <summary>y = 1 / (1 + exp(−(W x + b))).</summary>
    Sigmoid = 2,

    /// <summary>y = tanh(W x + b).</summary>
    Tanh = 3,

    /// <summary>y = softmax(W x + b) over the layer's outputs.</summary>
    Softmax = 4,
}

/// <summary>The grutiny/1 names of <see cref="DenseActivation"/> (docs/model-format.md), both ways, in one table.</summary>
internal static class DenseActivationNames
{
    private static readonly (DenseActivation Activation, string Name)[] Table =
    [
        (DenseActivation.Linear, "linear"),
        (DenseActivation.Relu, "relu"),
        (DenseActivation.Sigmoid, "sigmoid"),
        (DenseActivation.Tanh, "tanh"),
        (DenseActivation.Softmax, "softmax"),
    ];

    /// <summary>The names in order, for messages: "linear, relu, sigmoid, tanh or softmax".</summary>
    public static string Expected
    {
        get
        {
            var names = new string[Table.Length];
            for (int i = 0; i < names.Length; i++) names[i] = Table[i].Name;
            return GruTiny.Model.MessageText.Alternatives(names);
        }
    }


    public static bool TryParse(string? name, out DenseActivation activation)
    {
        foreach ((DenseActivation a, string n) in Table)
        {
            if (n == name)
            {
                activation = a;
                return true;
            }
        }

        activation = default;
        return false;
    }

    /// <summary>The file's name of <paramref name="activation"/>; a value outside the enum is a bug, not a file error.</summary>
    public static string Name(DenseActivation activation)
    {
        foreach ((DenseActivation a, string n) in Table)
            if (a == activation) return n;
        throw new System.ArgumentOutOfRangeException(nameof(activation), activation, "No such dense activation.");
    }
}
