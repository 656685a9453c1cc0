using System.Text;

namespace GruTiny.Generator.Emit;

/// <summary>Builds indented C# text with '\n' line endings on every platform (deterministic output).</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _sb = new();
    private readonly bool _skipLocalsInit;
    private int _indent;

    /// <param name="skipLocalsInit">The user's project allows unsafe code, which <c>[SkipLocalsInit]</c> needs (CS0227).</param>
    public CodeWriter(bool skipLocalsInit = false) => _skipLocalsInit = skipLocalsInit;

    public void Line(string text = "")
    {
        if (text.Length > 0) _sb.Append(' ', _indent * 4).Append(text);
        _sb.Append('\n');
    }

    public void Open()
    {
        Line("{");
        _indent++;
    }

    public void Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
    }

    /// <summary>
    /// <c>[GeneratedCode]</c> with the generator's version, on every member and type GruTiny adds. Not on the
    /// user's partial type itself: the attribute would then cover the user's own members too, and analyzers
    /// that skip generated code would skip them.
    /// </summary>
    public void Generated() => Line(GeneratedCodeAttribute);

    /// <summary>
    /// <c>[SkipLocalsInit]</c> on a method that stackallocs a work buffer, when the user's project allows unsafe code:
    /// the kernels write every float of the buffer they read, so zeroing it on each call is wasted (without it a
    /// <c>Step</c> of the small benchmark shapes took 0.92–0.98 of the time, bench/RESULTS.md). The project's setting
    /// is the user's: GruTiny never turns it on.
    /// </summary>
    public void SkipLocalsInit()
    {
        if (_skipLocalsInit) Line("[global::System.Runtime.CompilerServices.SkipLocalsInit]");
    }

    private static readonly string GeneratedCodeAttribute =
        $"[global::System.CodeDom.Compiler.GeneratedCode(\"GruTiny.Generator\", \"{typeof(CodeWriter).Assembly.GetName().Version}\")]";

    /// <summary>An XML doc comment: a summary, then any further raw doc lines.</summary>
    public void Doc(string summary, params string[] more)
    {
        Line($"/// <summary>{summary}</summary>");
        foreach (string line in more) Line("/// " + line);
    }

    public override string ToString() => _sb.ToString();
}
