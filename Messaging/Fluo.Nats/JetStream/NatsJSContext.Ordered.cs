namespace Fluo.Nats.JetStream;

public sealed partial class NatsJSContext
{
    /// <inheritdoc />
    public async ValueTask<INatsJSOrderedConsumer> CreateOrderedConsumerAsync(string stream, NatsJSOrderedConsumerOpts? opts = null, CancellationToken cancellationToken = default)
    {
        ValidateName(stream, nameof(stream));
        opts ??= NatsJSOrderedConsumerOpts.Default;
        opts.Validate();
        var consumer = new NatsJSOrderedConsumer(this, stream, opts);

        // Created at once, so a missing stream fails here and Info (with NumPending) is known before consuming.
        await consumer.ResetAsync(null, cancellationToken).ConfigureAwait(false);
        return consumer;
    }
}
