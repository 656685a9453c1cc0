using System.Collections.Generic;

namespace GruTiny.Model.Json;

/// <summary>The kind of a JSON value.</summary>
internal enum JsonKind
{
    Object,
    Array,
    String,
    Number,
    True,
    False,
    Null,
}

/// <summary>
/// One JSON value with the 1-based line and column where it starts. Objects keep their properties in file
/// order, duplicates included, so that the model reader can report a duplicate key where it stands.
/// </summary>
internal sealed class JsonNode
{
    public JsonNode(JsonKind kind, int line, int column)
    {
        Kind = kind;
        Line = line;
        Column = column;
    }

    public JsonKind Kind { get; }

    public int Line { get; }

    public int Column { get; }

    /// <summary>The value of a string.</summary>
    public string? String { get; set; }

    /// <summary>The value of a number, rounded once from its decimal text to the nearest float.</summary>
    public float Number { get; set; }

    /// <summary>Whether a number was written as an integer (no fraction, no exponent) that fits a long.</summary>
    public bool IsInteger { get; set; }

    /// <summary>The exact value of an integer number.</summary>
    public long Integer { get; set; }

    /// <summary>The properties of an object, in file order.</summary>
    public List<JsonProperty>? Properties { get; set; }

    /// <summary>The items of an array.</summary>
    public List<JsonNode>? Items { get; set; }

    /// <summary>A short name of the kind for messages ("a string", "an array", …).</summary>
    public string Describe() => Kind switch
    {
        JsonKind.Object => "an object",
        JsonKind.Array => "an array",
        JsonKind.String => "a string",
        JsonKind.Number => "a number",
        JsonKind.True or JsonKind.False => "a boolean",
        _ => "null",
    };
}

/// <summary>A property of a JSON object, with the position of its name.</summary>
internal sealed class JsonProperty
{
    public JsonProperty(string name, int line, int column, JsonNode value)
    {
        Name = name;
        Line = line;
        Column = column;
        Value = value;
    }

    public string Name { get; }

    public int Line { get; }

    public int Column { get; }

    public JsonNode Value { get; }
}
