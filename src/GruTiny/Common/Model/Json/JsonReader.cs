using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace GruTiny.Model.Json;

/// <summary>A JSON syntax error at a 1-based line and column.</summary>
internal sealed class JsonSyntaxException : Exception
{
    public JsonSyntaxException(string message, int line, int column)
        : base(message)
    {
        Line = line;
        Column = column;
    }

    public int Line { get; }

    public int Column { get; }
}

/// <summary>
/// A small, strict JSON (RFC 8259) reader that builds <see cref="JsonNode"/> trees with positions.
/// </summary>
/// <remarks>
/// Shared by the generator (netstandard2.0, where System.Text.Json would have to be shipped into every
/// compiler host) and the run-time interpreter. Beyond RFC 8259 it accepts Python's <c>NaN</c>,
/// <c>Infinity</c> and <c>-Infinity</c> tokens, so that such a file gets the non-finite-weight diagnostic
/// rather than a parse error. Nesting is bounded so that no input can exhaust the stack, and numbers are
/// read culture-invariantly, rounded once from their decimal text to float.
/// </remarks>
internal sealed class JsonReader
{
    /// <summary>The default maximum nesting depth of arrays and objects.</summary>
    public const int DefaultMaxDepth = 64;

    private readonly string _text;
    private readonly int _maxDepth;
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    private JsonReader(string text, int maxDepth)
    {
        _text = text;
        _maxDepth = maxDepth;
    }

    /// <summary>Parses a whole document.</summary>
    /// <exception cref="JsonSyntaxException">The text is not one JSON value.</exception>
    public static JsonNode Parse(string text, int maxDepth = DefaultMaxDepth)
    {
        var reader = new JsonReader(text, maxDepth);
        if (text.Length > 0 && text[0] == '\uFEFF') reader._pos = 1;
        reader.SkipWhitespace();
        JsonNode root = reader.ReadValue(0);
        reader.SkipWhitespace();
        if (reader._pos < text.Length) throw reader.Error("Unexpected text after the end of the JSON document.");
        return root;
    }

    private int Column => _pos - _lineStart + 1;

    private JsonSyntaxException Error(string message) => new JsonSyntaxException(message, _line, Column);

