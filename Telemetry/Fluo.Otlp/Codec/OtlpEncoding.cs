namespace Fluo.Otlp.Codec;

/// <summary>The two OTLP/HTTP body encodings.</summary>
public enum OtlpEncoding
{
    /// <summary>Binary protobuf, <c>application/x-protobuf</c>.</summary>
    Protobuf,

    /// <summary>OTLP/JSON (protobuf JSON mapping with hex trace and span ids), <c>application/json</c>.</summary>
    Json,
}
