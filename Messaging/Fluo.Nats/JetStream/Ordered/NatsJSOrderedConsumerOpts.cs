namespace Fluo.Nats.JetStream;

/// <summary>Options of an ordered consumer: what to read and where to start.</summary>
public sealed record NatsJSOrderedConsumerOpts
{
    /// <summary>The defaults: the whole stream from its first message.</summary>
    public static NatsJSOrderedConsumerOpts Default { get; } = new();

    /// <summary>Only messages on this subject (wildcards allowed).</summary>
    public string? FilterSubject { get; init; }

    /// <summary>
    /// Where the first delivery starts. <see cref="ConsumerDeliverPolicy.LastPerSubject"/> needs
    /// <see cref="FilterSubject"/>; a non-zero <see cref="OptStartSeq"/> with <see cref="ConsumerDeliverPolicy.All"/>
    /// means <see cref="ConsumerDeliverPolicy.ByStartSequence"/>.
    /// </summary>
    public ConsumerDeliverPolicy DeliverPolicy { get; init; }

    /// <summary>First stream sequence for <see cref="ConsumerDeliverPolicy.ByStartSequence"/>.</summary>
    public ulong OptStartSeq { get; init; }

    /// <summary>Start time for <see cref="ConsumerDeliverPolicy.ByStartTime"/>.</summary>
    public DateTimeOffset? OptStartTime { get; init; }

    /// <summary>Deliver headers only (the payload is empty; <c>Nats-Msg-Size</c> gives its size).</summary>
    public bool HeadersOnly { get; init; }

    /// <summary>Replay speed.</summary>
    public ConsumerReplayPolicy ReplayPolicy { get; init; }

    /// <summary>The server removes an abandoned consumer after this long without pulls.</summary>
    public TimeSpan InactiveThreshold { get; init; } = TimeSpan.FromMinutes(5);

    internal ConsumerDeliverPolicy InitialPolicy =>
        DeliverPolicy == ConsumerDeliverPolicy.All && OptStartSeq > 0 ? ConsumerDeliverPolicy.ByStartSequence : DeliverPolicy;

    internal void Validate()
    {
        if (FilterSubject is not null)
        {
            NatsSubjects.Validate(FilterSubject, allowWildcards: true);
        }

        switch (InitialPolicy)
        {
            case ConsumerDeliverPolicy.ByStartSequence when OptStartSeq == 0:
                throw new ArgumentException("ByStartSequence needs OptStartSeq (1 or more).", "opts");
            case ConsumerDeliverPolicy.ByStartTime when OptStartTime is null:
                throw new ArgumentException("ByStartTime needs OptStartTime.", "opts");
            case ConsumerDeliverPolicy.LastPerSubject when FilterSubject is null:
                throw new ArgumentException("LastPerSubject needs FilterSubject.", "opts");
        }

        if (InactiveThreshold <= TimeSpan.Zero)
        {
            throw new ArgumentException("InactiveThreshold must be positive.", "opts");
        }
    }
}
