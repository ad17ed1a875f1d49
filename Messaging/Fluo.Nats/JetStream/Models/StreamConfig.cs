namespace Fluo.Nats.JetStream;

/// <summary>A stream's configuration (<c>$JS.API.STREAM.CREATE</c> body). Zero limits mean the server default (unlimited).</summary>
public sealed record StreamConfig
{
    /// <summary>Creates an empty configuration (for deserialization).</summary>
    public StreamConfig() { }

    /// <summary>Creates a configuration with a name and subjects.</summary>
    public StreamConfig(string name, IReadOnlyList<string>? subjects = null)
    {
        Name = name;
        Subjects = subjects;
    }

    /// <summary>Stream name: no spaces, <c>.</c>, <c>*</c> or <c>&gt;</c>.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Optional description.</summary>
    public string? Description { get; init; }

    /// <summary>Subjects stored; the server defaults to the stream name.</summary>
    public IReadOnlyList<string>? Subjects { get; init; }

    /// <summary>Retention policy.</summary>
    public StreamRetention Retention { get; init; }

    /// <summary>Maximum consumers (-1 or 0: unlimited).</summary>
    public long MaxConsumers { get; init; }

    /// <summary>Maximum messages (-1 or 0: unlimited).</summary>
    public long MaxMsgs { get; init; }

    /// <summary>Maximum bytes (-1 or 0: unlimited).</summary>
    public long MaxBytes { get; init; }

    /// <summary>Maximum age of a message (zero: forever; at least 100 ms otherwise).</summary>
    public TimeSpan MaxAge { get; init; }

    /// <summary>Maximum messages per subject (-1 or 0: unlimited).</summary>
    public long MaxMsgsPerSubject { get; init; }

    /// <summary>Maximum size of one message (-1 or 0: unlimited).</summary>
    public int MaxMsgSize { get; init; }

    /// <summary>Discard policy.</summary>
    public StreamDiscard Discard { get; init; }

    /// <summary>Storage type.</summary>
    public StreamStorage Storage { get; init; }

    /// <summary>Replicas (0 or 1: single copy).</summary>
    public int NumReplicas { get; init; }

    /// <summary>Window in which <c>Nats-Msg-Id</c> duplicates are detected (zero: the server default, 2 minutes).</summary>
    public TimeSpan DuplicateWindow { get; init; }

    /// <summary>Publishes are not acknowledged.</summary>
    public bool NoAck { get; init; }

    /// <summary>Messages may be fetched with <c>DIRECT.GET</c> (2.9.0+).</summary>
    public bool AllowDirect { get; init; }

    /// <summary>Messages cannot be deleted.</summary>
    public bool DenyDelete { get; init; }

    /// <summary>The stream cannot be purged.</summary>
    public bool DenyPurge { get; init; }

    /// <summary><c>Nats-Rollup</c> headers are allowed.</summary>
    public bool AllowRollupHdrs { get; init; }

    /// <summary>With discard new, apply the limit per subject (2.9.5+).</summary>
    public bool DiscardNewPerSubject { get; init; }

    /// <summary>No further changes allowed.</summary>
    public bool Sealed { get; init; }
}
