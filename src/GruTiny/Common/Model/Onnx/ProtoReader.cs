using System;

namespace GruTiny.Model.Onnx;

/// <summary>
/// Reads the protocol-buffer wire format over a byte range, field by field. Every length is checked
/// against the bytes left before anything is taken from it, so a truncated or hostile file fails with
/// GRUT030 and never makes the reader allocate more than the file holds.
/// </summary>
internal struct ProtoReader
{
    public const int VarintType = 0;
    public const int Fixed64Type = 1;
    public const int LengthDelimitedType = 2;
    public const int StartGroupType = 3;
    public const int EndGroupType = 4;
    public const int Fixed32Type = 5;

    private readonly byte[] _bytes;
    private readonly string _message;
    private int _position;
    private readonly int _end;

    public ProtoReader(byte[] bytes, int start, int end, string message)
    {
        _bytes = bytes;
        _position = start;
        _end = end;
        _message = message;
    }

    public bool AtEnd => _position >= _end;

    /// <summary>Reads the next field's key. False at the end of the message.</summary>
    public bool TryReadField(out int fieldNumber, out int wireType)
    {
        if (_position >= _end)
        {
            fieldNumber = 0;
            wireType = 0;
            return false;
        }

        ulong key = ReadVarint();
        wireType = (int)(key & 7);
        ulong number = key >> 3;
        if (number == 0 || number > 536_870_911)
            throw Malformed($"field number {number} is out of range");
        fieldNumber = (int)number;
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _end) throw Malformed("it ends inside a number (the file is truncated)");
            byte b = _bytes[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }

        throw Malformed("a number is longer than 10 bytes");
    }

    public long ReadInt64() => (long)ReadVarint();

    public uint ReadFixed32()
    {
        Need(4);
        uint value = (uint)(_bytes[_position] | _bytes[_position + 1] << 8 | _bytes[_position + 2] << 16 | _bytes[_position + 3] << 24);
        _position += 4;
        return value;
    }

    public ulong ReadFixed64()
    {
        ulong low = ReadFixed32();
        ulong high = ReadFixed32();
        return low | high << 32;
    }

    public float ReadFloat() => BitsToFloat(ReadFixed32());

    /// <summary>The range of a length-delimited field, checked against the bytes left.</summary>
    public (int Start, int End) ReadLengthDelimited()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_end - _position))
            throw Malformed($"a field claims {length} bytes but only {_end - _position} are left (the file is truncated or corrupt)");
        int start = _position;
        _position += (int)length;
        return (start, _position);
    }

    public ProtoReader ReadMessage(string message)
    {
        (int start, int end) = ReadLengthDelimited();
        return new ProtoReader(_bytes, start, end, message);
    }

    public string ReadString()
    {
        (int start, int end) = ReadLengthDelimited();
        try
        {
            return new System.Text.UTF8Encoding(false, true).GetString(_bytes, start, end - start);
        }
        catch (ArgumentException)
        {
            throw Malformed("a string is not valid UTF-8");
        }
    }

    public byte[] ReadBytes()
    {
        (int start, int end) = ReadLengthDelimited();
        byte[] copy = new byte[end - start];
        Buffer.BlockCopy(_bytes, start, copy, 0, copy.Length);
        return copy;
    }

    /// <summary>Skips a field this reader does not use.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case VarintType: ReadVarint(); break;
            case Fixed64Type: Need(8); _position += 8; break;
            case LengthDelimitedType: ReadLengthDelimited(); break;
            case Fixed32Type: Need(4); _position += 4; break;
            default: throw Malformed($"wire type {wireType} is not used by ONNX (groups are obsolete)");
        }
    }

    /// <summary>Throws unless the field has the wire type the schema gives it.</summary>
    public void Expect(int wireType, int actual, string field)
    {
        if (wireType != actual)
            throw Malformed($"field '{field}' has wire type {actual}, but the schema gives it wire type {wireType}");
    }

    /// <summary>Appends a repeated varint field, packed (wire type 2) or not (wire type 0).</summary>
    public void ReadRepeatedInt64(int wireType, System.Collections.Generic.List<long> into, string field, long maxCount)
    {
        if (wireType == VarintType)
        {
            Add(into, ReadInt64(), field, maxCount);
            return;
        }

        Expect(LengthDelimitedType, wireType, field);
        ProtoReader packed = ReadMessage(_message);
        while (!packed.AtEnd) Add(into, packed.ReadInt64(), field, maxCount);
    }

    /// <summary>Appends a repeated float field, packed (wire type 2) or not (wire type 5).</summary>
    public void ReadRepeatedFloat(int wireType, System.Collections.Generic.List<float> into, string field, long maxCount)
    {
        if (wireType == Fixed32Type)
        {
            Add(into, ReadFloat(), field, maxCount);
            return;
        }

        Expect(LengthDelimitedType, wireType, field);
        (int start, int end) = ReadLengthDelimited();
        if ((end - start) % 4 != 0)
            throw Malformed($"packed field '{field}' holds {end - start} bytes, not a whole number of floats");
        if (into.Count + (end - start) / 4 > maxCount)
            throw new ModelFormatErrorException(new ModelFormatError(ModelDiagnosticIds.ModelTooLarge,
                $"ONNX field '{field}' in {_message} holds more than {maxCount} values. {ModelDescriptionReader.RaiseParameterLimit}", 0, 0));
        for (int p = start; p < end; p += 4)
            into.Add(BitsToFloat((uint)(_bytes[p] | _bytes[p + 1] << 8 | _bytes[p + 2] << 16 | _bytes[p + 3] << 24)));
    }

    /// <summary>Appends a repeated double field (only to reject it with a clear message, or for sizes).</summary>
    public void ReadRepeatedDouble(int wireType, System.Collections.Generic.List<double> into, string field, long maxCount)
    {
        if (wireType == Fixed64Type)
        {
            Add(into, BitConverter.Int64BitsToDouble((long)ReadFixed64()), field, maxCount);
            return;
        }

        Expect(LengthDelimitedType, wireType, field);
        ProtoReader packed = ReadMessage(_message);
        while (!packed.AtEnd) Add(into, BitConverter.Int64BitsToDouble((long)packed.ReadFixed64()), field, maxCount);
    }

    public ModelFormatErrorException Malformed(string what) =>
        new(new ModelFormatError(ModelDiagnosticIds.OnnxMalformed, $"The file is not a valid ONNX model: in {_message}, {what}.", 0, 0));

    /// <summary>Little-endian IEEE 754 bits to a float, whatever the machine's byte order.</summary>
    public static float BitsToFloat(uint bits) => FloatBits.FromUInt32(bits);

    private void Add<T>(System.Collections.Generic.List<T> into, T value, string field, long maxCount)
    {
        if (into.Count >= maxCount)
            throw new ModelFormatErrorException(new ModelFormatError(ModelDiagnosticIds.ModelTooLarge,
                $"ONNX field '{field}' in {_message} holds more than {maxCount} values. {ModelDescriptionReader.RaiseParameterLimit}", 0, 0));
        into.Add(value);
    }

    private void Need(int count)
    {
        if (_end - _position < count)
            throw Malformed("it ends inside a fixed-size value (the file is truncated)");
    }
}
