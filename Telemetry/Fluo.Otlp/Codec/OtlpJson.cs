using System.Text;
using Google.Protobuf;

namespace Fluo.Otlp.Codec;

/// <summary>
/// OTLP/JSON as the OTLP specification defines it: the protobuf JSON mapping, except that trace and span ids are
/// hex strings. Reading accepts lowerCamelCase and original snake_case field names, enums as numbers or names,
/// 64-bit integers as strings or numbers, and ignores unknown fields. Writing uses lowerCamelCase names,
/// enums as numbers and hex ids.
/// </summary>
public static class OtlpJson
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(true));

    /// <summary>Parses a UTF-8 OTLP/JSON body. Throws <see cref="OtlpFormatException"/> when it is not valid.</summary>
    public static T Parse<T>(ReadOnlySpan<byte> utf8Json)
        where T : IMessage<T>, new()
    {
        if (utf8Json.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new OtlpFormatException($"The body is empty: an OTLP/JSON {typeof(T).Name} is at least {{}}.");
        }

        var json = OtlpJsonRewriter.ForParsing(utf8Json);
        try
        {
            return Parser.Parse<T>(json);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException or OverflowException)
        {
            throw new OtlpFormatException($"The body is not a valid OTLP/JSON {typeof(T).Name}: {ex.Message}", ex);
        }
    }

    /// <summary>Writes <paramref name="message"/> as OTLP/JSON text.</summary>
    public static string Format(IMessage message) => OtlpJsonRewriter.ForFormatting(Encoding.UTF8.GetBytes(Formatter.Format(message)));
}
