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

    /// <summary>Where it is replicated (null on a server without clustering).</summary>
    public StreamClusterInfo? Cluster { get; init; }
}

/// <summary>A clustered stream's raft group: the leader and the other replicas.</summary>
public sealed record StreamClusterInfo
{
    /// <summary>The cluster name.</summary>
    public string? Name { get; init; }

    /// <summary>The server name of the current leader; null while none is elected.</summary>
    public string? Leader { get; init; }

    /// <summary>The replicas other than the leader.</summary>
    public IReadOnlyList<StreamPeerInfo>? Replicas { get; init; }
}

/// <summary>A replica of a clustered stream, as the leader sees it.</summary>
public sealed record StreamPeerInfo
{
    /// <summary>The server name.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>True when it has caught up with the leader.</summary>
    public bool Current { get; init; }

    /// <summary>True when the leader considers it offline.</summary>
    public bool Offline { get; init; }

    /// <summary>How long ago it was last heard from.</summary>
    public TimeSpan Active { get; init; }

    /// <summary>Raft entries it is behind.</summary>
    public ulong Lag { get; init; }
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
