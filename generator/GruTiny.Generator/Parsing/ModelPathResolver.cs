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
    /// <remarks>Never throws: on .NET Framework hosts the path APIs throw for characters such as '|' or '&lt;'; such a path simply matches no file.</remarks>
    public static string Resolve(string path, string? projectDirectory)
    {
        string candidate = Separators(path);
        try
        {
            if (!Path.IsPathRooted(candidate) && !string.IsNullOrEmpty(projectDirectory))
                candidate = Path.Combine(Separators(projectDirectory!), candidate);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return candidate;
        }

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
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
        {
            return separated;
        }
    }

    /// <summary><see cref="Path.IsPathRooted(string)"/> that never throws.</summary>
    public static bool IsRooted(string path)
    {
        try
        {
            return Path.IsPathRooted(path);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string Separators(string path) =>
        Path.DirectorySeparatorChar == '/' ? path.Replace('\\', '/') : path.Replace('/', Path.DirectorySeparatorChar);
}
