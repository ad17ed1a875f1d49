namespace Fluo.Nats.JetStream;

/// <summary>
/// A consumer's configuration. Set <see cref="DurableName"/> for a durable consumer; without it the consumer is
/// ephemeral (removed after <see cref="InactiveThreshold"/> without interest). Zero values mean the server default.
/// </summary>
public sealed record ConsumerConfig
{
    /// <summary>Creates an empty (ephemeral) configuration.</summary>
    public ConsumerConfig() { }

    /// <summary>Creates a durable configuration.</summary>
    public ConsumerConfig(string durableName) => DurableName = durableName;

    /// <summary>Durable name.</summary>
    public string? DurableName { get; init; }

    /// <summary>Name (2.9.0+); for durables the same as <see cref="DurableName"/>.</summary>
    public string? Name { get; init; }

    /// <summary>Optional description.</summary>
    public string? Description { get; init; }

    /// <summary>Where delivery starts.</summary>
    public ConsumerDeliverPolicy DeliverPolicy { get; init; }

    /// <summary>Start sequence for <see cref="ConsumerDeliverPolicy.ByStartSequence"/>.</summary>
    public ulong OptStartSeq { get; init; }

    /// <summary>Start time for <see cref="ConsumerDeliverPolicy.ByStartTime"/>.</summary>
    public DateTimeOffset? OptStartTime { get; init; }

    /// <summary>Acknowledgement policy.</summary>
    public ConsumerAckPolicy AckPolicy { get; init; }

    /// <summary>How long the server waits for an ack before redelivering (zero: 30 s).</summary>
    public TimeSpan AckWait { get; init; }

    /// <summary>Deliveries before giving up on a message (-1 or 0: unlimited); then the MAX_DELIVERIES advisory is sent.</summary>
    public long MaxDeliver { get; init; }

    /// <summary>Redelivery delays per attempt (replaces <see cref="AckWait"/>); needs <see cref="MaxDeliver"/> &gt; its length.</summary>
    public IReadOnlyList<TimeSpan>? Backoff { get; init; }

    /// <summary>Only messages on this subject (may hold wildcards).</summary>
    public string? FilterSubject { get; init; }

    /// <summary>Replay policy.</summary>
    public ConsumerReplayPolicy ReplayPolicy { get; init; }

    /// <summary>Sampling percentage for ack metrics, e.g. "100%".</summary>
    public string? SampleFreq { get; init; }

    /// <summary>Maximum waiting pull requests (zero: 512).</summary>
    public long MaxWaiting { get; init; }

    /// <summary>Maximum messages delivered but not acknowledged (zero: 1000).</summary>
    public long MaxAckPending { get; init; }

    /// <summary>Largest batch a pull may ask for (zero: no limit).</summary>
    public long MaxBatch { get; init; }

    /// <summary>Longest expiry a pull may ask for (zero: no limit).</summary>
    public TimeSpan MaxExpires { get; init; }

    /// <summary>Largest max_bytes a pull may ask for (zero: no limit).</summary>
    public long MaxBytes { get; init; }

    /// <summary>Deliver headers only (adds <c>Nats-Msg-Size</c>).</summary>
    public bool HeadersOnly { get; init; }

    /// <summary>Removes the consumer after this long without interest (ephemerals default to 5 s).</summary>
    public TimeSpan InactiveThreshold { get; init; }

    /// <summary>Replicas (0: as the stream).</summary>
    public int NumReplicas { get; init; }

    /// <summary>Keep consumer state in memory.</summary>
    public bool MemStorage { get; init; }
}
