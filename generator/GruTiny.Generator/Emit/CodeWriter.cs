using System.Text;

namespace GruTiny.Generator.Emit;

/// <summary>Builds indented C# text with '\n' line endings on every platform (deterministic output).</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _sb = new();
    private int _indent;

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
