namespace Fluo.Nats.JetStream;

/// <summary>A consumer as the server describes it.</summary>
public sealed record ConsumerInfo
{
    /// <summary>The stream it reads.</summary>
    public string StreamName { get; init; } = string.Empty;

    /// <summary>Its name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>When it was created.</summary>
    public DateTimeOffset Created { get; init; }

    /// <summary>The configuration (with server defaults filled in).</summary>
    public ConsumerConfig Config { get; init; } = new();

    /// <summary>The last delivered position.</summary>
    public SequenceInfo Delivered { get; init; } = new();

    /// <summary>Everything up to this position is acknowledged.</summary>
    public SequenceInfo AckFloor { get; init; } = new();

    /// <summary>Delivered but not acknowledged.</summary>
    public long NumAckPending { get; init; }

    /// <summary>Redelivered and not acknowledged.</summary>
    public long NumRedelivered { get; init; }

    /// <summary>Pull requests waiting.</summary>
    public long NumWaiting { get; init; }

    /// <summary>Messages not delivered yet.</summary>
    public ulong NumPending { get; init; }
}

/// <summary>A consumer and stream sequence pair.</summary>
public sealed record SequenceInfo
{
    /// <summary>Consumer sequence.</summary>
    public ulong ConsumerSeq { get; init; }

    /// <summary>Stream sequence.</summary>
    public ulong StreamSeq { get; init; }

    /// <summary>Last activity, when known.</summary>
    public DateTimeOffset? LastActive { get; init; }
}
