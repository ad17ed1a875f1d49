namespace Fluo.Nats.JetStream;

/// <summary>Asynchronous publishing from a JetStream context.</summary>
public static class NatsJSPublisherExtensions
{
    /// <summary>
    /// Creates a publisher that keeps up to <see cref="NatsJSPublisherOpts.MaxInFlight"/> publishes awaiting their
    /// acks (see <see cref="NatsJSPublisher"/>). Dispose it when done.
    /// </summary>
    /// <exception cref="NotSupportedException">The context's connection is not a <see cref="NatsConnection"/>.</exception>
    public static NatsJSPublisher CreatePublisher(this INatsJSContext js, NatsJSPublisherOpts? opts = null)
    {
        ArgumentNullException.ThrowIfNull(js);
        return js is NatsJSContext context
            ? new NatsJSPublisher(context, opts)
            : throw new NotSupportedException("The asynchronous publisher needs a Fluo.Nats NatsJSContext.");
    }
}
