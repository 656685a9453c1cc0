using System;
using System.IO;
using GruTiny.Model;

namespace GruTiny.Generator.Parsing;

/// <summary>
/// Reads an .onnx AdditionalFiles item's bytes from its path. <c>AdditionalText.GetText()</c> is not an
/// option for binary files: the compiler decodes them as text, so a 00 00 byte pair fails the build with
/// CS2015 and other bytes come back altered. Reading the file the compiler was given is lossless and needs
/// nothing in the build; the incremental pipeline still re-runs when the item changes, because a changed
/// file is a new AdditionalText (command-line builds re-run CoreCompile, whose inputs include AdditionalFiles).
/// </summary>
internal static class OnnxFile
{
    // Analyzers are asked not to do file IO (RS1035) because an IDE may not have the file on disk; an
    // AdditionalFiles item is a file the project names, and its text view is unusable for binary data.
#pragma warning disable RS1035
    public static byte[]? ReadBytes(string path, long maxParameters, out ModelFormatError? error)
    {
        error = null;
        try
        {
            var info = new FileInfo(path);
            // Four bytes a weight plus generous room for the graph: anything larger is refused before it is read.
            long limit = maxParameters * 4 + 64L * 1024 * 1024;
            if (info.Exists && info.Length > limit)
            {
                error = new ModelFormatError(ModelDiagnosticIds.ModelTooLarge, $"The file has {info.Length} bytes, more than a model of {maxParameters} parameters needs ({limit} bytes at most).", 0, 0);
                return null;
            }

            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            error = new ModelFormatError(ModelDiagnosticIds.OnnxMalformed, $"The file could not be read from '{path}': {e.Message}", 0, 0);
            return null;
        }
    }
#pragma warning restore RS1035
}
