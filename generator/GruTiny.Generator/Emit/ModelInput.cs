namespace GruTiny.Generator.Emit;

/// <summary>
/// What a generated model takes per step, and the API that follows from it. The skeleton asks the first layer
/// (<see cref="Layers.LayerEmitter.Input"/>); a model of features gets <see cref="FeatureInput"/>.
/// </summary>
internal abstract class ModelInput
{
    /// <summary>The GruTiny interface the model type implements.</summary>
    public abstract string InterfaceName { get; }

    /// <summary>Whether the input adds overloads of <c>Step</c>, <c>Run</c> and <c>RunFinal</c> (crefs must then name the float ones).</summary>
    public abstract bool HasOverloads { get; }

    /// <summary>The constants before <c>OutputSize</c>: <c>InputSize</c> and any of the input's own.</summary>
    public abstract void EmitConstants(CodeWriter w);

    /// <summary>Explicit interface members beyond <c>IGruModel</c>'s.</summary>
    public virtual void EmitInterfaceMembers(CodeWriter w)
    {
    }

    /// <summary>Checks of the float API's input span before any state changes.</summary>
    public virtual void EmitCheck(CodeWriter w, string span)
    {
    }

    /// <summary>Members of the input's own API.</summary>
    public virtual void EmitApi(CodeWriter w)
    {
    }
}

/// <summary>A vector of features per step: <c>IGruModel</c>, nothing more.</summary>
internal sealed class FeatureInput(int inputSize) : ModelInput
{
    public override string InterfaceName => "IGruModel";

    public override bool HasOverloads => false;

    public override void EmitConstants(CodeWriter w)
    {
        w.Doc("Input features per time step.");
        w.Line($"public const int InputSize = {inputSize};");
    }
}
