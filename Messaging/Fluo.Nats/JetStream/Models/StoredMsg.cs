namespace Fluo.Nats.JetStream;

/// <summary>A message read straight from a stream (<c>STREAM.MSG.GET</c>).</summary>
public sealed record StoredMsg
{
    /// <summary>Its subject.</summary>
    public string Subject { get; init; } = string.Empty;

    /// <summary>Its stream sequence.</summary>
    public ulong Seq { get; init; }

    /// <summary>Its headers, or null.</summary>
    public NatsHeaders? Headers { get; init; }

    /// <summary>Its payload.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>When it was stored.</summary>
    public DateTimeOffset Time { get; init; }
}

/// <summary>Which message <c>STREAM.MSG.GET</c> returns: by sequence or the last one on a subject.</summary>
public sealed record StreamMsgGetRequest
{
    /// <summary>Exact sequence.</summary>
    public ulong? Seq { get; init; }

    /// <summary>The last message on this subject.</summary>
    public string? LastBySubj { get; init; }

    /// <summary>The first message at or after <see cref="Seq"/> on this subject.</summary>
    public string? NextBySubj { get; init; }
}

/// <summary>What <c>STREAM.PURGE</c> removes; empty purges everything.</summary>
public sealed record StreamPurgeRequest
{
    /// <summary>Only messages on this subject (wildcards allowed).</summary>
    public string? Filter { get; init; }

    /// <summary>Messages below this sequence.</summary>
    public ulong? Seq { get; init; }

    /// <summary>Keep this many of the newest.</summary>
    public ulong? Keep { get; init; }
}
