using System.Text;
using GruTiny.Model;

namespace GruTiny.Generator.Emit;

/// <summary>
/// Writes floats as a C# string literal whose UTF-16 code units are the floats' little-endian bits, two per
/// float. Generated code reads it back with <c>MemoryMarshal.Cast&lt;char, float&gt;</c>.
/// </summary>
/// <remarks>
/// Why a string: a string literal lives in the assembly's user-string heap and is interned once, so reading
/// it allocates nothing per call, in Debug builds too (a collection-expression span allocates there), and it
/// compiles far faster than float or byte literals (~1.6 s rather than ~23 s for a million parameters). The
/// compiler limits the user strings of one assembly to 16 MB (CS8103): about 4 million parameters.
/// Code units in ranges that have been assigned letters since Unicode 3.0 (CJK and Hangul) are written as
/// they are, which keeps the source about half the size of escaping everything; every other unit, and
/// surrogates in particular, is written as a \u escape. The choice depends on no Unicode table of the
/// compiler host, so the output is the same on every host.
/// </remarks>
internal static class WeightBlob
{
    /// <summary>Appends <paramref name="values"/> as a quoted literal.</summary>
    public static void AppendLiteral(StringBuilder sb, float[] values)
    {
        var words = new uint[values.Length];
        for (int i = 0; i < values.Length; i++) words[i] = unchecked((uint)FloatBits.ToInt32(values[i]));
        AppendLiteral(sb, words);
    }

    /// <summary>Appends packed 32-bit words (KernelLayout's packers) as a quoted literal, two UTF-16 units each, low half first.</summary>
    public static void AppendLiteral(StringBuilder sb, uint[] words)
    {
        sb.Append('"');
        foreach (uint word in words)
        {
            AppendUnit(sb, (char)(word & 0xFFFF));
            AppendUnit(sb, (char)(word >> 16));
        }

        sb.Append('"');
    }

    private static void AppendUnit(StringBuilder sb, char c)
    {
        bool plain =
            (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') ||
            (c >= 0x3400 && c <= 0x4DB5) ||
            (c >= 0x4E00 && c <= 0x9FA5) ||
            (c >= 0xAC00 && c <= 0xD7A3);
        if (plain)
        {
            sb.Append(c);
            return;
        }

        const string hex = "0123456789ABCDEF";
        sb.Append('\\').Append('u')
          .Append(hex[c >> 12]).Append(hex[(c >> 8) & 0xF]).Append(hex[(c >> 4) & 0xF]).Append(hex[c & 0xF]);
    }
}
