using System;

namespace GruTiny.Model;

/// <summary>
/// Why a model description was rejected: a diagnostic ID from <see cref="ModelDiagnosticIds"/>, a message
/// that names the layer, tensor or key and what was expected, and the 1-based position in the file
/// (0 where there is none).
/// </summary>
internal sealed class ModelFormatError : IEquatable<ModelFormatError>
{
    public ModelFormatError(string id, string message, int line, int column)
    {
        Id = id;
        Message = FileText.OneLine(message);
        Line = line;
        Column = column;
    }

    public string Id { get; }

    public string Message { get; }

    public int Line { get; }

    public int Column { get; }

    public bool Equals(ModelFormatError? other) =>
        other is not null && Id == other.Id && Message == other.Message && Line == other.Line && Column == other.Column;

    public override bool Equals(object? obj) => Equals(obj as ModelFormatError);

    public override int GetHashCode() => (Id.GetHashCode() * 31 + Message.GetHashCode()) * 31 + Line * 7 + Column;

    public override string ToString() => $"{Id} ({Line},{Column}): {Message}";
}

/// <summary>Thrown inside the reader to unwind to the single place that turns it into a <see cref="ModelFormatError"/>.</summary>
internal sealed class ModelFormatErrorException : Exception
{
    public ModelFormatErrorException(ModelFormatError error)
        : base(error.Message) => Error = error;

    public ModelFormatError Error { get; }
}
