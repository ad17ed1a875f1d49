using Google.Protobuf;

namespace Fluo.Otlp.Codec;

/// <summary>Decodes and encodes OTLP messages in either <see cref="OtlpEncoding"/>.</summary>
public static class OtlpCodec
{
    /// <summary>
    /// Decodes <paramref name="body"/>; an empty protobuf body is an empty message.
    /// Throws <see cref="OtlpFormatException"/> with a readable message when the body is not valid.
    /// </summary>
    public static T Decode<T>(ReadOnlySpan<byte> body, OtlpEncoding encoding, MessageParser<T> parser)
        where T : IMessage<T>, new()
    {
        ArgumentNullException.ThrowIfNull(parser);
        if (encoding == OtlpEncoding.Json)
        {
            return OtlpJson.Parse<T>(body);
        }

        try
        {
            return parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new OtlpFormatException($"The body is not a valid OTLP protobuf {typeof(T).Name}: {ex.Message}", ex);
        }
    }

    /// <summary>Encodes <paramref name="message"/> for a response body.</summary>
    public static byte[] Encode(IMessage message, OtlpEncoding encoding) =>
        encoding == OtlpEncoding.Json ? System.Text.Encoding.UTF8.GetBytes(OtlpJson.Format(message)) : message.ToByteArray();
}
