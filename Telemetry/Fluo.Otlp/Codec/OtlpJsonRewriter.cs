using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Fluo.Otlp.Codec;

/// <summary>
/// Bridges OTLP/JSON and the protobuf JSON mapping by splicing single tokens and copying every other byte as it is,
/// so Google.Protobuf's parser and formatter can do the rest:
/// OTLP/JSON writes trace and span ids as hex strings where the mapping has base64 for bytes; and the protobuf
/// parser reads JSON numbers as doubles, so integers beyond 2^53 (nanosecond timestamps) are quoted to stay exact.
/// </summary>
internal static class OtlpJsonRewriter
{
    // Up to 15 digits always fit a double exactly.
    private const int MaxExactDigits = 15;

    // Only OTLP's trace/span id fields carry these names: attribute keys are values ("key": "..."), never property names.
    private static readonly byte[][] IdNames =
    [
        "traceId"u8.ToArray(), "spanId"u8.ToArray(), "parentSpanId"u8.ToArray(),
        "trace_id"u8.ToArray(), "span_id"u8.ToArray(), "parent_span_id"u8.ToArray(),
    ];

    /// <summary>Hex ids → base64, for parsing. Throws <see cref="OtlpFormatException"/> for malformed JSON or ids.</summary>
    public static string ForParsing(ReadOnlySpan<byte> utf8Json) => Rewrite(utf8Json, quoteLongIntegers: true, static (name, value) =>
    {
        if (value.Length % 2 != 0 || !IsHex(value))
        {
            throw new OtlpFormatException($"'{name}' must be a hex string (OTLP/JSON ids are hex, not base64), got \"{Truncate(value)}\".");
        }

        return Convert.ToBase64String(Convert.FromHexString(value));
    });

    /// <summary>Base64 ids → lowercase hex, for formatting.</summary>
    public static string ForFormatting(ReadOnlySpan<byte> utf8Json) =>
        Rewrite(utf8Json, quoteLongIntegers: false, static (_, value) => Convert.ToHexStringLower(Convert.FromBase64String(value)));

    private static string Rewrite(ReadOnlySpan<byte> json, bool quoteLongIntegers, Func<string, string, string> convert)
    {
        var output = new ArrayBufferWriter<byte>(json.Length);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var copied = 0;
        string? idName = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    idName = IsIdName(ref reader) ? reader.GetString() : null;
                    continue;
                }

                if (idName is not null && reader.TokenType == JsonTokenType.String)
                {
                    var start = (int)reader.TokenStartIndex;
                    // ValueSpan is the raw (still escaped) text between the quotes.
                    var end = start + reader.ValueSpan.Length + 2;
                    output.Write(json[copied..start]);
                    var replaced = convert(idName, reader.GetString()!);
                    output.Write("\""u8);
                    Encoding.UTF8.GetBytes(replaced, output);
                    output.Write("\""u8);
                    copied = end;
                }
                else if (quoteLongIntegers && reader.TokenType == JsonTokenType.Number && IsLongInteger(reader.ValueSpan))
                {
                    var start = (int)reader.TokenStartIndex;
                    output.Write(json[copied..start]);
                    output.Write("\""u8);
                    output.Write(reader.ValueSpan);
                    output.Write("\""u8);
                    copied = start + reader.ValueSpan.Length;
                }

                idName = null;
            }
        }
        catch (JsonException ex)
        {
            throw new OtlpFormatException($"The body is not valid JSON: {ex.Message}", ex);
        }
        catch (FormatException ex)
        {
            throw new OtlpFormatException($"An id is malformed: {ex.Message}", ex);
        }

        if (copied == 0)
        {
            return Encoding.UTF8.GetString(json);
        }

        output.Write(json[copied..]);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static bool IsIdName(ref Utf8JsonReader reader)
    {
        foreach (var name in IdNames)
        {
            if (reader.ValueTextEquals(name))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLongInteger(ReadOnlySpan<byte> number) =>
        number.Length > MaxExactDigits && number.IndexOfAny("."u8[0], (byte)'e', (byte)'E') < 0;

    private static bool IsHex(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
