using GruTiny.Model;
using static GruTiny.Generator.Emit.GeneratedNames;

namespace GruTiny.Generator.Emit.Layers;

/// <summary>
/// One layer kind's part of a generated model. <see cref="ModelEmitter"/> is the skeleton that every model
/// shares; it asks each layer, through <see cref="LayerEmitters.For"/> (the one dispatch over kinds), for its
/// pieces, and knows nothing of any kind itself. A new kind is a new subclass and one line in
/// <see cref="LayerEmitters.For"/> (docs/design.md, "Adding a layer kind").
/// </summary>
internal abstract class LayerEmitter
{
    /// <summary>What the model takes per step when this layer is first, or null for a vector of features.</summary>
    public virtual ModelInput? Input => null;

    /// <summary>The public constant that names this layer's width (checked against the user's members), or null.</summary>
    public abstract string? ConstantName(int index);

    /// <summary>The documented public constant named <see cref="ConstantName"/>; nothing when it is null.</summary>
    public virtual void EmitConstant(CodeWriter w, int index)
    {
    }

    /// <summary>Floats of recurrent state as the API counts them (0: the layer keeps no state).</summary>
    public virtual int StateSize => 0;

    /// <summary>The <see cref="StateSize"/> floats a new instance starts from, or null for zeros.</summary>
    public virtual float[]? InitialState => null;

    /// <summary>Floats the state takes inside the model, padded for the kernels (0: no state).</summary>
    public virtual int PaddedStateSize => 0;

    /// <summary>Floats of string literals the layer's weights take (the compiler's user-string limit).</summary>
    public abstract long LiteralFloats { get; }

    /// <summary>
    /// Floats of the largest run of weights that one literal must hold whole (a block; an embedding row): above
    /// KernelLayout.MaxChunkFloats its literal is larger than the runtime's frozen heap takes, and is allocated
    /// once, at first use (GRUT016).
    /// </summary>
    public abstract int LargestBlockFloats { get; }

    /// <summary>What the layer needs of the per-step working memory that <see cref="WorkLayout"/> plans.</summary>
    public abstract void Plan(WorkLayout.Needs needs);

    /// <summary>The layer's statements inside <c>__GruTiny_Advance</c>: reads <see cref="Advance.Source"/>, writes its own rows, and moves the source on.</summary>
    public abstract void EmitForward(CodeWriter w, int index, Advance advance);

    /// <summary>The nested type that holds the layer's sizes and weights for its kernel.</summary>
    public abstract void EmitType(CodeWriter w, int index, bool commentWeights);

    /// <summary>
    /// The forward call of a layer that maps each step's row to a row of its own (activation, normalisation):
    /// <c>Kernel.Forward&lt;__GruTiny_LayerN&gt;(source, stride, target, stride, n)</c>, into the rows
    /// <see cref="Advance.RowsFor"/> gives.
    /// </summary>
    protected static void EmitRowsForward(CodeWriter w, int index, Advance advance, string kernel, string comment)
    {
        (string target, string targetStride) = advance.RowsFor(index);
        w.Line($"// Layer {index}: {comment}.");
        w.Line($"{KernelsNamespace}.{kernel}.Forward<__GruTiny_Layer{index}>({advance.Source}, {advance.SourceStride}, {target}, {targetStride}, n);");
        advance.Wrote(target, targetStride);
    }
}
