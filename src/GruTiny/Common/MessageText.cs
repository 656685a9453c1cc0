namespace GruTiny.Model;

/// <summary>Wording shared by the messages of the readers.</summary>
internal static class MessageText
{
    /// <summary>"a, b or c": the names a file may use, in the order given.</summary>
    public static string Alternatives(string[] names) =>
        names.Length == 1 ? names[0] : string.Join(", ", names, 0, names.Length - 1) + " or " + names[names.Length - 1];
}
