namespace Fluo.Nats;

/// <summary>Options of one subscription.</summary>
public sealed record NatsSubOpts
{
    /// <summary>Unsubscribe automatically after this many messages (sent to the server as <c>UNSUB sid max</c>).</summary>
    public int? MaxMsgs { get; init; }

    /// <summary>Messages buffered before new ones are dropped; defaults to <see cref="NatsOpts.SubPendingChannelCapacity"/>.</summary>
    public int? ChannelCapacity { get; init; }

    /// <summary>
    /// Whether each delivery records a <c>receive</c> span continuing the sender's trace (when anyone listens to
    /// <see cref="NatsTelemetry.Source"/>). Turn it off for deliveries that feed state rather than work, such as a
    /// key-value watch keeping a cache current: every write would otherwise add a span to the writer's trace.
    /// </summary>
    public bool ReceiveSpans { get; init; } = true;
}
