using System;
using GruTiny.Model;

namespace GruTiny;

/// <summary>
/// A model description was rejected by <see cref="GruNetwork"/>: the same rule, ID and message the source
/// generator reports at build time.
/// </summary>
public sealed class GruModelFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="diagnosticId">The GRUT diagnostic ID (docs/diagnostics.md).</param>
    /// <param name="reason">What is wrong, naming the layer, tensor or key and what was expected.</param>
    /// <param name="line">1-based line in the model file, 0 when there is none.</param>
    /// <param name="column">1-based column in the model file, 0 when there is none.</param>
    public GruModelFormatException(string diagnosticId, string reason, int line, int column)
        : base(line > 0 ? $"{diagnosticId} ({line},{column}): {reason}" : $"{diagnosticId}: {reason}")
    {
        DiagnosticId = diagnosticId;
        Reason = reason;
        Line = line;
        Column = column;
    }

    /// <summary>Creates the exception for a failure with an underlying cause.</summary>
    /// <param name="diagnosticId">The GRUT diagnostic ID.</param>
    /// <param name="reason">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public GruModelFormatException(string diagnosticId, string reason, Exception innerException)
        : base($"{diagnosticId}: {reason}", innerException)
    {
        DiagnosticId = diagnosticId;
        Reason = reason;
    }

    internal GruModelFormatException(ModelFormatError error)
        : this(error.Id, error.Message, error.Line, error.Column)
    {
    }

    // The same failure, in the file at filePath: the message names it as a compiler diagnostic would.
    private GruModelFormatException(GruModelFormatException inner, string filePath)
        : base(inner.Line > 0 ? $"{inner.DiagnosticId} {filePath}({inner.Line},{inner.Column}): {inner.Reason}" : $"{inner.DiagnosticId} {filePath}: {inner.Reason}", inner.InnerException)
    {
        DiagnosticId = inner.DiagnosticId;
        Reason = inner.Reason;
        Line = inner.Line;
        Column = inner.Column;
        FilePath = filePath;
    }

    internal GruModelFormatException InFile(string filePath) => new(this, filePath);

    /// <summary>The GRUT diagnostic ID, the same the generator reports for this model.</summary>
    public string DiagnosticId { get; }

    /// <summary>What is wrong, without the ID and position.</summary>
    public string Reason { get; }

    /// <summary>1-based line in the model file, 0 when there is none.</summary>
    public int Line { get; }

    /// <summary>1-based column in the model file, 0 when there is none.</summary>
    public int Column { get; }

    /// <summary>The model file, when it was loaded from one (<see cref="GruNetwork.LoadFile"/>); null otherwise.</summary>
    public string? FilePath { get; }
}