    private void SkipWhitespace()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == '\n')
            {
                _pos++;
                _line++;
                _lineStart = _pos;
            }
            else if (c == ' ' || c == '\t' || c == '\r')
            {
                _pos++;
            }
            else
            {
                return;
            }
        }
    }

    private JsonNode ReadValue(int depth)
    {
        if (_pos >= _text.Length) throw Error("Unexpected end of the file; a value was expected.");
        char c = _text[_pos];
        switch (c)
        {
            case '{': return ReadObject(depth + 1);
            case '[': return ReadArray(depth + 1);
            case '"':
            {
                var node = new JsonNode(JsonKind.String, _line, Column);
                node.String = ReadString();
                return node;
            }
            case 't': return ReadLiteral("true", JsonKind.True);
            case 'f': return ReadLiteral("false", JsonKind.False);
            case 'n': return ReadLiteral("null", JsonKind.Null);
            case 'N': return ReadNonFinite("NaN", float.NaN, _line, Column);
            case 'I': return ReadNonFinite("Infinity", float.PositiveInfinity, _line, Column);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber();
                throw Error($"Unexpected character '{FileText.Character(c)}'; a value was expected.");
        }
    }

    private JsonNode ReadObject(int depth)
    {
        if (depth > _maxDepth) throw Error($"The JSON is nested deeper than {_maxDepth} levels.");
        var node = new JsonNode(JsonKind.Object, _line, Column) { Properties = new List<JsonProperty>() };
        _pos++; // {
        SkipWhitespace();
        if (Peek() == '}')
        {
            _pos++;
            return node;
        }

        while (true)
        {
            SkipWhitespace();
            if (Peek() != '"') throw Error("A property name in double quotes was expected.");
            int line = _line, column = Column;
            string name = ReadString();
            SkipWhitespace();
            if (Peek() != ':') throw Error($"':' was expected after the property name \"{name}\".");
            _pos++;
            SkipWhitespace();
            node.Properties.Add(new JsonProperty(name, line, column, ReadValue(depth)));
            SkipWhitespace();
            char c = Peek();
            _pos++;
            if (c == ',') continue;
            if (c == '}') return node;
            _pos--;
            throw Error("',' or '}' was expected in the object.");
        }
    }

    private JsonNode ReadArray(int depth)
    {
        if (depth > _maxDepth) throw Error($"The JSON is nested deeper than {_maxDepth} levels.");
        var node = new JsonNode(JsonKind.Array, _line, Column) { Items = new List<JsonNode>() };
        _pos++; // [
        SkipWhitespace();
        if (Peek() == ']')
        {
            _pos++;
            return node;
        }

        while (true)
        {
            SkipWhitespace();
            node.Items.Add(ReadValue(depth));
            SkipWhitespace();
            char c = Peek();
            _pos++;
            if (c == ',') continue;
            if (c == ']') return node;
            _pos--;
            throw Error("',' or ']' was expected in the array.");
        }
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private string ReadString()
    {
        _pos++; // opening quote
        int start = _pos;
        while (_pos < _text.Length && _text[_pos] != '"' && _text[_pos] != '\\' && _text[_pos] >= ' ') _pos++;
        if (_pos < _text.Length && _text[_pos] == '"')
        {
            return _text.Substring(start, _pos++ - start);
        }

        var sb = new StringBuilder(_text, start, _pos - start, Math.Max(16, _pos - start + 16));
        while (true)
        {
            if (_pos >= _text.Length) throw Error("Unterminated string.");
            char c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                return sb.ToString();
            }

            if (c < ' ') throw Error("Control characters must be escaped inside strings.");
            if (c != '\\')
            {
                sb.Append(c);
                _pos++;
                continue;
            }

            if (_pos + 1 >= _text.Length) throw Error("Unterminated string.");
            char e = _text[_pos + 1];
            _pos += 2;
            switch (e)
            {
                case '"': sb.Append('"'); break;
                case '\\': sb.Append('\\'); break;
                case '/': sb.Append('/'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 't': sb.Append('\t'); break;
                case 'u':
                    if (_pos + 4 > _text.Length) throw Error("Incomplete \\u escape.");
                    int code = 0;
                    for (int i = 0; i < 4; i++)
                    {
                        int digit = HexValue(_text[_pos + i]);
                        if (digit < 0) throw Error("Invalid \\u escape.");
                        code = code * 16 + digit;
                    }

                    sb.Append((char)code);
                    _pos += 4;
                    break;
                default:
                    _pos -= 2;
                    throw Error($"Invalid escape '\\{FileText.Character(e)}'.");
            }
        }
    }

    private static int HexValue(char c) =>
        c >= '0' && c <= '9' ? c - '0' :
        c >= 'a' && c <= 'f' ? c - 'a' + 10 :
        c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

    private JsonNode ReadLiteral(string literal, JsonKind kind)
    {
        var node = new JsonNode(kind, _line, Column);
        if (string.CompareOrdinal(_text, _pos, literal, 0, literal.Length) != 0) throw Error($"Unexpected token; '{literal}' or another value was expected.");
        _pos += literal.Length;
        return node;
    }

    private JsonNode ReadNonFinite(string literal, float value, int line, int column)
    {
        if (string.CompareOrdinal(_text, _pos, literal, 0, literal.Length) != 0) throw Error("Unexpected token; a value was expected.");
        _pos += literal.Length;
        return new JsonNode(JsonKind.Number, line, column) { Number = value };
    }

    private JsonNode ReadNumber()
    {
        int line = _line, column = Column, start = _pos;
        if (_text[_pos] == '-')
        {
            _pos++;
            if (Peek() == 'I') return ReadNonFinite("Infinity", float.NegativeInfinity, line, column);
        }

        if (Peek() == '0')
        {
            _pos++;
        }
        else if (Peek() >= '1' && Peek() <= '9')
        {
            while (Peek() >= '0' && Peek() <= '9') _pos++;
        }
        else
        {
            throw Error("Invalid number: a digit was expected.");
        }

        bool integer = true;
        if (Peek() == '.')
        {
            integer = false;
            _pos++;
            if (!(Peek() >= '0' && Peek() <= '9')) throw Error("Invalid number: a digit was expected after '.'.");
            while (Peek() >= '0' && Peek() <= '9') _pos++;
        }

        if (Peek() == 'e' || Peek() == 'E')
        {
            integer = false;
            _pos++;
            if (Peek() == '+' || Peek() == '-') _pos++;
            if (!(Peek() >= '0' && Peek() <= '9')) throw Error("Invalid number: a digit was expected in the exponent.");
            while (Peek() >= '0' && Peek() <= '9') _pos++;
        }

        string text = _text.Substring(start, _pos - start);
        var node = new JsonNode(JsonKind.Number, line, column) { Number = ParseFloat(text) };
        if (integer && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            node.IsInteger = true;
            node.Integer = value;
        }

        return node;
    }

    // Out-of-range values become ±Infinity (or 0) rather than an exception on every runtime, so that they get
    // the non-finite-weight diagnostic: .NET Framework hosts throw OverflowException where .NET returns ∞.
    private static float ParseFloat(string text)
    {
        try
        {
            return float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }
        catch (OverflowException)
        {
            return text[0] == '-' ? float.NegativeInfinity : float.PositiveInfinity;
        }
    }

}
