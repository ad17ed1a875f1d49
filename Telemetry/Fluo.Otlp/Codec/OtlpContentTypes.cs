using Microsoft.Net.Http.Headers;

namespace Fluo.Otlp.Codec;

/// <summary>Maps OTLP/HTTP content types to <see cref="OtlpEncoding"/> and back.</summary>
public static class OtlpContentTypes
{
    /// <summary>The binary protobuf media type.</summary>
    public const string Protobuf = "application/x-protobuf";

    /// <summary>The JSON media type.</summary>
    public const string Json = "application/json";

    /// <summary>The media type to send for <paramref name="encoding"/>.</summary>
    public static string For(OtlpEncoding encoding) => encoding == OtlpEncoding.Json ? Json : Protobuf;

    /// <summary>
    /// Reads a <c>Content-Type</c> header value; parameters such as <c>charset</c> are allowed.
    /// Returns <see langword="false"/> for a missing, malformed or other media type.
    /// </summary>
    public static bool TryParse(string? contentType, out OtlpEncoding encoding)
    {
        encoding = OtlpEncoding.Protobuf;
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return false;
        }

        if (parsed.MediaType.Equals(Protobuf, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (parsed.MediaType.Equals(Json, StringComparison.OrdinalIgnoreCase))
        {
            encoding = OtlpEncoding.Json;
            return true;
        }

        return false;
    }
}
