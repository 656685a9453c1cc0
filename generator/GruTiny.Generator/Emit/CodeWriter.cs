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

    /// <summary>An XML doc comment: a summary, then any further raw doc lines.</summary>
    public void Doc(string summary, params string[] more)
    {
        Line($"/// <summary>{summary}</summary>");
        foreach (string line in more) Line("/// " + line);
    }

    public override string ToString() => _sb.ToString();
}
