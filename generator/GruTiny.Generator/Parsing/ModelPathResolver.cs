using System;
using System.IO;

namespace GruTiny.Generator.Parsing;

/// <summary>
/// Resolves a [GruModel] path the way the documentation promises: against the project directory, with
/// '/' and '\' both accepted as separators and '.' and '..' normalised, compared by full path.
/// </summary>
internal static class ModelPathResolver
{
    /// <summary>The full, normalised path of <paramref name="path"/>, relative to <paramref name="projectDirectory"/> unless rooted.</summary>
    public static string Resolve(string path, string? projectDirectory)
    {
        string candidate = Separators(path);
        if (!Path.IsPathRooted(candidate) && !string.IsNullOrEmpty(projectDirectory))
            candidate = Path.Combine(Separators(projectDirectory!), candidate);
        return Normalize(candidate);
    }

    /// <summary>A full path in the same normal form as <see cref="Resolve"/> produces, for AdditionalFiles paths.</summary>
    public static string Normalize(string path)
    {
        string separated = Separators(path);
        try
        {
            return Path.IsPathRooted(separated) ? Path.GetFullPath(separated) : separated;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return separated;
        }
    }

    private static string Separators(string path) =>
        Path.DirectorySeparatorChar == '/' ? path.Replace('\\', '/') : path.Replace('/', Path.DirectorySeparatorChar);
}
