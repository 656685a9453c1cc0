using GruTiny.Model;
using static GruTiny.Generator.Emit.GeneratedNames;

namespace GruTiny.Generator.Emit.Layers;

/// <summary>
/// The input of a model whose first layer is an embedding (<see cref="EmbeddingLayerEmitter.Input"/>): a token id
/// per step. Its type implements <c>IGruTokenModel</c> and adds <c>Step(int)</c>, <c>Run</c> and <c>RunFinal</c>
/// over token ids; its float API takes the id as a float, checked before any state changes.
/// </summary>
internal sealed class EmbeddingTokenInput(EmbeddingLayerDescription embedding) : ModelInput
{
    public override string InterfaceName => "IGruTokenModel";

    public override bool HasOverloads => true;

    public override void EmitConstants(CodeWriter w)
    {
        w.Doc("Token ids this model accepts: 0 to VocabularySize − 1 (the rows of its embedding).");
        w.Line($"public const int VocabularySize = {embedding.VocabularySize};");
        w.Line();
        w.Doc("Width of a token's embedding (layer 0), the first GRU layer's input.");
        w.Line($"public const int EmbeddingSize = {embedding.Dimension};");
        w.Line();
        w.Doc("Values per time step of the float API (<see cref=\"global::GruTiny.IGruModel\"/>): one, the token id.");
        w.Line("public const int InputSize = 1;");
    }

    public override void EmitInterfaceMembers(CodeWriter w)
    {
        w.Generated();
        w.Line("int global::GruTiny.IGruTokenModel.VocabularySize => VocabularySize;");
        w.Line();
    }

    public override void EmitCheck(CodeWriter w, string span) =>
        w.Line($"{KernelsNamespace}.TokenChecks.Check({span}, VocabularySize, nameof({span}));");

    public override void EmitApi(CodeWriter w)
    {
        w.Doc("Advances the model by one token.",
            "<param name=\"token\">A token id from 0 to <see cref=\"VocabularySize\"/> − 1.</param>",
            "<param name=\"output\">Receives exactly <see cref=\"OutputSize\"/> values.</param>",
            "<exception cref=\"global::System.ArgumentOutOfRangeException\">The token is out of range; the state is unchanged.</exception>",
            "<exception cref=\"global::System.ArgumentException\">The span has the wrong length.</exception>");
        w.Generated();
        w.SkipLocalsInit();
        w.Line($"public void Step(int token, {Span} output)");
        w.Open();
        w.Line($"if ((uint)token >= (uint)VocabularySize) {Throw}.ThrowTokenOutOfRange(nameof(token), 0, token, VocabularySize);");
        w.Line($"if (output.Length != OutputSize) {Throw}.ThrowLengthMismatch(nameof(output), OutputSize, output.Length);");
        w.Line("float id = token;");
        w.Line($"{Span} work = stackalloc float[__GruTiny_StepWork + __GruTiny_ScratchLength];");
        w.Line("__GruTiny_Advance(global::System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref id, 1), output, 1, work);");
        w.Close();
        w.Line();

        w.Doc("Advances the model by T tokens: the same as T calls of <see cref=\"Step(int, global::System.Span{float})\"/>.",
            "<param name=\"tokens\">T token ids; T may be zero. All are checked before any state changes.</param>",
            "<param name=\"outputs\">Receives row-major [T × <see cref=\"OutputSize\"/>] values.</param>",
            "<exception cref=\"global::System.ArgumentOutOfRangeException\">A token is out of range; the state is unchanged.</exception>",
            "<exception cref=\"global::System.ArgumentException\">The span has the wrong length.</exception>");
        w.Generated();
        w.SkipLocalsInit();
        w.Line($"public void Run({Ints} tokens, {Span} outputs)");
        w.Open();
        w.Line("int steps = tokens.Length;");
        w.Line($"if ((long)steps * OutputSize != outputs.Length) {Throw}.ThrowStepsMismatch(nameof(outputs), (long)steps * OutputSize, steps, OutputSize, outputs.Length);");
        w.Line($"if (global::System.MemoryExtensions.Overlaps(global::System.Runtime.InteropServices.MemoryMarshal.Cast<int, float>(tokens), ({ReadOnlySpan})outputs)) {Throw}.ThrowOverlap(nameof(outputs));");
        w.Line($"{KernelsNamespace}.TokenChecks.Check(tokens, VocabularySize, nameof(tokens));");
        ModelEmitter.EmitChunks(w, final: false, tokens: true);
        w.Close();
        w.Line();

        w.Doc("Advances the model by T ≥ 1 tokens and writes only the last step's output.",
            "<param name=\"tokens\">T ≥ 1 token ids, all checked before any state changes.</param>",
            "<param name=\"output\">Receives the last step's <see cref=\"OutputSize\"/> values.</param>",
            "<exception cref=\"global::System.ArgumentOutOfRangeException\">A token is out of range; the state is unchanged.</exception>",
            "<exception cref=\"global::System.ArgumentException\">The span has the wrong length, or there are no tokens.</exception>");
        w.Generated();
        w.SkipLocalsInit();
        w.Line($"public void RunFinal({Ints} tokens, {Span} output)");
        w.Open();
        w.Line("int steps = tokens.Length;");
        w.Line($"if (steps == 0) {Throw}.ThrowEmptySequence(nameof(tokens), 1);");
        w.Line($"if (output.Length != OutputSize) {Throw}.ThrowLengthMismatch(nameof(output), OutputSize, output.Length);");
        w.Line($"{KernelsNamespace}.TokenChecks.Check(tokens, VocabularySize, nameof(tokens));");
        ModelEmitter.EmitChunks(w, final: true, tokens: true);
        w.Close();
        w.Line();
    }
}
