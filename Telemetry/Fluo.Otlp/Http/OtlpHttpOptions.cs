namespace Fluo.Otlp.Http;

/// <summary>How an OTLP/HTTP receiver reads request bodies.</summary>
public sealed record OtlpHttpOptions
{
    /// <summary>The default <see cref="MaxRequestBytes"/>: 16 MiB.</summary>
    public const int DefaultMaxRequestBytes = 16 * 1024 * 1024;

    /// <summary>Largest body accepted, counted after gzip decompression; larger ones get 413.</summary>
    public int MaxRequestBytes { get; init; } = DefaultMaxRequestBytes;
}
