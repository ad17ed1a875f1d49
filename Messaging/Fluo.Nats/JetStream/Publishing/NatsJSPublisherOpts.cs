namespace Fluo.Nats.JetStream;

/// <summary>Options of a <see cref="NatsJSPublisher"/>.</summary>
public sealed record NatsJSPublisherOpts
{
    /// <summary>Publishes awaiting their ack at most; <see cref="NatsJSPublisher.PublishAsync{T}"/> waits while the window is full.</summary>
    public int MaxInFlight { get; init; } = 4096;

    /// <summary>How long an ack may take before its future fails with <see cref="NatsRequestTimeoutException"/>; null: the context's request timeout.</summary>
    public TimeSpan? AckTimeout { get; init; }
}
