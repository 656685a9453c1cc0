using System.Globalization;
using System.Text;

namespace GruTiny.Model;

/// <summary>
/// How text from a model file is shown. Names, keys and values from a file reach diagnostics and exception
/// messages only, never generated code, and nothing in them may break a diagnostic line or a log.
/// </summary>
internal static class FileText
{
    /// <summary>
    /// A string from the file, cut to <paramref name="maxLength"/> characters ("…" after), with control
    /// characters replaced by '?'; with <paramref name="asciiOnly"/>, everything but printable ASCII other than
    /// '"' too (ONNX names, shown inside quotes).
    /// </summary>
    public static string Quote(string? value, int maxLength, bool asciiOnly = false)
    {
        if (value is null) return "";
        var text = new StringBuilder();
        for (int i = 0; i < value.Length && i < maxLength; i++)
        {
            char c = value[i];
            bool keep = asciiOnly ? c >= ' ' && c < 127 && c != '"' : c >= ' ' && c != '\u007f';
            text.Append(keep ? c : '?');
        }

        if (value.Length > maxLength) text.Append('…');
        return text.ToString();
    }

    /// <summary>One character of the file: itself when it is printable ASCII, else <c>\uXXXX</c>.</summary>
    public static string Character(char c) =>
        c < ' ' || c > '~' ? "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) : c.ToString();

    /// <summary>
    /// The last pass over every message that may hold file text (<see cref="ModelFormatError"/>): control
    /// characters, C1 controls and the line and paragraph separators become '?', so a message stays one line.
    /// </summary>
    public static string OneLine(string message)
    {
        var chars = message.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
            if (chars[i] < ' ' || chars[i] == '\u007f' || chars[i] == '\u2028' || chars[i] == '\u2029' || (chars[i] >= '\u0080' && chars[i] < '\u00a0')) chars[i] = '?';
        return new string(chars);
    }
}
