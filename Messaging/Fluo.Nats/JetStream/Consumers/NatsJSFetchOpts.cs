namespace Fluo.Nats.JetStream;

/// <summary>One pull: how many messages (and bytes) at most, and how long the server may take.</summary>
public sealed record NatsJSFetchOpts
{
    /// <summary>Maximum messages.</summary>
    public int MaxMsgs { get; init; } = 100;

    /// <summary>Maximum bytes (null: no byte limit).</summary>
    public long? MaxBytes { get; init; }

    /// <summary>How long the server keeps the pull open (at least 1 s).</summary>
    public TimeSpan Expires { get; init; } = TimeSpan.FromSeconds(30);
}
