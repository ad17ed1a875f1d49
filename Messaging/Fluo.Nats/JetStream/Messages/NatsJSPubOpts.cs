namespace Fluo.Nats.JetStream;

/// <summary>Options of a JetStream publish: deduplication, optimistic concurrency, retries.</summary>
public sealed record NatsJSPubOpts
{
    /// <summary><c>Nats-Msg-Id</c>: a second publish with the same id within the duplicate window is not stored again.</summary>
    public string? MsgId { get; init; }

    /// <summary><c>Nats-Expected-Stream</c>: fail unless the subject belongs to this stream.</summary>
    public string? ExpectedStream { get; init; }

    /// <summary><c>Nats-Expected-Last-Sequence</c>: fail unless the stream's last sequence is this.</summary>
    public ulong? ExpectedLastSequence { get; init; }

    /// <summary><c>Nats-Expected-Last-Subject-Sequence</c>: fail unless the subject's last sequence is this (0: no message yet).</summary>
    public ulong? ExpectedLastSubjectSequence { get; init; }

    /// <summary><c>Nats-Expected-Last-Msg-Id</c>: fail unless the stream's last message had this id.</summary>
    public string? ExpectedLastMsgId { get; init; }

    /// <summary>Attempts when nobody answers (no stream leader, e.g. during an election); at least 1.</summary>
    public int RetryAttempts { get; init; } = 4;

    /// <summary>Wait before the second attempt; doubled for each further one.</summary>
    public TimeSpan RetryWait { get; init; } = TimeSpan.FromMilliseconds(250);

    internal bool HasHeaders =>
        MsgId is not null || ExpectedStream is not null || ExpectedLastSequence is not null ||
        ExpectedLastSubjectSequence is not null || ExpectedLastMsgId is not null;
}
