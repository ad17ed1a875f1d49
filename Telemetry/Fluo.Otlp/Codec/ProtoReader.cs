using System.Buffers.Binary;
using System.Text;

namespace Fluo.Otlp.Codec;

/// <summary>
/// Reads protobuf wire format from a span, one field at a time, without building messages: what
/// <see cref="Traces.OtlpSpanReader"/> needs to take spans straight from an export body. Malformed input (a truncated
/// field, a bad varint, field number 0, an unknown wire type, invalid UTF-8 in a string) throws
/// <see cref="OtlpFormatException"/>.
/// </summary>
internal ref struct ProtoReader(ReadOnlySpan<byte> data)
{
    /// <summary>Wire type of varints (int64, bool, enums).</summary>
    public const int Varint = 0;

    /// <summary>Wire type of fixed 64-bit values (fixed64, double).</summary>
    public const int Fixed64 = 1;

    /// <summary>Wire type of length-delimited values (strings, bytes, messages).</summary>
    public const int Length = 2;

    /// <summary>Wire type of fixed 32-bit values.</summary>
    public const int Fixed32 = 5;

    private const int StartGroup = 3;
    private const int EndGroup = 4;
    private const int MaxGroupDepth = 100;

    // As Google.Protobuf decodes strings: invalid UTF-8 is an error, not replaced.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    /// <summary>Whether every byte has been read.</summary>
    public readonly bool End => _position >= _data.Length;

    /// <summary>The next field's number and wire type.</summary>
    public (int Field, int WireType) ReadTag()
    {
        var tag = ReadVarint();
        if (tag >> 3 == 0 || tag > uint.MaxValue)
        {
            throw Invalid($"invalid tag {tag}");
        }

        return ((int)(tag >> 3), (int)(tag & 7));
    }

    /// <summary>A varint (up to 64 bits).</summary>
    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw Truncated();
            }

            var b = _data[_position++];
            result |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw Invalid("a varint is longer than 10 bytes");
    }

    /// <summary>A little-endian 64-bit value.</summary>
    public ulong ReadFixed64()
    {
        if (_data.Length - _position < 8)
        {
            throw Truncated();
        }

        var value = BinaryPrimitives.ReadUInt64LittleEndian(_data[_position..]);
        _position += 8;
        return value;
    }

    /// <summary>A length-delimited value's bytes (a slice of the input, not a copy).</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw Truncated();
        }

        var bytes = _data.Slice(_position, (int)length);
        _position += (int)length;
        return bytes;
    }

    /// <summary>A string field's value.</summary>
    public string ReadString() => Text(ReadBytes());

    /// <summary>The bytes of a string field (see <see cref="Next"/>) as text.</summary>
    public static string Text(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return bytes.IsEmpty ? string.Empty : Utf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw Invalid($"a string is not valid UTF-8 ({ex.Message})", ex);
        }
    }

    /// <summary>
    /// Moves past the next length-delimited field number <paramref name="field"/> (a string, bytes or message), skipping
    /// every other field on the way; false at the end.
    /// </summary>
    public bool Next(int field, out ReadOnlySpan<byte> value)
    {
        while (!End)
        {
            var (number, wireType) = ReadTag();
            if (number == field && wireType == Length)
            {
                value = ReadBytes();
                return true;
            }

            Skip(number, wireType);
        }

        value = default;
        return false;
    }

    /// <summary>Skips the value of a field just read with <see cref="ReadTag"/>, as a field this reader does not use.</summary>
    public void Skip(int field, int wireType) => Skip(field, wireType, 0);

    /// <summary>The error for a trace export body that is not valid protobuf.</summary>
    public static OtlpFormatException Invalid(string problem, Exception? inner = null)
    {
        var message = $"The body is not a valid OTLP protobuf ExportTraceServiceRequest: {problem.TrimEnd('.')}.";
        return inner is null ? new OtlpFormatException(message) : new OtlpFormatException(message, inner);
    }

    private static OtlpFormatException Truncated() => Invalid("it ends in the middle of a field");

    private void Skip(int field, int wireType, int depth)
    {
        switch (wireType)
        {
            case Varint:
                ReadVarint();
                break;
            case Fixed64:
                ReadFixed64();
                break;
            case Length:
                ReadBytes();
                break;
            case Fixed32:
                if (_data.Length - _position < 4)
                {
                    throw Truncated();
                }

                _position += 4;
                break;
            case StartGroup:
                if (depth >= MaxGroupDepth)
                {
                    throw Invalid("groups are nested too deeply");
                }

                while (true)
                {
                    var (inner, innerType) = ReadTag();
                    if (innerType == EndGroup)
                    {
                        if (inner != field)
                        {
                            throw Invalid($"group {field} is ended as group {inner}");
                        }

                        return;
                    }

                    Skip(inner, innerType, depth + 1);
                }

            default:
                throw Invalid($"field {field} has wire type {wireType}");
        }
    }
}
