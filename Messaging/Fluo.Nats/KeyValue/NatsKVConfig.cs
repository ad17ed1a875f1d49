using Fluo.Nats.JetStream;

namespace Fluo.Nats.KeyValue;

/// <summary>A bucket's configuration; stored as the stream <c>KV_&lt;bucket&gt;</c> (ADR-8).</summary>
public sealed record NatsKVConfig
{
    /// <summary>Creates an empty configuration (set <see cref="Bucket"/>).</summary>
    public NatsKVConfig() { }

    /// <summary>Creates a configuration for <paramref name="bucket"/>.</summary>
    public NatsKVConfig(string bucket) => Bucket = bucket;

    /// <summary>The bucket name: letters, digits, <c>_</c> and <c>-</c>.</summary>
    public string Bucket { get; init; } = string.Empty;

    /// <summary>Optional description.</summary>
    public string? Description { get; init; }

    /// <summary>Values kept per key, 1 to 64.</summary>
    public int History { get; init; } = 1;

    /// <summary>How long a value lives (zero: forever).</summary>
    public TimeSpan MaxAge { get; init; }

    /// <summary>Largest value in bytes (-1: no limit).</summary>
    public int MaxValueSize { get; init; } = -1;

    /// <summary>Size of the bucket in bytes (-1: no limit); beyond it puts are refused.</summary>
    public long MaxBytes { get; init; } = -1;

    /// <summary>Storage type.</summary>
    public StreamStorage Storage { get; init; } = StreamStorage.File;

    /// <summary>Replicas.</summary>
    public int NumberOfReplicas { get; init; } = 1;
}
