namespace Fluo.Nats;

/// <summary>Options of one subscription.</summary>
public sealed record NatsSubOpts
{
    /// <summary>Unsubscribe automatically after this many messages (sent to the server as <c>UNSUB sid max</c>).</summary>
    public int? MaxMsgs { get; init; }

    /// <summary>Messages buffered before new ones are dropped; defaults to <see cref="NatsOpts.SubPendingChannelCapacity"/>.</summary>
    public int? ChannelCapacity { get; init; }
}
