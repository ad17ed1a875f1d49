namespace Fluo.Nats.JetStream;

/// <summary>A stream as the server describes it.</summary>
public sealed record StreamInfo
{
    /// <summary>The configuration (with server defaults filled in).</summary>
    public StreamConfig Config { get; init; } = new();

    /// <summary>When it was created.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>Its content.</summary>
    public StreamState State { get; init; } = new();
}

/// <summary>What a stream holds.</summary>
public sealed record StreamState
{
    /// <summary>Messages stored.</summary>
    public ulong Messages { get; init; }

    /// <summary>Bytes stored.</summary>
    public ulong Bytes { get; init; }

    /// <summary>Sequence of the first message.</summary>
    public ulong FirstSeq { get; init; }

    /// <summary>Time of the first message.</summary>
    public DateTimeOffset FirstTs { get; init; }

    /// <summary>Sequence of the last message.</summary>
    public ulong LastSeq { get; init; }

    /// <summary>Time of the last message.</summary>
    public DateTimeOffset LastTs { get; init; }

    /// <summary>Deleted messages between first and last.</summary>
    public ulong NumDeleted { get; init; }

    /// <summary>Distinct subjects.</summary>
    public ulong NumSubjects { get; init; }

    /// <summary>Consumers.</summary>
    public int ConsumerCount { get; init; }
}
